"""Template filters for the public pages: verdict labels and styles, partial dates, standings."""

from django import template

from compliance import partial_isoformat
from front import summaries
from states.status import Standing
from visits.models import VerdictCode

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
def verdict_label(code):
    """{{ visit.verdict.code|verdict_label }} -> the verdict in the reader's language ("" if none)."""
    return VerdictCode(code).label if code else ""


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
    """{{ code|verdict_class }} -> the CSS class that colours the verdict."""
    return VERDICT_CLASSES.get(code or "", "v-other")


@register.filter
def get_status(statuses, iso3):
    """{{ statuses|get_status:state.iso3 }}: a state's Standing from the page's mapping.

    It renders as its code ({{ s }}, for CSS classes) and has its translated {{ s.label }}.
    """
    return Standing(statuses.get(iso3, Standing.NON_PARTY))
