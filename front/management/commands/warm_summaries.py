"""`manage.py warm_summaries`: count the site's summaries before the first reader asks."""

import time

from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError

from core import pagecache
from core.cache import FailOpenRedisCache, redis_failures
from front import warm


class Command(BaseCommand):
    help = (
        "Count the summaries the site's pages show (home, lists, every state and person) "
        "for the current data version, so that no reader waits for them after a deployment "
        "or an emptied cache. The web entrypoint runs it in the background. Fails (exit "
        "status 1, nothing counted) when Redis cannot be reached, where they are kept."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        last = [started]
        # The cache fails open: with Redis out of reach every summary would be counted
        # and thrown away, and the command would say they were current.
        if isinstance(caches["default"], FailOpenRedisCache) and pagecache.data_version() is None:
            raise CommandError(
                "The cache (REDIS_URL) cannot be reached: no summary was counted, as none "
                "could be kept. Run warm_summaries again once Redis answers; meanwhile the "
                "first reader of each page waits for its counts."
            )
        failures = redis_failures()

        def progress(done, total, name):
            now = time.monotonic()
            if options["verbosity"] >= 2 or now - last[0] >= 10 or done == total:
                last[0] = now
                self.stdout.write(f"{done}/{total} summaries counted ({name})")

        total = warm.warm(progress)
        if redis_failures() != failures:
            raise CommandError(
                f"{total} summaries counted in {time.monotonic() - started:.1f} s, but the "
                "cache (REDIS_URL) failed meanwhile: some were not kept. Run warm_summaries "
                "again once Redis answers."
            )
        self.stdout.write(f"{total} summaries current in {time.monotonic() - started:.1f} s.")
