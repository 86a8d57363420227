"""`manage.py public_record_sync`: make, publish or unpublish the public page of every asset so that
the public record matches the register (after an import, or to repair a missed sync)."""

from django.core.management.base import BaseCommand

from cms.record import public_record_sync


class Command(BaseCommand):
    help = "Make, publish or unpublish every asset's public page to match the register."

    def handle(self, *args, **options):
        counts = public_record_sync()
        self.stdout.write(f"{counts['published']} asset pages live, {counts['unpublished']} unpublished.")
