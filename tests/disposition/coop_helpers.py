"""Shared makings of the international cooperation tests."""

from __future__ import annotations

import datetime

from disposition.services import cooperation

TODAY = datetime.date.today()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def request(officer, *, ref: str, state: str = "CH", direction: str = "sent", kind: str = "mla",
            sent_on: datetime.date | None = None, **extra):
    return cooperation.request_record(
        actor=officer, direction=direction, kind=kind, counterpart_state=state,
        counterpart_authority=extra.pop("authority", "Federal Office of Justice"),
        legal_basis=extra.pop("legal_basis", "uncac_46"), channel=extra.pop("channel", "central_authority"),
        reference=ref, subject=extra.pop("subject", "Bank records of the defendant's companies"),
        sent_on=sent_on or days_ago(100), **extra)


def received_order(officer, case, *, ref: str = "ZH-2026-17", order_type: str = "freezing", **extra):
    return cooperation.foreign_order_receive(
        actor=officer, order_type=order_type, issuing_state=extra.pop("state", "CH"),
        issuing_authority="Public Prosecutor of Zurich", foreign_case_reference=extra.pop("foreign_case", "ZH-CR-88"),
        foreign_order_reference=ref, issued_on=extra.pop("issued_on", days_ago(60)),
        received_on=extra.pop("received_on", days_ago(50)), case_id=case.pk, **extra)


def describe_and_check(officer, order, *, failed: str | None = None):
    cooperation.foreign_order_item_add(actor=officer, order_id=order.pk, category="real_estate",
                                       title="Apartment, Avenue Louise 12", declared_value="480000.00",
                                       currency="EUR")
    for kind in ("final", "defence", "property_here", "certified_copy"):
        cooperation.foreign_order_check(actor=officer, order_id=order.pk, kind=kind, passed=kind != failed,
                                        note=f"Looked at the file for {kind}")
