from django.core.management.base import BaseCommand

from valuation.models import RunTrigger
from valuation.services import early_sale_recommendation_run


class Command(BaseCommand):
    help = "Compute the early-sale candidates now (the nightly task does the same) and mail the digests."

    def handle(self, *args, **options):
        run = early_sale_recommendation_run(trigger=RunTrigger.COMMAND)
        self.stdout.write(self.style.SUCCESS(
            f"{run.assets_considered} assets in custody considered, {run.candidate_count} candidates, "
            f"{run.officers_notified} case officers notified."))
