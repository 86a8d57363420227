"""Assets frozen abroad for our cases: the foreign procedure's stages (each step recorded, impossible
ones refused), the days frozen, and the staff status map: a world map (SVG, no script) of the
countries by stage, with the same figures in a table beside it; 403 for a role without access."""

import datetime

import pytest
from django.urls import reverse

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from disposition.models import DispositionEvent, ForeignStage
from disposition.services import cooperation
from tests.disposition.coop_helpers import TODAY, days_ago

pytestmark = pytest.mark.django_db


def frozen(officer, case, *, country="CH", amount="2500000.00", currency="CHF", frozen_on=None, **extra):
    return cooperation.frozen_abroad_record(
        actor=officer, case_id=case.pk, country=country, asset_type=extra.pop("asset_type", "bank_account"),
        description=extra.pop("description", "Account at a Geneva bank"), amount=amount, currency=currency,
        frozen_on=frozen_on or days_ago(400), **extra)


def test_an_asset_frozen_abroad_goes_through_the_foreign_procedure_until_returned(case_officer, case):
    item = frozen(case_officer, case, next_step="Swiss confiscation hearing", blocker="Appeal by the account holder")
    assert item.days_frozen() == 400 and item.stage == ForeignStage.FROZEN
    cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="start_proceedings", on=days_ago(300))
    cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="confiscate", on=days_ago(100))
    with pytest.raises(DomainError, match="before"):
        cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="repatriate", on=days_ago(101))
    cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="repatriate", on=days_ago(10),
                                   note="Wired to the State's account")
    item.refresh_from_db()
    assert item.stage == ForeignStage.RETURNED and item.ended_on == days_ago(10) and item.days_frozen() == 390
    steps = list(DispositionEvent.objects.filter(subject="frozen", object_id=item.pk).values_list(
        "action", "from_state", "to_state"))
    assert steps[1:] == [("start_proceedings", "frozen", "proceedings"), ("confiscate", "proceedings", "confiscated"),
                         ("repatriate", "confiscated", "returned")]
    # Then nothing more can happen to it
    with pytest.raises(TransitionRefused):
        cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="release", on=TODAY, note="x")


def test_impossible_steps_and_roles_are_refused(case_officer, case, auditor):
    item = frozen(case_officer, case)
    with pytest.raises(TransitionRefused):
        cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="repatriate", on=TODAY)
    with pytest.raises(DomainError, match="why"):
        cooperation.frozen_abroad_step(actor=case_officer, item_id=item.pk, step="release", on=TODAY)
    with pytest.raises(NotPermitted):
        cooperation.frozen_abroad_step(actor=auditor, item_id=item.pk, step="start_proceedings", on=TODAY)
    with pytest.raises(DomainError, match="future"):
        frozen(case_officer, case, frozen_on=TODAY + datetime.timedelta(days=3))


def test_the_status_map_shows_the_countries_by_stage_and_the_same_table(client, case_officer, case, auditor,
                                                                         custodian):
    frozen(case_officer, case, country="CH", amount="2500000.00", currency="CHF")
    frozen(case_officer, case, country="CH", amount="1000000.00", currency="CHF", description="Chalet in Verbier",
           asset_type="real_estate")
    uk = frozen(case_officer, case, country="GB", amount="800000.00", currency="GBP", description="London flat",
                asset_type="real_estate")
    cooperation.frozen_abroad_step(actor=case_officer, item_id=uk.pk, step="start_proceedings", on=days_ago(5))
    ae = frozen(case_officer, case, country="AE", amount="300000.00", currency="USD", description="Dubai account",
                blocker="No treaty in force")
    returned = frozen(case_officer, case, country="FR", amount="10.00", currency="EUR", description="Returned one")
    cooperation.frozen_abroad_step(actor=case_officer, item_id=returned.pk, step="confiscate", on=days_ago(3))
    cooperation.frozen_abroad_step(actor=case_officer, item_id=returned.pk, step="repatriate", on=days_ago(2))
    client.force_login(auditor)
    response = client.get(reverse("cooperation_map:index"))
    assert response.status_code == 200
    page = response.content.decode()
    # The map: plain SVG, no script, each country with assets coloured (a series of its stage)
    start = page.index("data-status-map")
    svg = page[start:page.index("data-map-table")]
    assert "<script" not in svg
    for code in ("ch", "gb", "ae"):
        assert f'class="{code} country map-element color-' in svg
    assert 'class="fr country map-element color-' not in svg  # returned: no longer on the map
    legend = page[page.index("data-legend"):page.index("</figcaption>")]
    assert "Confiscation proceedings" in legend and "Frozen" in legend and "Returned" not in legend
    # And the table beside it says the same, with every asset, its days frozen and its blocker
    table = page[page.index("data-map-table"):]
    assert 'data-country="CH"' in table and 'data-country="GB"' in table and 'data-country="AE"' in table
    assert 'data-country="FR"' not in table
    assert "Frozen: 2" in table and "Confiscation proceedings: 1" in table
    assert "CHF" in table and "3,500,000.00" in table
    assert f'data-frozen="{ae.pk}"' in page and "No treaty in force" in page and ">400<" in page
    client.force_login(custodian)
    assert client.get(reverse("cooperation_map:index")).status_code == 403


def test_the_status_map_draws_its_countries_after_a_qr_code_was_drawn_in_the_same_process(
        client, case_officer, case, auditor, monkeypatch):
    """qrcode registers an `svg` prefix in ElementTree's global table each time it draws (the two-factor
    set-up page); the map's countries must stay plain <g> elements, which a browser draws in HTML."""
    from xml.etree import ElementTree

    from common.security.views import qr_code_svg

    monkeypatch.setattr(ElementTree, "_namespace_map", dict(ElementTree._namespace_map))  # undone after
    frozen(case_officer, case, country="CH")
    qr_code_svg("otpauth://totp/Agency:someone?secret=JBSWY3DPEHPK3PXP")  # a staff member sets up two-factor
    client.force_login(auditor)
    page = client.get(reverse("cooperation_map:index")).content.decode()
    svg = page[page.index("data-status-map"):page.index("data-map-table")]
    assert '<g class="ch country map-element color-' in svg
    assert "<svg:" not in svg
