"""Verify every asset's chain of custody; name the first broken entry of each broken chain."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from custody.services import custody_chain_check


class Command(BaseCommand):
    help = ("Recompute the SHA-256 chain of every asset's custody log. Prints 'OK: N entries in M chains', "
            "or the first broken entry of each broken chain, and then exits with status 1.")

    def add_arguments(self, parser):
        parser.add_argument("--asset", type=int, action="append", dest="asset_ids", metavar="ID",
                            help="verify only this asset (repeatable)")
        parser.add_argument("--chunk", type=int, default=10_000, help="rows fetched per round trip")

    def handle(self, *args, **options):
        if options["chunk"] < 1:
            raise CommandError("--chunk must be at least 1.")
        started = time.monotonic()
        report = custody_chain_check(asset_ids=options["asset_ids"], chunk=options["chunk"])
        elapsed = time.monotonic() - started
        if report.intact:
            self.stdout.write(self.style.SUCCESS(
                f"OK: {report.entries} entries in {report.chains} chains ({elapsed:.1f} s)"))
            return
        for b in report.breaks:
            where = f"entry #{b.seq}" if b.seq else "end of chain"
            self.stdout.write(self.style.ERROR(f"BROKEN: asset {b.asset_reference} (id {b.asset_id}), {where}: "
                                               f"{b.problem}"))
        raise CommandError(
            f"{len(report.breaks)} broken chain(s) among {report.chains} ({report.entries} entries checked)."
        )
