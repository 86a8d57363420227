"""A real browser in the register's staff pages: a custody event typed with a field missing comes
back with the notes kept and the error beside the field; an officer corrects an asset from its page
and sees the change in its history."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.factories import AssetFactory, StorageLocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's default


def _sign_in(browser, base: str, user):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")
    return context, page


def test_a_custodian_keeps_the_notes_of_a_move_missing_its_place(browser, live_server, case, case_officer,
                                                                  custodian):
    from playwright.sync_api import expect

    asset = AssetFactory(case=case, actor=case_officer)
    StorageLocationFactory(name="North yard")
    context, page = _sign_in(browser, live_server.url, custodian)
    page.goto(f"{live_server.url}/admin/register/assets/inspect/{asset.pk}/")
    page.locator("[data-action=custody_event]").click()
    page.get_by_label("Event").select_option("moved")
    page.get_by_label("Notes").fill("Forklift moved it behind hangar 3")
    page.get_by_role("button", name="Record custody event").click()
    # The form is back with the notes and the error beside the location
    expect(page.get_by_label("Notes")).to_have_value("Forklift moved it behind hangar 3")
    location = page.locator("[data-field-wrapper]", has=page.get_by_label("Storage location"))
    expect(location).to_contain_text("Say where the asset now is.")
    page.screenshot(path=str(ARTIFACTS / "admin-custody-event-kept.png"), full_page=True)
    # Choosing the place is all that is left to do
    page.get_by_label("Storage location").select_option(label="North yard")
    page.get_by_role("button", name="Record custody event").click()
    expect(page.get_by_text("Custody event recorded.")).to_be_visible()
    context.close()


def test_an_officer_corrects_an_asset_and_sees_the_change_in_its_history(browser, live_server, case, case_officer):
    from playwright.sync_api import expect

    asset = AssetFactory(case=case, actor=case_officer, description="Grey van, dent left")
    context, page = _sign_in(browser, live_server.url, case_officer)
    page.goto(f"{live_server.url}/admin/register/assets/inspect/{asset.pk}/")
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Description").fill("Grey van, dent right")
    page.get_by_label("Reason for the change").fill("Side noted wrongly")
    page.get_by_role("button", name="Save").click()
    changes = page.locator("[data-changes]")
    expect(changes).to_contain_text("Changed description from “Grey van, dent left” to “Grey van, dent right”")
    expect(changes).to_contain_text("Side noted wrongly")
    page.screenshot(path=str(ARTIFACTS / "admin-asset-corrected.png"), full_page=True)
    context.close()


def test_a_second_officer_editing_the_same_case_is_told_and_keeps_what_they_typed(browser, live_server, case,
                                                                                   case_officer, second_case_officer):
    from playwright.sync_api import expect

    edit_url = f"{live_server.url}/admin/register/cases/edit/{case.pk}/"
    context_a, alice = _sign_in(browser, live_server.url, case_officer)
    context_b, bob = _sign_in(browser, live_server.url, second_case_officer)
    # Both open the case's edit form
    alice.goto(edit_url)
    bob.goto(edit_url)
    # Alice corrects the title and saves
    alice.get_by_label("Title").fill("State v. Jansen")
    alice.get_by_role("button", name="Save").click()
    expect(alice.locator("[data-changes]")).to_contain_text("State v. Jansen")
    # Bob, on the form he opened before, adds a note and saves
    bob.get_by_label("Notes").fill("Hearing moved to 12 May")
    bob.get_by_role("button", name="Save").click()
    expect(bob.get_by_text("Someone else changed this case while you were editing it: title.")).to_be_visible()
    expect(bob.get_by_label("Notes")).to_have_value("Hearing moved to 12 May")
    title = bob.locator("[data-field-wrapper]", has=bob.get_by_label("Title"))
    expect(title).to_contain_text("Changed by someone else since you opened this form, to “State v. Jansen”.")
    bob.screenshot(path=str(ARTIFACTS / "admin-case-edit-stale.png"), full_page=True)
    # Bob reloads the form: Alice's title is there, and his note is saved beside it
    bob.goto(edit_url)
    expect(bob.get_by_label("Title")).to_have_value("State v. Jansen")
    bob.get_by_label("Notes").fill("Hearing moved to 12 May")
    bob.get_by_role("button", name="Save").click()
    changes = bob.locator("[data-changes]")
    expect(changes).to_contain_text("Hearing moved to 12 May")
    expect(changes).to_contain_text("State v. Jansen")
    context_a.close()
    context_b.close()
