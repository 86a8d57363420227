"""Open lots whose auction has opened and close lots past their end: what Celery beat's sweep does
every minute. For `make demo` without Redis (no beat runs there), `--every N` repeats it every N
seconds until stopped, so the demo's lots open and close on time."""

import time

from django.core.management.base import BaseCommand, CommandError

from auctions import tasks


class Command(BaseCommand):
    help = "Open and close the lots that are due (once, or every N seconds with --every)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds (0: once)")

    def handle(self, *args, **options):
        every = options["every"]
        if every < 0:
            raise CommandError("--every must not be negative.")
        while True:
            result = tasks.sweep()
            if result["opened"] or result["closed"]:
                self.stdout.write(f"opened {result['opened']}, closed {result['closed']} lots")
            if not every:
                return
            time.sleep(every)
