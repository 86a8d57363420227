"""Shared makings of the consultation tests: a proposed social-reuse decision and its consultation."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from disposition.models import Consultation
from disposition.services import consultation as consultations
from disposition.services import decisions
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset

PROPOSAL = "The villa becomes a youth centre run by Youth Centre Libera, open five days a week."


def proposed_reuse(case, officer, *, title="Villa on the lake", ngo=None):
    villa = confiscated_asset(case, officer, title=title)
    villa.public_area = "Corleone"
    villa.save(update_fields=["public_area"])
    ngo = ngo or beneficiary()
    return decisions.decision_propose(
        actor=officer, kind="social_reuse", asset_id=villa.pk, beneficiary_id=ngo.pk,
        legal_basis="Law 109/1996, art. 48", conditions="Open at least five days a week; yearly report.")


def consultation_on(decision, officer, *, days=14, opened=True, title="A youth centre in the lake villa?"):
    now = timezone.now()
    consultation = consultations.consultation_create(
        actor=officer, decision_id=decision.pk, title=title, opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=days), proposal_text=PROPOSAL)
    if opened:
        consultations.consultation_open(actor=officer, consultation_id=consultation.pk)
    return Consultation.objects.get(pk=consultation.pk)


def end_period(consultation):
    """The comment period is over (as if its closing time had passed)."""
    now = timezone.now()
    # (an opening typed to the minute may lie less than a second ago: it moves back too, so the period stays
    # a period)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=Least(F("opens_at"), now - datetime.timedelta(seconds=2)),
        closes_at=now - datetime.timedelta(seconds=1))


def comment(consultation, *, position="support", text="A good use of the villa.", name="Ada Commenter",
            email="ada.commenter@example.org", confirm=True):
    made = consultations.comment_submit(consultation_id=consultation.pk, position=position, text=text,
                                        author_name=name, email=email)
    if confirm:
        made = consultations.comment_confirm(token=consultations.comment_confirm_token(made))
    return made
