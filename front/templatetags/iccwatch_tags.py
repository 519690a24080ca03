"""Template filters for the public pages: translated labels, partial dates, verdict styles."""

from django import template

from compliance import partial_isoformat
from front import summaries
from front.labels import label as vocabulary_label

register = template.Library()

# The CSS class of each verdict: incidents stand out, deterred trips and arrests are
# good news, the rest is neutral.
VERDICT_CLASSES = {
    "non_compliance": "v-incident",
    "complied": "v-complied",
    "deterred": "v-deterred",
    "pending": "v-pending",
}


@register.filter
def label(code, vocabulary):
    """{{ visit.verdict.code|label:"verdict" }} -> the reader's word for it."""
    return vocabulary_label(vocabulary, code)


@register.filter
def partial(day, precision="day"):
    """{{ warrant.issued|partial:warrant.issued_precision }} -> 2009-03-04, 2009-03 or 2009."""
    return partial_isoformat(day, precision or "day")


@register.filter
def span(visit):
    """{{ visit|span }} -> 2024-09-02 – 2024-09-03."""
    if isinstance(visit, dict):
        return summaries.span(
            visit["start"], visit["start_precision"], visit["end"], visit["end_precision"]
        )
    return summaries.visit_span(visit)


@register.filter
def verdict_class(code):
    return VERDICT_CLASSES.get(code or "", "v-other")


@register.filter
def get_status(statuses, iso3):
    """{{ statuses|get_status:state.iso3 }}: a state's standing from the page's mapping."""
    return statuses.get(iso3, "non_party")
