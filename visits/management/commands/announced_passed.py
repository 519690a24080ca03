"""manage.py announced_passed: the announced trips whose dates have passed, for staff.

An `announced` trip is publicly planned and not yet taken (docs/DOMAIN.md, "Visit"); once
its last possible day is before today (visits.models.announced_dates_passed) nobody has
recorded whether it took place, was called off or was attended by video. The site and the
API then say "dates passed; not confirmed as taken" and no longer count it as an early
warning; this command lists them, oldest first, so that someone researches each and files
a correction: one line per trip, tab-separated: its id, person, host (ISO3), start, end
(partial ISO dates, "" for none), the days since its last possible day, and its page's path.
A trip whose end is not known has no last possible day, so its dates never pass (it may be
going on); once its start is past it is listed too, after the others, with "end not known,
started N days ago" in the days column (N counted from its first possible day).
`--date YYYY-MM-DD` reads them as of another day (default: today). Exit status 0 either
way; the last line counts them.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance import partial_isoformat
from visits.models import Visit, dates_passed_condition, started_end_unknown_condition


class Command(BaseCommand):
    help = (
        "List the announced trips whose dates have passed (not confirmed as taken), for "
        "someone to research and correct."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Read the trips as of this day (YYYY-MM-DD; default: today).",
        )

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a day (YYYY-MM-DD)") from None
        count = 0
        for visit in self._trips(dates_passed_condition(today)):
            last = visit.possible_days()[1]
            end = partial_isoformat(visit.end, visit.end_precision)
            self._write(visit, end, str((today - last).days))
            count += 1
        unknown = 0
        for visit in self._trips(started_end_unknown_condition(today)):
            first = visit.possible_days()[0]
            self._write(visit, "", f"end not known, started {(today - first).days} days ago")
            unknown += 1
        self.stdout.write(
            f"{count} announced trip(s) whose dates passed before {today.isoformat()}: "
            "not confirmed as taken; research each and record whether it occurred, was "
            "cancelled or was attended by video."
            + (
                f" And {unknown} announced trip(s) whose end is not known, started before "
                f"{today.isoformat()}: they may be going on; research whether each took place."
                if unknown
                else ""
            )
        )

    @staticmethod
    def _trips(condition):
        """The published visits meeting `condition`, oldest first, with person and host."""
        return (
            Visit.objects.published()
            .filter(condition)
            .select_related("person", "host")
            .order_by("start", "pk")
        )

    def _write(self, visit, end: str, days: str) -> None:
        """One tab-separated row: slug, person, host, start, `end`, `days`, address."""
        start = partial_isoformat(visit.start, visit.start_precision)
        row = (visit.slug, visit.person.name, visit.host.iso3, start, end, days)
        self.stdout.write("\t".join((*row, visit.get_absolute_url())))
