"""Celery tasks of the public site. Each takes ids and is safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def asset_page_sync_task(asset_id: int) -> None:
    """Bring one asset's public page in line with the register (after a custody transition)."""
    from .record import asset_page_sync

    asset_page_sync(asset_id=asset_id)


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def disposition_page_sync_task(decision_id: int) -> None:
    """Bring one disposition decision's public page in line with the records (after it changed)."""
    from .dispositions import disposition_page_sync

    disposition_page_sync(decision_id=decision_id)
