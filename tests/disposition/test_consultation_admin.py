"""Consultations in the staff admin: a case officer prepares and publishes one, moderates the queue
and publishes the response; the decision's page says why it cannot be approved meanwhile; roles that
may not get 403."""

import pytest
from django.urls import reverse
from django.utils import timezone

from disposition.models import CommentStatus, Consultation, ConsultationStatus
from tests.disposition.consultation_helpers import comment, consultation_on, end_period, proposed_reuse

pytestmark = pytest.mark.django_db


def _moment(delta_days: int) -> str:
    return timezone.localtime(timezone.now() + timezone.timedelta(days=delta_days)).strftime("%Y-%m-%dT%H:%M")


def test_a_case_officer_prepares_publishes_moderates_and_responds(client, case, case_officer, approver):
    decision = proposed_reuse(case, case_officer)
    client.force_login(case_officer)
    add = reverse("disposition_consultations:add")
    form = {"decision": decision.pk, "title": "", "opens_at": _moment(0), "closes_at": _moment(14),
            "proposal_text": ""}
    # A title is needed: the refusal is beside its field
    response = client.post(add, form)
    assert response.status_code == 400 and "title" in response.context["form"].errors
    # Closing before opening is refused beside "closes"
    response = client.post(add, {**form, "title": "Villa", "closes_at": _moment(-1)})
    assert response.status_code == 400 and "closes_at" in response.context["form"].errors
    # Given a consultation prepared with no text: the proposal is written from the public facts
    assert client.post(add, {**form, "title": "A youth centre in the villa?"}).status_code == 302
    consultation = Consultation.objects.get()
    page_url = reverse("disposition_consultations:inspect", args=[consultation.pk])
    page = client.get(page_url).content.decode()
    assert "Social reuse" in page and "Youth Centre Libera" in page and 'data-action="open"' in page
    # When it is published, the decision's page tells the approver why it cannot be approved
    assert client.post(reverse("disposition_consultations:action_open", args=[consultation.pk]),
                       {"expected_status": "draft"}).status_code == 302
    client.force_login(approver)
    decision_page = client.get(reverse("disposition_decisions:inspect", args=[decision.pk])).content.decode()
    assert 'data-action="approve"' not in decision_page and "is open" in decision_page
    # And the moderation queue: the case officer publishes one comment and rejects another, with a reason
    client.force_login(case_officer)
    good, bad = comment(consultation), comment(consultation, text="Spam spam", email="spam@example.org")
    queue = client.get(reverse("disposition_consultation_comments:index"), {"status": "confirmed"})
    assert queue.status_code == 200 and queue.content.decode().count("Awaiting moderation") >= 2
    comment_page = client.get(reverse("disposition_consultation_comments:inspect", args=[good.pk])).content.decode()
    assert "ada.commenter@example.org" in comment_page  # staff see who wrote it
    assert client.post(reverse("disposition_consultation_comments:action_publish", args=[good.pk]),
                       {"expected_status": "confirmed"}).status_code == 302
    reject = reverse("disposition_consultation_comments:action_reject", args=[bad.pk])
    assert client.post(reject, {"expected_status": "confirmed", "reason": ""}).status_code == 400
    assert client.post(reject, {"expected_status": "confirmed", "reason": "Spam"}).status_code == 302
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (CommentStatus.PUBLISHED, CommentStatus.REJECTED)
    # When the period is over it is closed and the response published
    end_period(consultation)
    assert client.post(reverse("disposition_consultations:action_close", args=[consultation.pk]),
                       {"expected_status": "open"}).status_code == 302
    respond = reverse("disposition_consultations:action_respond", args=[consultation.pk])
    assert client.post(respond, {"expected_status": "closed", "text": "Our answer."}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.RESPONDED
    page = client.get(page_url).content.decode()
    assert "Our answer." in page and "History" in page and "data-public-link" in page
    # Then the approver may approve the decision
    client.force_login(approver)
    decision_page = client.get(reverse("disposition_decisions:inspect", args=[decision.pk])).content.decode()
    assert 'data-action="approve"' in decision_page


def test_roles_that_may_not_get_403(client, case, case_officer, approver, auditor, finance_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    pending = comment(consultation)
    # The auditor and the approver read, and may not moderate or run consultations
    for user in (auditor, approver):
        client.force_login(user)
        assert client.get(reverse("disposition_consultations:index")).status_code == 200
        assert client.get(reverse("disposition_consultation_comments:index")).status_code == 200
        assert client.get(reverse("disposition_consultations:add")).status_code == 403
        assert client.post(reverse("disposition_consultation_comments:action_publish", args=[pending.pk]),
                           {"expected_status": "confirmed"}).status_code == 403
        assert client.post(reverse("disposition_consultations:action_withdraw", args=[consultation.pk]),
                           {"expected_status": "open", "reason": "No"}).status_code == 403
    # Finance sees neither consultations nor who commented
    client.force_login(finance_officer)
    assert client.get(reverse("disposition_consultations:index")).status_code == 403
    assert client.get(reverse("disposition_consultation_comments:inspect", args=[pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.status == CommentStatus.CONFIRMED
