"""What became of the assets and the money, on the public record: the asset page's "What became of it"
(decision, beneficiary, project, monitoring reports, money by payee type), the page each decision gets
once carried out (kept in step as it is monitored or revoked), the /dispositions/ index and its
filters; and nothing private on any of them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cms.models import AssetPage, DispositionIndexPage, DispositionPage
from cms.record import published_document_create
from common.formats import format_day
from common.money import format_money
from custody.models import Party
from disposition.services import allocations, decisions, monitoring
from tests.disposition.reuse_helpers import beneficiary, confiscated_asset, fund
from tests.factories import AssetFactory

from .record_helpers import confiscate, text_pdf
from .test_pages import html_of, text_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
# Planted in every private field the records hold: none may reach a public page.
PRIVATE = ["Marta Contact-Privata", "marta.private@example.org", "Rue Secrète", "+32 470", "470 12 34 56",
           "Hidden Helpers Cooperative", "Jane Victim-Private", "IBAN-PRIVATE", "Internal only: keys with the mayor",
           "Beneficiary kept the keys", "SEPA-REF-PRIVATE", "BE0123456789"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as a real commit would: its on-commit page syncs run (Celery is eager in tests)."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def _assert_nothing_private(html: str) -> None:
    for needle in PRIVATE:
        assert needle not in html, needle


def reuse_decision(case, officer, approver, committed, *, public=True, name="Youth Centre Libera",
                   number="BE0123456789"):
    """A confiscated villa given for social reuse to an NGO, approved and carried out."""
    villa = committed(confiscated_asset, case, officer)
    ngo = beneficiary(name=name, public=public, number=number)
    decision = decisions.decision_propose(
        actor=officer, kind="social_reuse", asset_id=villa.pk, beneficiary_id=ngo.pk,
        legal_basis="Law 109/1996, art. 48", conditions="Internal only: keys with the mayor",
        concession_start=datetime.date(2026, 1, 1), concession_end=datetime.date(2035, 12, 31))
    committed(decisions.decision_approve, actor=approver, decision_id=decision.pk)
    committed(decisions.decision_execute, actor=approver, decision_id=decision.pk)
    return villa, decision


def with_project(decision, officer, committed):
    return committed(monitoring.project_record, actor=officer, decision_id=decision.pk, purpose="Youth centre",
                     people_served=80, start_date=datetime.date(2026, 1, 10))


def report(project, officer, committed, **fields):
    values = {"kind": "desk_review", "date": TODAY, "findings": "Open every afternoon", "assessment": "in_use",
              "publishable": True}
    values.update(fields)
    return committed(monitoring.report_write, actor=officer, project_id=project.pk, **values)


def asset_page_html(client, asset) -> str:
    return html_of(client, AssetPage.objects.get(asset=asset).url)


def decision_page(decision) -> DispositionPage:
    return DispositionPage.objects.get(decision=decision)


# --------------------------------------------------------------------------------------------
# The asset page
# --------------------------------------------------------------------------------------------


def test_the_asset_page_tells_what_became_of_it_and_follows_each_report(client, case, case_officer, approver,
                                                                        committed):
    # Given a villa given to a public NGO, its project recorded and a report published (another not)
    villa, decision = reuse_decision(case, case_officer, approver, committed)
    project = with_project(decision, case_officer, committed)
    report(project, case_officer, committed)
    report(project, case_officer, committed, findings="Beneficiary kept the keys", publishable=False)

    # When a citizen opens the villa's page
    html = asset_page_html(client, villa)
    text = text_of(html)

    # Then it tells the decision, the beneficiary, the legal basis, the concession and the project
    assert "What became of it" in text
    assert "Social reuse" in text and "Being monitored" in text
    assert "Youth Centre Libera — Non-governmental organisation, welfare" in text
    assert "Law 109/1996, art. 48" in text
    assert f"From {format_day(datetime.date(2026, 1, 1))} to {format_day(datetime.date(2035, 12, 31))}" in text
    assert "Youth centre" in text and "People served 80" in text
    # the published report only, with its kind and assessment; and a link to the decision's page
    assert "Desk review" in text and "In use as agreed" in text and "Open every afternoon" in text
    assert f'href="{decision_page(decision).url}"' in html
    _assert_nothing_private(html)

    # When a site visit finds it partly unused because it is occupied
    report(project, case_officer, committed, kind="site_visit", findings="Ground floor occupied",
           assessment="partly_used", reasons_unused=["occupation"])

    # Then the page says so at once, the newest report first
    text = text_of(asset_page_html(client, villa))
    assert "Partly used" in text and "Ground floor occupied" in text and "Why it stands unused: Occupied" in text
    assert text.index("Ground floor occupied") < text.index("Open every afternoon")


def test_the_asset_page_shows_the_money_allocated_out_of_its_proceeds_by_payee_type(
        client, case, case_officer, approver, finance_officer, committed):
    # Given a confiscated car whose proceeds went into the fund, 300 of them given to victims, 100 paid
    car = committed(confiscated_asset, case, case_officer, title="BMW X5 xDrive 2020, black")
    fund("300.00", asset=car)
    money = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="300.00",
                                       currency="EUR", proceeds_asset_id=car.pk, legal_basis="Judgment 2026/14")
    committed(decisions.decision_approve, actor=approver, decision_id=money.pk)
    committed(decisions.decision_execute, actor=approver, decision_id=money.pk)
    allocation = committed(allocations.allocation_create, actor=case_officer, decision_id=money.pk,
                           payee_type="victim", payee_name="Jane Victim-Private", payee_account="IBAN-PRIVATE",
                           amount="300.00")
    committed(allocations.allocation_pay, actor=finance_officer, allocation_id=allocation.pk, amount="100.00",
              reference="SEPA-REF-PRIVATE")

    # When the car's page is read
    html = asset_page_html(client, car)

    # Then its own title names it, and the money by payee type shows allocated, paid and remaining
    assert "<h1>BMW X5 xDrive 2020, black</h1>" in html
    row = html[html.index('data-payee="victim"'):]
    row = row[:row.index("</tr>")]
    assert "Victims" in row
    for amount in ("300.00", "100.00", "200.00"):
        assert format_money(Decimal(amount), "EUR") in row
    assert f'href="{decision_page(money).url}"' in html
    _assert_nothing_private(html)


def test_an_asset_title_naming_a_party_of_its_case_gives_way_to_the_generic_title(client, case, case_officer,
                                                                                     committed):
    Party.objects.create(case=case, role="defendant", name="Mario Rossini", address="12 Via Garibaldi\n90100 Palermo")
    villa = committed(confiscated_asset, case, case_officer, title="Villa Rossini on the lake")
    flat = committed(confiscated_asset, case, case_officer, title="Flat at 12 Via Garibaldi, third floor")
    car = committed(confiscated_asset, case, case_officer, category="vehicle", title="Audi A6 2019, grey")

    villa_html = asset_page_html(client, villa)
    assert "Rossini" not in villa_html
    assert f"Real estate (no. {villa.pk})" in villa_html
    assert "Garibaldi" not in asset_page_html(client, flat)  # the address of a party's home
    assert "<h1>Audi A6 2019, grey</h1>" in asset_page_html(client, car)

    # And a party named after the page was made hides the title at once, before any sync
    Party.objects.create(case=case, role="owner", name="Carla Audi")
    car_html = asset_page_html(client, car)
    assert "Audi A6" not in car_html and f"<h1>Vehicle (no. {car.pk})</h1>" in car_html


# --------------------------------------------------------------------------------------------
# A decision's page
# --------------------------------------------------------------------------------------------


def test_a_decision_gets_its_page_when_it_is_carried_out_and_it_follows_the_reports(
        client, case, case_officer, approver, committed):
    # Given an approved decision: no page yet
    villa = committed(confiscated_asset, case, case_officer)
    ngo = beneficiary()
    decision = decisions.decision_propose(actor=case_officer, kind="social_reuse", asset_id=villa.pk,
                                          beneficiary_id=ngo.pk, legal_basis="Law 109/1996, art. 48")
    committed(decisions.decision_approve, actor=approver, decision_id=decision.pk)
    assert not DispositionPage.objects.filter(decision=decision).exists()

    # When it is carried out
    committed(decisions.decision_execute, actor=approver, decision_id=decision.pk)

    # Then its page is live under /dispositions/, linking to the asset's page
    page = decision_page(decision)
    assert page.live and page.get_parent().specific == DispositionIndexPage.objects.get()
    assert page.url == f"/dispositions/decision-{decision.pk}/"
    html = html_of(client, page.url)
    assert "Social reuse" in text_of(html) and "Executed" in text_of(html)
    assert f'href="{AssetPage.objects.get(asset=villa).url}"' in html

    # When the project is recorded and a report written, the page shows them
    project = with_project(decision, case_officer, committed)
    report(project, case_officer, committed, kind="site_visit", findings="Forty pupils a day")
    text = text_of(html_of(client, page.url))
    assert "Being monitored" in text and "Youth centre" in text and "Site visit" in text
    assert "Forty pupils a day" in text
    assert DispositionPage.objects.filter(decision=decision).count() == 1


def test_a_decision_page_lists_the_published_documents_linked_to_it_and_only_those(
        client, case, case_officer, approver, committed):
    villa, decision = reuse_decision(case, case_officer, approver, committed)
    page = decision_page(decision)
    for title, publishable in (("Assignment decree 2026/7", True), ("Draft memorandum (staff)", False)):
        published_document_create(kind="memorandum", title=title, date=TODAY, publishable=publishable,
                                  upload=SimpleUploadedFile("d.pdf", text_pdf("Decree"), "application/pdf"),
                                  decision_ids=[decision.pk])
    html = html_of(client, page.url)
    assert "Assignment decree 2026/7" in html and "Draft memorandum" not in html
    # and the page is titled by what it is about, as the asset's page names it
    assert f"<h1>Social reuse: {AssetPage.objects.get(asset=villa).title}</h1>" in html


def test_a_revoked_decision_stays_on_the_record_and_says_it_was_revoked(client, case, case_officer, approver,
                                                                         committed):
    # Given a reuse decision whose project was found unused, then revoked
    villa, decision = reuse_decision(case, case_officer, approver, committed)
    project = with_project(decision, case_officer, committed)
    failing = report(project, case_officer, committed, findings="Closed all year", assessment="unused",
                     reasons_unused=["structural_state"])
    committed(decisions.decision_revoke, actor=approver, decision_id=decision.pk, report_id=failing.pk,
              reason="Beneficiary kept the keys")

    # Then its page is still live and says it was revoked, without the staff's reason
    html = html_of(client, decision_page(decision).url)
    text = text_of(html)
    assert "This decision was revoked." in text and "Revoked" in text
    assert "Closed all year" in text  # the published report that led to it
    _assert_nothing_private(html)
    # the index lists it as revoked
    index = html_of(client, "/dispositions/")
    row = index[index.index(f'data-decision="{decision.pk}"'):]
    assert "Revoked" in row[:row.index("</tr>")]
    # and the asset's page no longer names the beneficiary of a decision that was taken back
    assert "Youth Centre Libera" not in asset_page_html(client, villa)


def test_a_decision_over_proceeds_shows_every_cent_by_payee_type_and_never_a_payee(
        client, case, case_officer, approver, finance_officer, committed):
    # Given 1,000 of the fund for victims and a public body, 600 + 400, of which 250 paid
    fund("1000.00")
    decision = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="1000.00",
                                          currency="EUR", legal_basis="Judgment 2026/14")
    committed(decisions.decision_approve, actor=approver, decision_id=decision.pk)
    committed(decisions.decision_execute, actor=approver, decision_id=decision.pk)
    victims = committed(allocations.allocation_create, actor=case_officer, decision_id=decision.pk,
                        payee_type="victim", payee_name="Jane Victim-Private", payee_account="IBAN-PRIVATE",
                        amount="600.00")
    committed(allocations.allocation_create, actor=case_officer, decision_id=decision.pk,
              payee_type="public_body", payee_name="Municipality of Example", amount="400.00")
    committed(allocations.allocation_pay, actor=finance_officer, allocation_id=victims.pk, amount="250.00",
              reference="SEPA-REF-PRIVATE")

    # When its page is read
    html = html_of(client, decision_page(decision).url)

    # Then the amount and, per payee type, allocated / paid / remaining, in the agency's locale
    assert format_money(Decimal("1000.00"), "EUR") in html
    rows = {payee: html[html.index(f'data-payee="{payee}"'):] for payee in ("victim", "public_body")}
    rows = {payee: row[:row.index("</tr>")] for payee, row in rows.items()}
    for amount in ("600.00", "250.00", "350.00"):
        assert format_money(Decimal(amount), "EUR") in rows["victim"]
    assert format_money(Decimal("400.00"), "EUR") in rows["public_body"]
    assert "The fund of confiscated proceeds." in text_of(html)
    assert "Municipality of Example" not in html
    _assert_nothing_private(html)


def test_a_beneficiary_not_marked_public_is_shown_by_type_and_sector_only(client, case, case_officer, approver,
                                                                         committed):
    villa, decision = reuse_decision(case, case_officer, approver, committed, public=False,
                                     name="Hidden Helpers Cooperative", number="BE0999999999")
    for html in (asset_page_html(client, villa), html_of(client, decision_page(decision).url),
                 html_of(client, "/dispositions/")):
        assert "Non-governmental organisation" in html
        _assert_nothing_private(html)


# --------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------


def test_the_index_lists_decisions_carried_out_and_filters_them(client, case, case_officer, approver, committed):
    # Given a reuse decision carried out (an NGO), one over money (no beneficiary), and one only approved
    villa, reuse = reuse_decision(case, case_officer, approver, committed)
    fund("500.00")
    money = decisions.decision_propose(actor=case_officer, kind="victim_compensation", amount="500.00",
                                       currency="EUR", legal_basis="Judgment")
    committed(decisions.decision_approve, actor=approver, decision_id=money.pk)
    committed(decisions.decision_execute, actor=approver, decision_id=money.pk)
    pending_asset = AssetFactory(case=case, actor=case_officer, title="Pending flat")
    committed(confiscate, pending_asset, case_officer)
    pending = decisions.decision_propose(actor=case_officer, kind="public_use", asset_id=pending_asset.pk,
                                         beneficiary_id=beneficiary(name="Town", kind="municipality",
                                                                    number="BE77").pk, legal_basis="Law")
    committed(decisions.decision_approve, actor=approver, decision_id=pending.pk)

    def listed(query: str = "") -> set[int]:
        html = html_of(client, f"/dispositions/{query}")
        return {d.pk for d in (reuse, money, pending) if f'data-decision="{d.pk}"' in html}

    assert listed() == {reuse.pk, money.pk}
    assert listed("?kind=social_reuse") == {reuse.pk}
    assert listed("?kind=victim_compensation") == {money.pk}
    assert listed("?beneficiary=ngo") == {reuse.pk}
    assert listed("?beneficiary=municipality") == set()
    year = timezone.localtime(timezone.now()).year
    assert listed(f"?year={year}") == {reuse.pk, money.pk}
    assert listed(f"?year={year - 1}") == set()
    # nonsense is ignored, never an error
    assert listed("?kind=nonsense&year=abc&beneficiary=<script>") == {reuse.pk, money.pk}
    # the facets count what each filter would show
    html = html_of(client, "/dispositions/?kind=social_reuse")
    assert "Social reuse</a> <span class=\"count\">(1)</span>" in html
    assert "1 decision" in text_of(html)
