"""{% data_last_updated %}: the footer's "Data last updated on 30 November 2026"."""

from django import template

from front.views import data

register = template.Library()


@register.simple_tag
def data_last_updated() -> str:
    """When the public data last changed, in words in the reader's language ('' before any data)."""
    return data.last_updated_words()
