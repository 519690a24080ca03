"""manage.py export_verdicts: every visit's verdict as CSV on stdout (written by `core.tabular`)."""

from django.core.management.base import BaseCommand

from core import tabular
from visits.models import Visit

COLUMNS = [
    "id",
    "person_slug",
    "host_iso3",
    "start",
    "end",
    "status",
    "outcome",
    "verdict",
    "basis",
    "explanation",
]


def verdict_row(visit) -> dict:
    """One visit's row: its identifiers, dates, what happened and its current verdict."""
    verdict = getattr(visit, "verdict", None)
    return {
        "id": visit.slug,
        "person_slug": visit.person.slug,
        "host_iso3": visit.host.iso3,
        "start": tabular.partial_date(visit.start, visit.start_precision),
        "end": tabular.partial_date(visit.end, visit.end_precision),
        "status": visit.status,
        "outcome": visit.outcome,
        "verdict": verdict.code if verdict else "",
        "basis": verdict.basis if verdict else "",
        "explanation": verdict.explanation if verdict else "",
    }


class Command(BaseCommand):
    help = "Write one CSV row per visit (ordered by start date, person, host) with its current verdict."

    def handle(self, *args, **options):
        visits = (
            Visit.objects.select_related("person", "host", "verdict")
            .order_by("start", "person__slug", "host__iso3", "slug")
            .iterator(chunk_size=2000)
        )
        for line in tabular.csv_lines((verdict_row(visit) for visit in visits), COLUMNS):
            self.stdout.write(line, ending="")
