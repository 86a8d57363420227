"""The admin kit's viewsets (common.admin.viewsets) on records without an edit form: creating through
a service (success without an "Edit" button, a service's refusal shown on the form, never a 500)
and deleting through a service (`delete_service`); and the kit's listing columns."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from common.admin.columns import DateTimeColumn, MoneyColumn, StatusColumn
from custody.models import Party
from tests.common import urls_viewset as kit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.common.urls_viewset")]


@pytest.fixture(autouse=True)
def _no_calls():
    kit.CALLS.clear()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_record_without_edit_form_is_created_through_its_service(client, case, case_officer):
    with pytest.raises(NoReverseMatch):
        reverse("kit_parties:edit", args=[1])
    client.force_login(case_officer)
    response = client.post(reverse("kit_parties:add"), {"case": case.pk, "role": "owner", "name": "Ann Owner"})
    party = Party.objects.get(name="Ann Owner")
    assert response.status_code == 302 and response["Location"] == reverse("kit_parties:inspect", args=[party.pk])
    assert kit.CALLS == [("create", "Ann Owner")]
    assert "/edit/" not in client.get(response["Location"]).content.decode()


def test_a_service_refusal_shows_on_the_form_not_a_500(client, case, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("kit_parties:add"), {"case": case.pk, "role": "owner", "name": "Refused"})
    assert response.status_code == 400
    assert "The register refuses this name." in response.content.decode()
    assert not Party.objects.filter(name="Refused").exists()


def test_deleting_goes_through_the_service_and_a_refusal_is_a_message(client, case, case_officer):
    kept = Party.objects.create(case=case, role="owner", name="Protected")
    gone = Party.objects.create(case=case, role="owner", name="Gone")
    client.force_login(case_officer)
    assert client.get(reverse("kit_parties:delete", args=[gone.pk])).status_code == 200  # the confirmation
    response = client.post(reverse("kit_parties:delete", args=[gone.pk]))
    assert response.status_code == 302 and not Party.objects.filter(pk=gone.pk).exists()
    assert kit.CALLS == [("delete", "Gone")]
    response = client.post(reverse("kit_parties:delete", args=[kept.pk]))
    assert response.status_code == 302 and Party.objects.filter(pk=kept.pk).exists()
    assert messages_of(response)[-1] == "A party of an open case stays."


def test_roles_without_the_delete_permission_get_403(client, case, auditor):
    party = Party.objects.create(case=case, role="owner", name="Stays")
    client.force_login(auditor)
    assert client.post(reverse("kit_parties:delete", args=[party.pk])).status_code == 403
    assert Party.objects.filter(pk=party.pk).exists() and kit.CALLS == []


def test_money_and_status_columns():
    row = type("Row", (), {"amount": Decimal("1234.5"), "currency": "EUR", "status": "open",
                           "get_status_display": lambda self: "Open for bids"})()
    assert MoneyColumn("amount").get_value(row) == "1,234.50 EUR"
    assert MoneyColumn("amount", currency_accessor=lambda r: "USD").get_value(row) == "1,234.50 USD"
    row.amount = None
    assert MoneyColumn("amount").get_value(row) == "—"
    column = StatusColumn(waiting=("open",))
    assert column.get_value(row) == "Open for bids" and column.get_primary(row) is True
    assert StatusColumn().get_primary(row) is False and column.sort_key == "status"


def test_datetime_column_shows_the_time_in_the_agency_zone(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    row = type("Row", (), {"ends_at": datetime.datetime(2026, 12, 5, 19, 24, tzinfo=datetime.UTC), "none": None})()
    # One way of writing a moment everywhere: the active language as written in the agency's
    # country (common.formats), never "12/05/2026 8:24 p.m." whose day and month depend on the reader
    assert DateTimeColumn("ends_at").get_value(row) == "05 Dec 2026, 20:24"
    with translation.override("fr"):
        assert DateTimeColumn("ends_at").get_value(row) == "5 déc. 2026, 20:24"
    assert DateTimeColumn("none").get_value(row) == "—"
