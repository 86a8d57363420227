"""`manage.py public_record_sync`: make, publish or unpublish the public page of every asset and of
every disposition decision so that the public record matches the records (after an import, or to
repair a missed sync)."""

from django.core.management.base import BaseCommand

from cms.record import public_record_sync


class Command(BaseCommand):
    help = "Make, publish or unpublish every asset's and every disposition decision's public page to match the records."

    def handle(self, *args, **options):
        counts = public_record_sync()
        self.stdout.write(f"{counts['published']} asset pages live, {counts['unpublished']} unpublished.")
        self.stdout.write(f"{counts['decisions_published']} disposition pages live, "
                          f"{counts['decisions_unpublished']} unpublished.")
