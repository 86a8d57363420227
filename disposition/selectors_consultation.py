"""Reads for public consultations (models/consultation.py): what the public pages show, and the
proposal's public facts a case officer starts the proposal's text from.

Public facts only: the decision's kind, legal basis and conditions, the asset's reference, category
and public area (or the amount of proceeds), the beneficiary's name when it is marked public (else its
type and sector), the recipient state; every version of the proposal and of the response (number,
text, date); and the published comments by their neutral label, position and text. Never a
commenter's name or e-mail, a rejected comment's text or reason, a contact or a staff member's name.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from common.money import format_money

from .models import CommentStatus, Consultation, ConsultationComment, DispositionDecision, VersionKind
from .models.consultation import PUBLIC_STATES


def consultations_public() -> QuerySet[Consultation]:
    """Consultations the public sees: published (open, closed, responded or withdrawn), never a draft."""
    return (Consultation.objects.filter(status__in=PUBLIC_STATES)
            .select_related("decision__asset__location", "decision__beneficiary")
            .annotate(published_count=Count("comments", filter=Q(comments__status=CommentStatus.PUBLISHED)))
            .order_by("-opens_at", "-pk"))


def decision_public_facts(decision: DispositionDecision) -> dict:
    """The public facts of a proposed decision, as a consultation puts them to the public."""
    facts: dict = {"kind": decision.get_kind_display(), "legal_basis": decision.legal_basis,
                   "conditions": decision.conditions, "asset": None, "amount": "", "beneficiary": "",
                   "recipient_state": decision.recipient_state.name if decision.recipient_state else ""}
    if decision.asset_id:
        asset = decision.asset
        area = asset.public_area or (asset.location.public_area if asset.location_id else "")
        facts["asset"] = {"reference": asset.reference, "category": asset.get_category_display(), "area": area}
    else:
        facts["amount"] = format_money(decision.amount, decision.currency)
    if decision.beneficiary_id:
        b = decision.beneficiary
        facts["beneficiary"] = b.name if b.public else _("an organisation (%(kind)s, %(sector)s)") % {
            "kind": b.get_kind_display(), "sector": b.get_sector_display()}
    return facts


def proposal_text_default(decision: DispositionDecision) -> str:
    """A first text of the proposal from its public facts, for the case officer to complete."""
    facts = decision_public_facts(decision)
    lines = [_("The agency proposes: %(kind)s.") % {"kind": facts["kind"]}]
    if facts["asset"]:
        lines.append(_("Asset: %(ref)s (%(category)s%(area)s).") % {
            "ref": facts["asset"]["reference"], "category": facts["asset"]["category"],
            "area": f", {facts['asset']['area']}" if facts["asset"]["area"] else ""})
    if facts["amount"]:
        lines.append(_("Amount of confiscated proceeds: %(amount)s.") % {"amount": facts["amount"]})
    if facts["beneficiary"]:
        lines.append(_("Beneficiary: %(name)s.") % {"name": facts["beneficiary"]})
    if facts["recipient_state"]:
        lines.append(_("Returned to: %(state)s.") % {"state": facts["recipient_state"]})
    if facts["conditions"]:
        lines.append(_("Conditions: %(conditions)s") % {"conditions": facts["conditions"]})
    return "\n".join(lines)


def published_comments(consultation: Consultation) -> QuerySet[ConsultationComment]:
    """The comments on the public page: published, by their neutral label. Only the public columns are
    loaded (never the author's name or e-mail)."""
    return (consultation.comments.filter(status=CommentStatus.PUBLISHED)
            .only("id", "consultation_id", "position", "text", "public_number", "moderated_at")
            .order_by("public_number"))


def consultation_public(consultation: Consultation) -> dict:
    """Everything the consultation's public page shows (see the module docstring)."""
    versions = list(consultation.versions.only("id", "kind", "number", "text", "note", "written_at")
                    .order_by("-number"))
    proposals = [v for v in versions if v.kind == VersionKind.PROPOSAL]
    responses = [v for v in versions if v.kind == VersionKind.RESPONSE]
    counts = consultation.comments.aggregate(
        received=Count("pk", filter=~Q(status=CommentStatus.UNCONFIRMED)),
        published=Count("pk", filter=Q(status=CommentStatus.PUBLISHED)),
        rejected=Count("pk", filter=Q(status=CommentStatus.REJECTED)))
    return {"consultation": consultation, "facts": decision_public_facts(consultation.decision),
            "proposal": proposals[0] if proposals else None, "proposals": proposals,
            "response": responses[0] if responses else None, "responses": responses,
            "comments": list(published_comments(consultation)), "counts": counts,
            "accepts_comments": consultation.accepts_comments()}
