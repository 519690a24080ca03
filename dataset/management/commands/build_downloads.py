"""manage.py build_downloads: the zip and SQLite files of /data/ (dataset/bulk.py)."""

from django.core.management.base import BaseCommand, CommandError

from dataset import bulk

NOT_REBUILT = "Nothing was rebuilt: run the command again with --force once that build ends."


class Command(BaseCommand):
    help = (
        "Build the bulk downloads of /data/ (the whole public dataset with the verdicts and their "
        "history, as a zip of CSV files and as one SQLite file, with the codebook, licence, "
        "version and date) under ICCWATCH_DOWNLOADS_DIR. Does nothing when the files for the "
        "data as it is now exist, unless --force. While another process builds them, builds "
        "nothing and says which build /data/ offers meanwhile; with --force it then exits with "
        "status 1, as the rebuild asked for did not happen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if up to date.")

    def handle(self, *args, force=False, **options):
        attempt = bulk.attempt_build(force=force)
        manifest = attempt.manifest
        if attempt.elsewhere and not manifest:
            # Another process holds the build lock (bulk.BUILD_LOCK) and no build exists yet.
            self.stdout.write(
                "Another process is building the downloads; none is built yet: /data/ "
                "offers them once it ends."
            )
            if force:
                raise CommandError(NOT_REBUILT)
            return
        if attempt.elsewhere:
            # Nothing was built here: the files listed are the last build's, which /data/
            # offers until the other process's build replaces them.
            self.stdout.write(
                "Another process is building the downloads; this command built nothing. "
                f"Meanwhile /data/ offers the last build (version {manifest['version']}, "
                f"key {manifest['key']}, built at {manifest['built_at']}):"
            )
        for file in manifest["files"]:
            self.stdout.write(f"{file['name']}  {file['bytes']:,} bytes  sha256 {file['sha256']}")
        if attempt.elsewhere and force:
            # The rebuild asked for did not happen: a script or an operator must not read
            # success (exit status 1, the message on stderr).
            raise CommandError(NOT_REBUILT)
