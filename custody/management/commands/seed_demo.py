"""Deterministic demo data. Each app that has a `demo` module with a `seed(command, options)`
function contributes, in INSTALLED_APPS order (the register first, then what builds on it)."""

import importlib
import random

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load deterministic demo data (refused in production)."

    def add_arguments(self, parser):
        parser.add_argument("--assets", type=int, default=60, help="number of assets (default 60)")
        parser.add_argument("--cases", type=int, default=None, help="number of cases (default assets/20)")
        parser.add_argument("--bidders", type=int, default=20, help="approved demo bidders bidder1..N")
        parser.add_argument("--password", default="demo-pass-2026", help="password of every demo login")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument("--bulk", action="store_true",
                            help="large data sets for benchmarks: skip photos and per-row services")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo creates demo logins and never runs in production.")
        if options["assets"] < 0 or options["bidders"] < 0:
            raise CommandError("--assets and --bidders must not be negative.")
        options["cases"] = options["cases"] or max(1, options["assets"] // 20)
        options["rng"] = random.Random(options["seed"])
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self, options)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
