"""The public pages of consultations: the list, one consultation with its proposal, comments, response
and versions, the comment form (errors beside their fields, never a 500) and the e-mail link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from disposition.models import CommentStatus, ConsultationComment
from disposition.services import consultation as consultations
from tests.disposition.consultation_helpers import PROPOSAL, comment, consultation_on, end_period, proposed_reuse

pytestmark = pytest.mark.django_db


def test_a_visitor_reads_the_proposal_and_comments_then_confirms_by_e_mail(client, case, case_officer,
                                                                           django_capture_on_commit_callbacks):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    page_url = reverse("disposition:consultation", args=[consultation.pk])
    # Given the list of consultations names the open one
    listing = client.get(reverse("disposition:consultations")).content.decode()
    assert "A youth centre in the lake villa?" in listing and "data-open-consultations" in listing
    # When a visitor opens it, they read the proposal's public facts and the comment form
    page = client.get(page_url).content.decode()
    for fact in ("Social reuse", "Real estate", "Corleone", "Youth Centre Libera", "Law 109/1996, art. 48",
                 "Open at least five days a week", PROPOSAL, "data-comment-form"):
        assert fact in page, fact
    assert "Marta Contact-Privata" not in page and "marta.private@example.org" not in page
    # And a comment without text, with a malformed address, comes back with the errors beside the fields
    response = client.post(page_url, {"position": "support", "text": "", "author_name": "Ada",
                                      "email": "not-an-address"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"text", "email"}
    assert 'class="field-error"' in response.content.decode()
    # And an unknown position is refused beside its field too
    response = client.post(page_url, {"position": "maybe", "text": "Hm", "author_name": "Ada",
                                      "email": "ada@example.org"})
    assert response.status_code == 400 and "position" in response.context["form"].errors
    # When the comment is sent, the visitor is told to open the link sent to them
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url, {"position": "concern", "text": "Please keep the garden open.",
                                          "author_name": "Ada Lovelace", "email": "ada@example.org"}, follow=True)
    assert response.status_code == 200 and "We sent you a link by e-mail" in response.content.decode()
    assert "Please keep the garden open." not in response.content.decode()  # not before moderation
    link = re.search(r"https?://[^/\s]+(/consultations/confirm/[^\s]+)", mail.outbox[-1].body).group(1)
    # Then opening the link confirms it and it awaits moderation
    confirmed = client.get(link)
    assert confirmed.status_code == 200 and "your comment is confirmed" in confirmed.content.decode()
    assert ConsultationComment.objects.get().status == CommentStatus.CONFIRMED
    # And a damaged link is a 400 page that says so
    bad = client.get(link.replace("/confirm/", "/confirm/x"))
    assert bad.status_code == 400 and "not valid" in bad.content.decode()


def test_the_page_shows_published_comments_the_response_and_every_version(client, case, case_officer):
    decision = proposed_reuse(case, case_officer)
    consultation = consultation_on(decision, case_officer)
    consultations.consultation_revise_proposal(actor=case_officer, consultation_id=consultation.pk,
                                               text="Open six days a week instead.", note="Opening hours")
    kept = comment(consultation, position="support", text="Our children need this.")
    consultations.comment_publish(actor=case_officer, comment_id=kept.pk)
    dropped = comment(consultation, position="oppose", text="Rude words here", email="b@example.org")
    consultations.comment_reject(actor=case_officer, comment_id=dropped.pk, reason="Abusive")
    comment(consultation, text="Never confirmed", email="c@example.org", confirm=False)
    end_period(consultation)
    consultations.consultation_close(actor=case_officer, consultation_id=consultation.pk)
    consultations.consultation_respond(actor=case_officer, consultation_id=consultation.pk,
                                       text="We answer: the garden stays open on Sundays.")
    consultations.consultation_revise_response(actor=case_officer, consultation_id=consultation.pk,
                                               text="We answer: the garden stays open every day.", note="Days")
    page = client.get(reverse("disposition:consultation", args=[consultation.pk])).content.decode()
    assert "Contribution 1" in page and "Our children need this." in page and "Support" in page
    assert "Rude words here" not in page and "Abusive" not in page and "Never confirmed" not in page
    assert "2 comments received" in page and "1 not published after moderation" in page
    assert "the garden stays open every day" in page and "the garden stays open on Sundays" in page
    for version in ("proposal-1", "proposal-2", "response-1", "response-2"):
        assert f'data-version="{version}"' in page
    assert PROPOSAL in page and "Opening hours" in page
    assert "data-comment-form" not in page  # closed: no form
    # Nobody's name: neither the commenters' nor the staff's
    for private in ("Ada Commenter", "ada.commenter@example.org", "b@example.org", case_officer.username):
        assert private not in page, private


def test_bad_addresses_and_posts_out_of_time_are_4xx_never_500(client, case, case_officer):
    decision = proposed_reuse(case, case_officer)
    draft = consultation_on(decision, case_officer, opened=False)
    assert client.get(reverse("disposition:consultation", args=[draft.pk])).status_code == 404
    assert "A youth centre" not in client.get(reverse("disposition:consultations")).content.decode()
    assert client.get("/consultations/999999/").status_code == 404
    assert client.get("/consultations/abc/").status_code == 404
    assert client.get("/consultations/confirm/garbage/").status_code == 400
    consultations.consultation_open(actor=case_officer, consultation_id=draft.pk)
    end_period(draft)
    page_url = reverse("disposition:consultation", args=[draft.pk])
    assert "data-comment-form" not in client.get(page_url).content.decode()
    response = client.post(page_url, {"position": "support", "text": "Late", "author_name": "Ada",
                                      "email": "ada@example.org"})
    assert response.status_code == 400 and "no longer takes comments" in response.content.decode()
    assert not ConsultationComment.objects.exists()
    assert client.post(page_url, {"text": "x" * 6000}).status_code == 400
