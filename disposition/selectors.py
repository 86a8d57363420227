"""Reads for settlement's pages."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from .models import Award, Invoice, Payment


def invoices_with_lot() -> QuerySet[Invoice]:
    """Invoices with what their pages show: the lot, its auction and assets, the buyer."""
    return (Invoice.objects.select_related("award__lot__auction", "buyer", "direct_sale__asset")
            .prefetch_related("award__lot__assets"))


def invoice_of_buyer(*, number: str, user) -> Invoice | None:
    """The invoice `number` if `user` is its buyer, else None (others are told it does not exist)."""
    if not user.is_authenticated:
        return None
    return invoices_with_lot().filter(number=number, buyer=user).first()


def awards_with_lot() -> QuerySet[Award]:
    return Award.objects.select_related("lot__auction", "buyer", "decided_by", "invoice")


def payments_with_invoice() -> QuerySet[Payment]:
    """Payments with what the Payments listing shows: the invoice, who recorded and who confirmed."""
    return Payment.objects.select_related("invoice", "recorded_by", "confirmed_by")


# --------------------------------------------------------------------------------------------
# Disposition and social reuse (models/reuse.py)
# --------------------------------------------------------------------------------------------


def decisions_with_subject() -> QuerySet:
    """Decisions with what their staff pages show: the asset, the beneficiary, who proposed and approved."""
    from .models import DispositionDecision

    return DispositionDecision.objects.select_related("asset", "proceeds_asset", "beneficiary", "proposed_by",
                                                      "approved_by", "call")


def decisions_public() -> QuerySet:
    """Decisions the public record shows, for open data: approved or later, or revoked after approval
    (never a proposal still under consideration). Only public columns are meant to be read from it:
    kind, status, dates, amount and currency, the asset's reference, the beneficiary's type and sector,
    `beneficiary_public_name` (the name only when the beneficiary is marked public), and the project's
    purpose and people served. No contact, no payee name, no notes."""
    from django.db.models import Case, CharField, Q, Value, When

    from .models import DecisionStatus, DispositionDecision

    return (DispositionDecision.objects
            .filter(Q(approved_by__isnull=False) & ~Q(status=DecisionStatus.PROPOSED))
            .annotate(beneficiary_public_name=Case(When(beneficiary__public=True, then="beneficiary__name"),
                                                   default=Value(""), output_field=CharField()))
            .select_related("asset", "proceeds_asset")
            .only("id", "kind", "status", "amount", "currency", "approved_at", "executed_at", "completed_at",
                  "revoked_at", "recipient_state", "concession_start", "concession_end", "asset__id",
                  "asset__reference", "proceeds_asset__id", "proceeds_asset__reference", "beneficiary__kind",
                  "beneficiary__sector", "beneficiary__public")
            .order_by("pk"))


def _public_decision(asset_id: int):
    from .models import DecisionStatus

    return (decisions_public().filter(asset_id=asset_id).exclude(status=DecisionStatus.REVOKED)
            .select_related("beneficiary").defer(None).order_by("-pk").first())


def decisions_executed_public() -> QuerySet:
    """The decisions that have a public page of their own: carried out (executed, being monitored,
    completed) or revoked after they were carried out. Only the columns of `decisions_public()`,
    with the beneficiary (whose name is read only through `beneficiary_public_name`)."""
    return decisions_public().filter(executed_at__isnull=False)


def _money_rows(decisions: QuerySet) -> list[dict]:
    """Allocated, paid and remaining by payee type and currency, over `decisions` (never a payee's name)."""
    from django.db.models import Sum

    from .models import Allocation, AllocationPayment, PayeeType

    allocated = (Allocation.objects.filter(decision__in=decisions).values("payee_type", "currency")
                 .annotate(total=Sum("amount")).order_by("payee_type", "currency"))
    paid = {(row["allocation__payee_type"], row["currency"]): row["total"] for row in
            AllocationPayment.objects.filter(allocation__decision__in=decisions)
            .values("allocation__payee_type", "currency").annotate(total=Sum("amount"))}
    rows = []
    for row in allocated:
        done = paid.get((row["payee_type"], row["currency"]), Decimal("0.00"))
        rows.append({"payee_type": row["payee_type"], "payee_type_label": str(PayeeType(row["payee_type"]).label),
                     "currency": row["currency"], "allocated": row["total"], "paid": done,
                     "remaining": row["total"] - done})
    return rows


def _decision_public_facts(decision) -> dict:
    """The public facts of one decision (loaded through `decisions_public()` with its beneficiary):
    kind, status and dates, the legal basis, the concession, the beneficiary's type and sector (its
    name only when marked public), the project's summary and its publishable monitoring reports."""
    from .models import MonitoringReport, ReuseProject, UnusedReason

    facts: dict = {"decision": {
        "id": decision.pk, "kind": decision.kind, "kind_label": decision.get_kind_display(),
        "status": decision.status, "status_label": decision.get_status_display(),
        "approved_at": decision.approved_at, "executed_at": decision.executed_at,
        "completed_at": decision.completed_at, "revoked_at": decision.revoked_at,
        "legal_basis": decision.legal_basis, "recipient_state": str(decision.recipient_state or ""),
        "recipient_state_name": decision.recipient_state.name if decision.recipient_state else "",
        "concession_start": decision.concession_start, "concession_end": decision.concession_end,
        "amount": decision.amount, "currency": decision.currency,
        "asset_id": decision.asset_id, "proceeds_asset_id": decision.proceeds_asset_id},
        "beneficiary": None, "project": None, "reports": []}
    if decision.beneficiary_id:
        b = decision.beneficiary
        facts["beneficiary"] = {"kind": b.kind, "kind_label": b.get_kind_display(), "sector": b.sector,
                                "sector_label": b.get_sector_display(), "name": b.name if b.public else ""}
    project = ReuseProject.objects.filter(decision=decision).only(
        "id", "purpose", "description", "people_served", "start_date").first()
    if project is not None:
        facts["project"] = {"purpose": project.purpose, "description": project.description,
                            "people_served": project.people_served, "start_date": project.start_date}
        facts["reports"] = [
            {"date": r.date, "kind": r.kind, "kind_label": r.get_kind_display(), "assessment": r.assessment,
             "assessment_label": r.get_assessment_display(), "findings": r.findings,
             "reasons_unused": list(r.reasons_unused),
             "reasons_unused_labels": [str(UnusedReason(reason).label) for reason in r.reasons_unused]}
            for r in MonitoringReport.objects.filter(project=project, publishable=True)
            .only("id", "date", "kind", "assessment", "findings", "reasons_unused").order_by("-date", "-pk")]
    return facts


def asset_disposition_public(asset_id: int) -> dict | None:
    """What the public record shows of an asset's disposition: the current decision's kind and status,
    the beneficiary's type and sector (its name only if marked public), the project's summary, the
    publishable monitoring reports (date, kind, assessment, findings), and the money allocated, paid
    and remaining out of the asset's proceeds by payee type (with the ids of the decisions over them).
    None when no decision has been approved. No personal data: no contact, no payee's name, no staff
    notes, no one who wrote a report."""
    decision = _public_decision(asset_id)
    money_decisions = decisions_public().filter(proceeds_asset_id=asset_id)
    money_ids = list(money_decisions.values_list("pk", flat=True))
    if decision is None and not money_ids:
        return None
    result: dict = {"decision": None, "beneficiary": None, "project": None, "reports": [], "money": [],
                    "money_decision_ids": money_ids}
    if decision is not None:
        result.update(_decision_public_facts(decision))
    result["money"] = _money_rows(money_decisions)
    return result


def decision_public(decision_id: int) -> dict | None:
    """What the public record shows of one decision that has a page (`decisions_executed_public()`):
    its facts as `asset_disposition_public` gives them, and the money it allocated, paid and has still
    to pay by payee type (a decision over proceeds), or that was allocated out of its asset's proceeds."""
    decision = decisions_executed_public().filter(pk=decision_id).select_related("beneficiary").defer(None).first()
    if decision is None:
        return None
    result = _decision_public_facts(decision)
    from .models import DispositionDecision

    if decision.over_proceeds:
        result["money"] = _money_rows(DispositionDecision.objects.filter(pk=decision.pk))
    else:
        result["money"] = _money_rows(decisions_public().filter(proceeds_asset_id=decision.asset_id))
    return result


def calls_public() -> QuerySet:
    """Calls for projects the public sees: published (open, closed or awarded), never a draft."""
    from .models import CallForProjects, CallStatus

    return (CallForProjects.objects.exclude(status=CallStatus.DRAFT)
            .select_related("winner__beneficiary").prefetch_related("assets").order_by("-deadline", "-pk"))
