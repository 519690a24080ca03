"""`manage.py warm_summaries`: count the site's summaries before the first reader asks."""

import time

from django.core.management.base import BaseCommand

from front import warm


class Command(BaseCommand):
    help = (
        "Count the summaries the site's pages show (home, lists, every state and person) "
        "for the current data version, so that no reader waits for them after a deployment "
        "or an emptied cache. The web entrypoint runs it in the background."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        last = [started]

        def progress(done, total, name):
            now = time.monotonic()
            if options["verbosity"] >= 2 or now - last[0] >= 10 or done == total:
                last[0] = now
                self.stdout.write(f"{done}/{total} summaries counted ({name})")

        total = warm.warm(progress)
        self.stdout.write(f"{total} summaries current in {time.monotonic() - started:.1f} s.")
