"""A citizen reads a public consultation in a real browser, at a desktop's and a phone's width, sends
a comment through its form (a missing field first: the error shows beside it), and is told to confirm
it by e-mail. The page never scrolls sideways on the phone. Screenshots land in test-artifacts/."""

from __future__ import annotations

import pytest
from django.core import mail

from disposition.models import CommentStatus, ConsultationComment
from disposition.services import consultation as consultations
from tests.browser.conftest import ARTIFACTS
from tests.disposition.consultation_helpers import comment, consultation_on, proposed_reuse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]


@pytest.fixture
def consultation(case, case_officer):
    """An open consultation on a proposed reuse of a villa, with one published comment."""
    decision = proposed_reuse(case, case_officer, title="Villa with a garden above the harbour")
    made = consultation_on(decision, case_officer)
    published = comment(made, text="Our children need a place to do their homework.")
    consultations.comment_publish(actor=case_officer, comment_id=published.pk)
    return made


@pytest.mark.parametrize("size, viewport", SIZES)
def test_a_citizen_reads_a_consultation_and_comments(browser, live_server, consultation, size, viewport):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", device_scale_factor=1)
    page = context.new_page()
    # Given the list of consultations
    response = page.goto(f"{live_server.url}/consultations/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Public consultations")
    page.screenshot(path=str(ARTIFACTS / f"consultation-list-{size}.png"), full_page=True)
    # When they open the consultation, they read the proposal and the published comment
    page.get_by_role("link", name="A youth centre in the lake villa?").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A youth centre in the lake villa?")
    expect(page.get_by_text("Youth Centre Libera").first).to_be_visible()
    expect(page.get_by_text("Contribution 1")).to_be_visible()
    expect(page.get_by_text("Our children need a place to do their homework.")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the consultation scrolls sideways at {size} size ({width}px)"
    page.screenshot(path=str(ARTIFACTS / f"consultation-page-{size}.png"), full_page=True)
    # And a comment without its text comes back with the error beside the field
    page.get_by_label("Concern or suggestion").check()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your e-mail address").fill("ada@example.org")
    page.get_by_role("button", name="Send my comment").click()
    expect(page.locator(".field-error")).to_contain_text("This field is required.")
    page.screenshot(path=str(ARTIFACTS / f"consultation-form-error-{size}.png"), full_page=True)
    # When they write it and send it again
    page.get_by_label("Concern or suggestion").check()
    page.get_by_label("Your comment").fill("Please keep the garden open to the neighbourhood.")
    page.get_by_role("button", name="Send my comment").click()
    # Then they are told to confirm it by e-mail, and it waits for that link
    expect(page.get_by_text("We sent you a link by e-mail")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"consultation-sent-{size}.png"), full_page=True)
    sent = ConsultationComment.objects.get(text__startswith="Please keep the garden")
    assert sent.status == CommentStatus.UNCONFIRMED and sent.author_name == "Ada Lovelace"
    assert any(message.to == ["ada@example.org"] for message in mail.outbox)
    context.close()
