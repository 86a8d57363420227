"""Celery tasks: they take ids, call a service, and are safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone


@shared_task(name="valuation.tasks.compute_early_sale_candidates")
def compute_early_sale_candidates(actor_id: int | None = None, trigger: str = "schedule") -> int:
    """Nightly: recompute the early-sale candidates (replacing the last run's) and mail the digests."""
    from django.contrib.auth import get_user_model

    from .services import early_sale_recommendation_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return early_sale_recommendation_run(trigger=trigger, actor=actor).pk


@shared_task(name="valuation.tasks.send_early_sale_digest")
def send_early_sale_digest(run_id: int, officer_id: int) -> int:
    from .services import early_sale_digest_send

    return early_sale_digest_send(run_id=run_id, officer_id=officer_id)


@shared_task(name="valuation.tasks.accrue_storage_costs")
def accrue_storage_costs() -> int:
    """On the first of the month: accrue last month's storage and upkeep costs."""
    from .services import storage_costs_accrue

    first_of_this_month = timezone.localdate().replace(day=1)
    last_month_end = first_of_this_month - timedelta(days=1)
    return storage_costs_accrue(period_start=last_month_end.replace(day=1), period_end=last_month_end)
