"""The admin kit's life-cycle action view (common.admin.actions), on a case: who may open it, when
it is offered, the stale-form check, and how refusals come back to the user."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from common.admin.actions import action_buttons
from custody.models import Case
from tests.common import urls as kit_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.common.urls")]


@pytest.fixture(autouse=True)
def _no_calls():
    kit_urls.CALLS.clear()


def url(case):
    return reverse("kit_case_close", args=[case.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_role_without_the_permission_gets_a_403_page(client, case, auditor):
    client.force_login(auditor)
    assert client.get(url(case)).status_code == 403
    assert client.post(url(case), {"reason": "x"}).status_code == 403
    assert kit_urls.CALLS == []


def test_the_form_carries_the_status_the_user_saw(client, case, case_officer):
    client.force_login(case_officer)
    response = client.get(url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="expected_status" value="{case.status}"' in html
    assert "Close the case" in html and case.reference in html


def test_an_action_not_offered_now_says_why_instead_of_showing_the_form(client, case, case_officer):
    Case.objects.filter(pk=case.pk).update(status="closed")
    client.force_login(case_officer)
    response = client.get(url(case))
    assert response.status_code == 302
    assert messages_of(response) == ["Already closed."]


def test_a_stale_form_does_nothing_and_says_so(client, case, case_officer):
    client.force_login(case_officer)
    seen = case.status
    Case.objects.filter(pk=case.pk).update(status="appeal")  # someone else, meanwhile
    response = client.post(url(case), {"expected_status": seen, "reason": "done"})
    assert response.status_code == 302
    assert kit_urls.CALLS == []
    assert "Someone else changed this" in messages_of(response)[0]


def test_a_refusal_comes_back_on_the_form_with_what_was_typed_and_nothing_changes(client, case, case_officer):
    client.force_login(case_officer)
    response = client.post(url(case), {"expected_status": case.status, "reason": "refuse", "closing_number": "5"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The court has not ruled yet." in html
    assert re.search(r">\s*refuse</textarea>", html) and 'value="5"' in html
    case.refresh_from_db()
    assert case.status != "closed"


def test_a_post_for_an_action_not_offered_now_says_why_and_calls_nothing(client, case, case_officer):
    Case.objects.filter(pk=case.pk).update(status="closed")
    client.force_login(case_officer)
    response = client.post(url(case), {"expected_status": "closed", "reason": "again"})
    assert response.status_code == 302 and response["Location"] == reverse("custody_case_detail", args=[case.pk])
    assert messages_of(response) == ["Already closed."]
    assert kit_urls.CALLS == []


def test_a_validation_error_shows_beside_its_field(client, case, case_officer):
    client.force_login(case_officer)
    response = client.post(url(case), {"expected_status": case.status, "reason": "invalid", "closing_number": "7"})
    assert response.status_code == 400
    assert "This number is taken." in response.content.decode()


def test_success_calls_the_service_with_the_form_and_says_what_happened(client, case, case_officer):
    client.force_login(case_officer)
    seen = case.status
    response = client.post(url(case), {"expected_status": seen, "reason": "ruled", "closing_number": "3"})
    assert response.status_code == 302
    assert kit_urls.CALLS == [(case.pk, {"expected_status": seen, "reason": "ruled", "closing_number": 3})]
    assert messages_of(response) == [f"{case.reference} is now Closed."]


def test_buttons_are_offered_or_blocked_with_the_reason(case, case_officer, auditor):
    offered, blocked = action_buttons([kit_urls.CLOSE], case_officer, case, lambda a: "/x/")
    assert [b["name"] for b in offered] == ["close"] and blocked == []
    assert action_buttons([kit_urls.CLOSE], auditor, case, lambda a: "/x/") == ([], [])
    case.status = "closed"
    offered, blocked = action_buttons([kit_urls.CLOSE], case_officer, case, lambda a: "/x/")
    assert offered == [] and blocked == [{"name": "close", "label": "Close the case", "why": "Already closed."}]
