"""`manage.py bump_data_version`: make every cached answer stale after a write made outside Django."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import pagecache


class Command(BaseCommand):
    help = (
        "Move the page cache's data version, so that every cached page and API answer, and "
        "every ETag, is stale at once. Run it after writing to the database outside Django "
        "(an UPDATE typed into psql, a script on a connection of its own): Django's writes "
        "move the version themselves, those no Django connection runs do not "
        "(core.pagecache)."
    )

    def handle(self, *args, **options):
        if not settings.ICCWATCH_PAGE_CACHE and not settings.REDIS_URL:
            self.stdout.write("No data version (no REDIS_URL, page cache off): nothing is cached.")
            return
        before = pagecache.data_version()
        pagecache.bump_data_version()
        after = pagecache.data_version()
        if after is None or after == before:
            raise CommandError(
                "The data version did not move: the cache (Redis) cannot be reached. Run "
                "this again once it answers; until then no page is served from it."
            )
        if options["verbosity"] >= 1:
            self.stdout.write(f"Data version moved: {before} -> {after}.")
