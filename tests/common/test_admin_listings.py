"""The admin kit's listing extras (common.admin.listings), amounts (common.admin.display) and create
forms saved by a service (common.admin.viewsets), on a viewset of cases."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from common.admin.display import FormattedInspectView, MoneyColumn
from custody.models import Case
from tests.common import listing_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.common.listing_urls")]

CASE = {"reference": "KIT-1", "title": "State v. Kit", "court": "Court", "jurisdiction": "BE",
        "legal_basis": "conviction", "offence_type": "fraud", "country_of_origin": "BE"}


@pytest.fixture(autouse=True)
def _nothing_counted():
    listing_urls.COUNTED.clear()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_listing_shows_its_notes_and_the_steps_the_user_may_take(client, case, case_officer, auditor):
    url = reverse("kit_cases:listing_recount")
    client.force_login(case_officer)
    html = client.get(reverse("kit_cases:index")).content.decode()
    assert "1 cases; 1.5 notes." in html
    assert f'action="{url}"' in html and "Recount" in html
    client.force_login(auditor)
    html = client.get(reverse("kit_cases:index")).content.decode()
    assert "1 cases; 1.5 notes." in html and f'action="{url}"' not in html


def test_a_listing_step_is_post_only_and_refused_with_a_403_to_other_roles(client, case, case_officer, auditor):
    url = reverse("kit_cases:listing_recount")
    client.force_login(auditor)
    assert client.post(url).status_code == 403
    client.force_login(case_officer)
    assert client.get(url).status_code == 405
    assert listing_urls.COUNTED == []


def test_a_listing_step_says_what_it_did_or_why_not_and_goes_back_to_the_listing(client, case, case_officer):
    client.force_login(case_officer)
    url = reverse("kit_cases:listing_recount")
    done = client.post(url)
    assert done.status_code == 302 and done["Location"] == reverse("kit_cases:index")
    assert "1 cases counted." in client.get(done["Location"]).content.decode() and listing_urls.COUNTED == [1]
    refused = client.post(url, {"refuse": "1"})
    assert refused.status_code == 302 and messages_of(refused) == ["Not while the court sits."]
    assert listing_urls.COUNTED == [1]


def test_a_created_record_opens_its_page_without_an_edit_button(client, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("kit_cases:add"), CASE)
    case = Case.objects.get(reference="KIT-1")
    assert response.status_code == 302 and response["Location"] == reverse("kit_cases:inspect", args=[case.pk])
    assert case.case_officer == case_officer  # the service saved it, with what only it decides


@pytest.mark.parametrize(("title", "shown"), [("refuse", "The register is closed today."),
                                              ("invalid", "No such court.")])
def test_a_service_refusal_shows_on_the_form_with_a_400_not_a_500(client, case_officer, title, shown):
    client.force_login(case_officer)
    response = client.post(reverse("kit_cases:add"), {**CASE, "title": title})
    assert response.status_code == 400
    assert shown in response.content.decode()
    assert not Case.objects.filter(reference="KIT-1").exists()


def test_money_columns_show_the_amount_with_its_currency():
    column = MoneyColumn("price", currency_accessor="currency")
    assert column.get_value(SimpleNamespace(price=Decimal("1234.5"), currency="EUR")) == "1,234.50 EUR"
    assert column.get_value(SimpleNamespace(price=None, currency="EUR")) == "—"


def test_records_pages_show_amounts_yes_or_no_and_people_by_name(case_officer):
    view = FormattedInspectView()
    view.money_fields = {"price": "currency"}
    view.object = SimpleNamespace(price=Decimal("20500"), currency="EUR", urgent=True, appraised=False,
                                  officer=case_officer, note="")
    shown = {name: view.get_field_display_value(name, None) for name in ("price", "urgent", "appraised", "officer",
                                                                         "note")}
    assert shown == {"price": "20,500.00 EUR", "urgent": "Yes", "appraised": "No",
                     "officer": case_officer.get_full_name(), "note": "—"}
