"""manage.py import_dataset DIR: validate and load the CSV dataset, then evaluate every visit.

The report starts with the folder's dataset version (from its VERSION file, "unknown"
when there is none); the import is recorded with that version in DatasetImport, unless it
changed nothing (no row, no verdict, the same version and documentation).
Then one line per kind of row: created, updated, unchanged, and deleted or withdrawn
when a newer version removed rows.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.history import recording_command
from dataset.importer import OUTCOMES, ImportFailed, import_dataset


class Command(BaseCommand):
    help = (
        "Import states, declarations, referrals, persons, warrants, visits, findings and "
        "statements from a folder of CSV files (data/DICTIONARY.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=Path, help="Folder holding states.csv, persons.csv, ..."
        )

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        try:
            with recording_command("import_dataset"):
                report = import_dataset(directory)
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            raise CommandError(
                f"{len(failure.errors)} problem(s) found; nothing was imported. Fix them and run the import again."
            ) from None
        version = report.version or "unknown (the folder has no VERSION file)"
        self.stdout.write(f"dataset version: {version}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for model, counts in sorted(report.counts.items()):
            # created, updated and unchanged always; deleted and withdrawn when there are any.
            parts = ", ".join(
                f"{counts.get(k, 0)} {k}"
                for k in OUTCOMES
                if k in ("created", "updated", "unchanged") or counts.get(k)
            )
            self.stdout.write(f"{model}: {parts}")
        stats = report.evaluation
        self.stdout.write(f"verdicts: {stats.evaluated} visits evaluated, {stats.changed} changed")
        if report.changed or stats.changed:
            self.stdout.write(self.style.SUCCESS("Import complete."))
        elif report.recorded:
            self.stdout.write(
                self.style.SUCCESS(
                    "Nothing changed in the rows: the database already matches these files; "
                    "the import is recorded for its new version or documentation."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "Nothing changed: the database already matches these files "
                    "(the import is not recorded)."
                )
            )
