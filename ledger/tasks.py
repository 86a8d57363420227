"""Celery tasks of the ledger. Each is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from custody import roles

from .reconciliation import ledger_reconcile

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def reconcile_nightly() -> bool:
    """Reconcile the ledger (beat runs it every night); on a mismatch, e-mail the finance officers
    what was found. Only reads the books, so running it twice sends the same report twice at most."""
    report = ledger_reconcile()
    if report.ok:
        return True
    log.error("ledger does not reconcile: %s", report.mismatches)
    recipients = list(get_user_model().objects.filter(groups__name=roles.FINANCE_OFFICER, is_active=True)
                      .exclude(email="").order_by("pk").values_list("email", flat=True))
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                _("The ledger does not reconcile: %(count)s mismatch(es)") % {"count": len(report.mismatches)},
                "\n".join(report.lines()), settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False,
            )
    return False
