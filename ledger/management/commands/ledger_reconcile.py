"""Check that the ledger reconciles; prints what it checked and every mismatch, exits 1 on one."""

from django.core.management.base import BaseCommand, CommandError

from ledger.reconciliation import ledger_reconcile


class Command(BaseCommand):
    help = "Check that the ledger balances and that each case's escrow equals its open early-sale proceeds."

    def handle(self, *args, **options):
        report = ledger_reconcile()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"the ledger does not reconcile: {len(report.mismatches)} mismatch(es)", returncode=1)
