"""manage.py import_dataset DIR: validate and load the CSV dataset, then evaluate every visit.

The report starts with the folder's dataset version (from its VERSION file, "unknown"
when there is none); the import is recorded with that version in DatasetImport, unless it
changed nothing (no row, no verdict, the same version and documentation).
Then one line per kind of row: created, updated, unchanged, and restored, deleted or
withdrawn when there are any, each followed by the ids of the rows restored, deleted or
withdrawn; then the verdicts evaluated, followed by each verdict whose code or basis
changed (the visit's id, its code before and after). A list longer than LISTED is cut
there with the count of the rest at the default verbosity; `-v 2` prints it whole.

`--dry-run` checks, counts and reports everything, then rolls the import back: nothing
is kept, no task, mail or webhook leaves. `--allow-mass-removal` lets an import delete
or withdraw most of the rows of a kind, which is otherwise refused as the sign of a
truncated or emptied file (dataset.importer.check_mass_removal).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.history import recording_command
from dataset.importer import (
    MASS_REMOVAL_MINIMUM,
    NAMED_OUTCOMES,
    OUTCOMES,
    ChangedVerdict,
    ImportFailed,
    import_dataset,
)

# How many ids of a list (rows deleted, verdicts changed, ...) the report prints at the
# default verbosity; `-v 2` prints them all.
LISTED = 50


def verdict_line(change: ChangedVerdict) -> str:
    """'vladimir-putin-mng-2024-09-02: non_compliance -> withdrawn'; a new verdict's
    code before is '(none)', and a change of basis alone gives the bases."""
    line = f"{change.visit}: {change.old_code or '(none)'} -> {change.new_code}"
    if change.old_code == change.new_code:
        line += f" (basis {change.old_basis or '(none)'} -> {change.new_basis or '(none)'})"
    return line


class Command(BaseCommand):
    help = (
        "Import states, declarations, referrals, persons, warrants, visits, findings and "
        "statements from a folder of CSV files (data/DICTIONARY.md). A version older than "
        "the one imported last, or changed files under the same version, are refused: "
        "write a newer version to VERSION and add its entry to CHANGELOG.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", type=Path, help="Folder holding states.csv, persons.csv, ..."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and print the report (what would be created, updated, "
            "restored, deleted, withdrawn, naming the rows restored, deleted or withdrawn; the "
            "verdicts that would change, each with its code before and after), then roll the "
            "import back: nothing is kept, and no evaluation task, mail or webhook is sent.",
        )
        parser.add_argument(
            "--allow-mass-removal",
            action="store_true",
            help="Let the import delete or withdraw more than half of the rows of a kind "
            f"recorded (and more than {MASS_REMOVAL_MINIMUM}), which is otherwise refused as "
            "the sign of a truncated or emptied file.",
        )

    def listed(self, lines: list[str], verbosity: int) -> None:
        """Print `lines` indented, the first LISTED of them unless `verbosity` is 2 or more,
        then how many more there are."""
        shown = lines if verbosity >= 2 else lines[:LISTED]
        for line in shown:
            self.stdout.write(f"  {line}")
        if len(shown) < len(lines):
            self.stdout.write(
                f"  and {len(lines) - len(shown)} more (run with -v 2 to list them all)"
            )

    def handle(self, *args, directory: Path, dry_run: bool, allow_mass_removal: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        try:
            with recording_command("import_dataset"):
                report = import_dataset(
                    directory, dry_run=dry_run, allow_mass_removal=allow_mass_removal
                )
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            for line in failure.notes:
                self.stderr.write(f"note: {line}")
            raise CommandError(
                f"{len(failure.errors)} problem(s) found; nothing was imported. Fix them and run the import again."
            ) from None
        verbosity = options.get("verbosity", 1)
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
            named = report.named.get(model, {})
            for outcome in NAMED_OUTCOMES:
                self.listed([f"{outcome}: {name}" for name in named.get(outcome, [])], verbosity)
        stats = report.evaluation
        self.stdout.write(f"verdicts: {stats.evaluated} visits evaluated: {stats.summary()}")
        self.listed([verdict_line(change) for change in report.verdicts], verbosity)
        if report.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    "Dry run: nothing was imported (the import was rolled back). "
                    "Run the command again without --dry-run to import."
                )
            )
        elif report.changed or stats.changed:
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
