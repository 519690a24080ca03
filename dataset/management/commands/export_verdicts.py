"""manage.py export_verdicts: every visit's verdict as CSV on stdout."""

import csv

from django.core.management.base import BaseCommand

from visits.models import Visit

COLUMNS = ["id", "person_slug", "host_iso3", "start", "end", "status", "outcome", "verdict", "basis", "explanation"]


def _date(value, precision):
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return value.strftime("%Y-%m")
    return value.isoformat()


class Command(BaseCommand):
    help = "Write one CSV row per visit (ordered by start date, person, host) with its current verdict."

    def handle(self, *args, **options):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        visits = (
            Visit.objects.select_related("person", "host", "verdict")
            .order_by("start", "person__slug", "host__iso3", "slug")
            .iterator(chunk_size=2000)
        )
        for visit in visits:
            verdict = getattr(visit, "verdict", None)
            writer.writerow([
                visit.slug, visit.person.slug, visit.host.iso3,
                _date(visit.start, visit.start_precision), _date(visit.end, visit.end_precision),
                visit.status, visit.outcome,
                verdict.code if verdict else "", verdict.basis if verdict else "",
                verdict.explanation if verdict else "",
            ])
