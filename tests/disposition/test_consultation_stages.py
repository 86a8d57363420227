"""A public consultation before a reuse decision: its stages, what each refuses, moderation, and every
version of the proposal and the response kept."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from disposition.models import (
    CommentStatus,
    Consultation,
    ConsultationStatus,
    ConsultationVersion,
    DecisionStatus,
    DispositionEvent,
)
from disposition.services import consultation as consultations
from disposition.services import decisions
from tests.disposition.consultation_helpers import PROPOSAL, comment, consultation_on, end_period, proposed_reuse
from tests.disposition.reuse_helpers import confiscated_asset

pytestmark = pytest.mark.django_db


def test_the_decision_waits_for_the_consultation_to_close_and_be_answered(case, case_officer, approver):
    # Given a proposed reuse decision put to the public
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    # When an approver tries to approve it while comments are open
    with pytest.raises(DomainError, match="is open"):
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
    # And once the period is over and it is closed, before the agency has responded
    end_period(consultation)
    consultations.consultation_close(actor=case_officer, consultation_id=consultation.pk)
    with pytest.raises(DomainError, match="awaits the agency's response"):
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
    # Then, once the response is published, the decision is approved
    consultations.consultation_respond(actor=case_officer, consultation_id=consultation.pk,
                                       text="We keep the proposal; the opening hours are extended.")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    # And each step of the consultation is recorded: who, from, to
    steps = list(DispositionEvent.objects.filter(subject="consultation", object_id=consultation.pk)
                 .values_list("action", "from_state", "to_state", "actor__username"))
    assert steps == [("create", "draft", "draft", "officer"), ("open", "draft", "open", "officer"),
                     ("close", "open", "closed", "officer"), ("respond", "closed", "responded", "officer")]


def test_a_draft_or_withdrawn_consultation_does_not_hold_the_decision(case, case_officer, approver):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    consultations.consultation_withdraw(actor=case_officer, consultation_id=consultation.pk,
                                        reason="The beneficiary withdrew its project.")
    assert Consultation.objects.get(pk=consultation.pk).status == ConsultationStatus.WITHDRAWN
    decisions.decision_approve(actor=approver, decision_id=decision.pk)


def test_comments_are_taken_only_within_the_period_of_an_open_consultation(case, case_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer, opened=False)
    # A draft takes no comment
    with pytest.raises(DomainError, match="no such consultation"):
        comment(consultation, confirm=False)
    # Nor an open one before its period starts
    Consultation.objects.filter(pk=consultation.pk).update(opens_at=timezone.now() + datetime.timedelta(days=1))
    consultations.consultation_open(actor=case_officer, consultation_id=consultation.pk)
    with pytest.raises(TransitionRefused, match="Comments open on"):
        comment(consultation, confirm=False)
    # Nor once it is over, even before staff close it
    Consultation.objects.filter(pk=consultation.pk).update(opens_at=timezone.now() - datetime.timedelta(days=3),
                                                           closes_at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(TransitionRefused, match="no longer takes comments"):
        comment(consultation, confirm=False)
    assert not consultation.comments.exists()


def test_a_comment_is_moderated_only_once_its_author_confirmed_it(case, case_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    # Given a comment whose author has not opened the link yet
    pending = comment(consultation, confirm=False)
    assert pending.status == CommentStatus.UNCONFIRMED
    # Then it cannot be published, nor rejected
    with pytest.raises(TransitionRefused, match="not confirmed it by e-mail"):
        consultations.comment_publish(actor=case_officer, comment_id=pending.pk)
    with pytest.raises(TransitionRefused, match="not confirmed it by e-mail"):
        consultations.comment_reject(actor=case_officer, comment_id=pending.pk, reason="Off topic")
    # When the author confirms, it is published under the next neutral label
    confirmed = consultations.comment_confirm(token=consultations.comment_confirm_token(pending))
    assert confirmed.status == CommentStatus.CONFIRMED
    published = consultations.comment_publish(actor=case_officer, comment_id=pending.pk)
    assert published.status == CommentStatus.PUBLISHED and published.public_label == "Contribution 1"
    # And a second one is rejected, only with a reason
    other = comment(consultation, position="oppose", text="You idiots.", email="b@example.org")
    with pytest.raises(DomainError, match="Say why"):
        consultations.comment_reject(actor=case_officer, comment_id=other.pk, reason=" ")
    rejected = consultations.comment_reject(actor=case_officer, comment_id=other.pk, reason="Abusive language")
    assert rejected.status == CommentStatus.REJECTED and rejected.public_number is None
    # A moderated comment is not moderated again
    with pytest.raises(TransitionRefused, match="already"):
        consultations.comment_publish(actor=case_officer, comment_id=other.pk)
    events = list(DispositionEvent.objects.filter(subject="comment", object_id=other.pk)
                  .values_list("action", "from_state", "to_state", "note"))
    assert events[-1] == ("reject", "confirmed", "rejected", "Abusive language")


def test_the_response_waits_for_every_confirmed_comment_to_be_moderated(case, case_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    waiting = comment(consultation)
    comment(consultation, confirm=False, email="never.confirmed@example.org")  # an unconfirmed one does not count
    end_period(consultation)
    consultations.consultation_close(actor=case_officer, consultation_id=consultation.pk)
    with pytest.raises(TransitionRefused, match="await moderation"):
        consultations.consultation_respond(actor=case_officer, consultation_id=consultation.pk, text="Our answer")
    consultations.comment_publish(actor=case_officer, comment_id=waiting.pk)
    consultations.consultation_respond(actor=case_officer, consultation_id=consultation.pk, text="Our answer")
    assert Consultation.objects.get(pk=consultation.pk).status == ConsultationStatus.RESPONDED


def test_it_is_closed_only_after_its_period_and_published_only_with_a_period_ahead(case, case_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    with pytest.raises(TransitionRefused, match="Comments are open until"):
        consultations.consultation_close(actor=case_officer, consultation_id=consultation.pk)
    consultations.consultation_withdraw(actor=case_officer, consultation_id=consultation.pk, reason="Wrong asset")
    late = consultations.consultation_create(
        actor=case_officer, decision_id=decision.pk, title="Again", proposal_text="P",
        opens_at=timezone.now() - datetime.timedelta(days=10), closes_at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(TransitionRefused, match="comment period is over"):
        consultations.consultation_open(actor=case_officer, consultation_id=late.pk)


def test_only_a_proposed_reuse_or_return_decision_is_consulted_on_one_at_a_time(case, case_officer, approver):
    now = timezone.now()
    period = {"opens_at": now, "closes_at": now + datetime.timedelta(days=7), "title": "T", "proposal_text": "P"}
    yacht = confiscated_asset(case, case_officer, category="vessel", title="Yacht")
    sale = decisions.decision_propose(actor=case_officer, kind="sale", asset_id=yacht.pk, legal_basis="Law")
    with pytest.raises(DomainError, match="not on “Sale”") as refused:
        consultations.consultation_create(actor=case_officer, decision_id=sale.pk, **period)
    assert refused.value.field == "decision"
    decision = proposed_reuse(case, case_officer)
    consultation_on(decision, case_officer, opened=False)
    with pytest.raises(DomainError, match="already has a consultation"):
        consultations.consultation_create(actor=case_officer, decision_id=decision.pk, **period)
    with pytest.raises(DomainError, match="close after they open") as refused:
        consultations.consultation_create(actor=case_officer, decision_id=decision.pk,
                                          **{**period, "closes_at": now - datetime.timedelta(hours=1)})
    assert refused.value.field == "closes_at"
    # An approved decision is past consulting
    approved = proposed_reuse(case, case_officer, title="Flat", ngo=decision.beneficiary)
    decisions.decision_approve(actor=approver, decision_id=approved.pk)
    with pytest.raises(DomainError, match="before a decision is approved"):
        consultations.consultation_create(actor=case_officer, decision_id=approved.pk, **period)


def test_every_version_of_the_proposal_and_the_response_is_kept(case, case_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    consultations.consultation_revise_proposal(actor=case_officer, consultation_id=consultation.pk,
                                               text="Now open six days a week.", note="Opening hours")
    end_period(consultation)
    consultations.consultation_close(actor=case_officer, consultation_id=consultation.pk)
    consultations.consultation_respond(actor=case_officer, consultation_id=consultation.pk, text="First answer")
    consultations.consultation_revise_response(actor=case_officer, consultation_id=consultation.pk,
                                               text="Corrected answer", note="A date was wrong")
    # The proposal is no longer revised once answered
    with pytest.raises(TransitionRefused):
        consultations.consultation_revise_proposal(actor=case_officer, consultation_id=consultation.pk, text="X")
    rows = list(ConsultationVersion.objects.filter(consultation=consultation)
                .values_list("kind", "number", "text", "written_by__username"))
    assert rows == [("proposal", 1, PROPOSAL, "officer"), ("proposal", 2, "Now open six days a week.", "officer"),
                    ("response", 1, "First answer", "officer"), ("response", 2, "Corrected answer", "officer")]
    with pytest.raises(ValueError):
        version = ConsultationVersion.objects.first()
        version.text = "rewritten"
        version.save()


def test_roles_that_may_not_are_refused(case, case_officer, approver, auditor):
    decision = proposed_reuse(case, case_officer)
    now = timezone.now()
    with pytest.raises(NotPermitted):
        consultations.consultation_create(actor=approver, decision_id=decision.pk, title="T", proposal_text="P",
                                          opens_at=now, closes_at=now + datetime.timedelta(days=1))
    consultation = consultation_on(decision, case_officer)
    confirmed = comment(consultation)
    with pytest.raises(NotPermitted):
        consultations.comment_publish(actor=auditor, comment_id=confirmed.pk)
    with pytest.raises(NotPermitted):
        consultations.consultation_withdraw(actor=approver, consultation_id=consultation.pk, reason="No")


def test_the_commenter_gets_a_signed_link_after_commit_and_a_bad_link_is_refused(
        case, case_officer, django_capture_on_commit_callbacks):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = consultations.comment_submit(consultation_id=consultation.pk, position="concern",
                                            text="Parking?", author_name="Ada", email="ada@example.org")
    assert mail.outbox == []  # nothing is sent before the comment is committed
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]
    token = re.search(r"/consultations/confirm/([^/\s]+)/", mail.outbox[0].body).group(1)
    with pytest.raises(TransitionRefused, match="not valid"):
        consultations.comment_confirm(token=token[:-2] + "xx")
    # Opening the link twice confirms once
    consultations.comment_confirm(token=token)
    consultations.comment_confirm(token=token)
    assert DispositionEvent.objects.filter(subject="comment", object_id=made.pk, action="confirm").count() == 1
    # One address may not pile up comments that wait for its links
    for n in range(consultations.MAX_UNCONFIRMED_PER_EMAIL):
        comment(consultation, confirm=False, email="spam@example.org", text=f"Spam {n}")
    with pytest.raises(DomainError, match="await confirmation") as refused:
        comment(consultation, confirm=False, email="SPAM@example.org")
    assert refused.value.field == "email"


def test_the_periodic_task_closes_due_consultations_once_and_leaves_the_others(case, case_officer, settings):
    from disposition import tasks
    from tests.disposition.reuse_helpers import beneficiary

    # Given an open consultation whose period is over, one still open, and a draft whose period is over
    ngo = beneficiary()
    due = consultation_on(proposed_reuse(case, case_officer, ngo=ngo), case_officer)
    end_period(due)
    running = consultation_on(proposed_reuse(case, case_officer, title="Flat", ngo=ngo), case_officer)
    draft = consultation_on(proposed_reuse(case, case_officer, title="Shop", ngo=ngo), case_officer, opened=False)
    end_period(draft)
    # When beat's task runs
    entry = settings.CELERY_BEAT_SCHEDULE["disposition-consultations-close-due"]
    assert entry["task"] == tasks.consultations_close_due.name
    assert tasks.consultations_close_due.delay().get() == 1
    # Then the due one is closed by the system, with the reason; the others are as they were
    statuses = dict(Consultation.objects.values_list("pk", "status"))
    assert (statuses[due.pk], statuses[running.pk], statuses[draft.pk]) == (
        ConsultationStatus.CLOSED, ConsultationStatus.OPEN, ConsultationStatus.DRAFT)
    closed = DispositionEvent.objects.get(subject="consultation", object_id=due.pk, action="close")
    assert closed.actor is None and (closed.from_state, closed.to_state) == ("open", "closed")
    assert "comment period ended" in closed.note
    assert Consultation.objects.get(pk=due.pk).closed_at is not None
    # And running it again changes nothing
    assert tasks.consultations_close_due() == 0
    assert DispositionEvent.objects.filter(subject="consultation", action="close").count() == 1
