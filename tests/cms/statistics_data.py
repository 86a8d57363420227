"""A small public record built through the real services, for the statistics and open-data tests:
assets at every stage, in two countries of origin and two years, with appraisals, a storage cost, an
early sale paid by transfer, and personal data planted in every field that holds some."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from custody import roles
from custody import services as custody_services
from custody.models import Asset, PartyRole
from ledger.services import storage_cost_post
from tests.custody.four_eyes import end_custody
from tests.disposition.direct_sale_helpers import hand_over, invoiced_direct_sale, pay_by_transfer
from tests.factories import AssetFactory, CaseFactory, CourtOrderFactory
from tests.valuation.factories import approved_appraisal

# Personal data planted in the record: none of it may reach a public page or export.
OWNER_NAME = "Zebulon Quargmire"
OWNER_ID = "ZQ-77-991-PERSONAL"
OWNER_ADDRESS = "17 Rue Secrète, 1000 Brussels"
BUYER_NAME = "Garage Dupont"  # the direct-sale helper's buyer
BUYER_CONTACT = "dupont-private@example.org, +32 2 123 45 67"
PLANTED = [OWNER_NAME, OWNER_ID, OWNER_ADDRESS, "Rue Secrète", "dupont-private@example.org", "+32 2 123 45 67",
           "Claimant Ximena Vortrel", "XV-12345"]


@dataclass
class Record:
    assets: dict[str, Asset] = field(default_factory=dict)


def _order(asset, order_type: str, **fields):
    return CourtOrderFactory(case=asset.case, order_type=order_type, assets=[asset], **fields)


def _move(asset, transition: str, actor, *, order_type: str | None = None, **kwargs):
    order_id = _order(asset, order_type, **kwargs.pop("order_fields", {})).pk if order_type else None
    custody_services.asset_transition(asset_id=asset.pk, transition=transition, actor=actor, order_id=order_id,
                                      reason=f"Test: {transition}", **kwargs)
    asset.refresh_from_db()
    return asset


def _confiscated(case, officer, title, **fields):
    asset = AssetFactory(case=case, title=title, actor=officer, **fields)
    _move(asset, "seize", officer, order_type="seizure")
    return _move(asset, "confiscate", officer, order_type="confiscation")


@pytest.fixture
def finance_pair(make_staff):
    return make_staff(roles.FINANCE_OFFICER, username="finance1"), make_staff(roles.FINANCE_OFFICER,
                                                                             username="finance2")


@pytest.fixture
def record(case_officer, approver, second_approver, valuer, auction_manager, finance_pair) -> Record:
    """Given: two cases (Nigeria, Italy), each party with personal data, and assets at every stage."""
    nigeria = CaseFactory(country_of_origin="NG", title="State v. Zebulon Quargmire")
    italy = CaseFactory(country_of_origin="IT")
    for case in (nigeria, italy):
        custody_services.party_add(actor=case_officer, case=case, role=PartyRole.OWNER, name=OWNER_NAME,
                                   identity_number=OWNER_ID, address=OWNER_ADDRESS)
        custody_services.party_add(actor=case_officer, case=case, role=PartyRole.THIRD_PARTY,
                                   name="Claimant Ximena Vortrel", identity_number="XV-12345",
                                   claim_description="Lien")
    record = Record()
    a = record.assets

    # restrained only, and seized only: in aggregate, never one by one
    a["restrained"] = _move(AssetFactory(case=nigeria, title="Restrained yacht", category="vessel",
                                         declared_value=Decimal("500000.00"), actor=case_officer),
                            "restrain", case_officer, order_type="restraint")
    a["seized"] = _move(AssetFactory(case=nigeria, title="Seized lorry", declared_value=Decimal("80000.00"),
                                     actor=case_officer), "seize", case_officer, order_type="seizure")

    # confiscated, held: valued twice (the first approved appraisal is the value at seizure), with costs
    held = a["held"] = _confiscated(nigeria, case_officer, "Confiscated saloon car",
                                    declared_value=Decimal("99999.00"))
    approved_appraisal(held, valuer, approver, amount="30000.10", value_date=datetime.date(2025, 1, 10))
    approved_appraisal(held, valuer, approver, amount="25000.00", value_date=datetime.date(2025, 6, 10))
    storage_cost_post(asset=held, amount=Decimal("150.25"), currency="EUR", source=f"test:{held.pk}",
                      memo="Storage")

    # assigned for social reuse (a villa), in Italy, confiscated in 2024
    villa = a["assigned"] = _confiscated(italy, case_officer, "Villa", category="real_estate",
                                         declared_value=Decimal("400000.00"))
    _move(villa, "refer_for_disposition", case_officer)
    end_custody(asset_id=villa.pk, transition="dispose", actor=approver, reason="Test: dispose",
                disposition="social_reuse")
    Asset.objects.filter(pk=villa.pk).update(confiscated_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))

    # returned to another state
    a["returned"] = _move(_confiscated(italy, case_officer, "Painting", category="jewellery_art",
                                       declared_value=Decimal("12000.50")),
                          "return_to_state", case_officer, order_type="return",
                          order_fields={"recipient_state": "IT"})

    # destroyed
    a["destroyed"] = _move(_confiscated(nigeria, case_officer, "Counterfeit goods", category="other",
                                        declared_value=Decimal("1000.00")),
                           "destroy", approver, order_type="destruction")

    # sold early by direct sale at 21,000 (valued 20,000), paid by transfer, handed over
    # (in a case of its own: the helper notifies that case's parties, which it adds, of the early sale)
    car = a["sold"] = AssetFactory(case=CaseFactory(country_of_origin="IT"), title="Perishable sports car",
                                   declared_value=Decimal("25000.00"), actor=case_officer)
    recorder, confirmer = finance_pair
    invoice = invoiced_direct_sale(car, seller=auction_manager, case_officer=case_officer, approver=approver,
                                   second_approver=second_approver, valuer=valuer, contact=BUYER_CONTACT)
    pay_by_transfer(invoice, recorder=recorder, confirmer=confirmer)
    hand_over(invoice, actor=auction_manager)
    car.refresh_from_db()
    assert car.status == "sold"
    # a confiscated asset with no value in the agency's currency: counted, not summed
    a["foreign"] = _confiscated(nigeria, case_officer, "Dollar bonds", category="securities",
                                declared_value=Decimal("5000.00"), currency="USD")
    return record


# What the record's public assets add up to (value at seizure, in EUR).
EXPECTED_PUBLIC_COUNT = 6
EXPECTED_VALUE = Decimal("30000.10") + Decimal("400000.00") + Decimal("12000.50") + Decimal("1000.00") \
    + Decimal("20000.00")
EXPECTED_SALE_PRICE = Decimal("21000.00")
EXPECTED_COSTS = Decimal("150.25")
THIS_YEAR = timezone.localdate().year


# ---- disposition decisions on top of the record -------------------------------------------------


@dataclass
class Dispositions:
    record: Record
    villa: Asset  # assigned for social reuse to a public NGO, found in use by its latest publishable report
    office: Asset  # assigned for public use to a body not marked public, no report yet
    decisions: dict = field(default_factory=dict)


# What the decisions add (EUR): 5,000 of proceeds into the fund, 3,000 assigned to victims of which
# 1,000 paid, 500 returned to Nigeria (unpaid).
FUND = Decimal("5000.00")
VICTIMS = Decimal("3000.00")
VICTIMS_PAID = Decimal("1000.00")
ABROAD = Decimal("500.00")
PRIVATE_BENEFICIARY = "Trust Municipal Caché Privé"  # a body whose name is not marked public


@pytest.fixture
def dispositions(record, case_officer, approver, valuer, custodian, finance_pair) -> Dispositions:
    """Given the record, and: a villa given for social reuse (project, reports: publishable unused,
    then publishable in use, then a later one not publishable), an office given to a body not named
    in public, and proceeds of the fund assigned to victims (part paid) and returned abroad."""
    from disposition.services import allocations, decisions, monitoring
    from ledger.models import AccountPurpose
    from ledger.services import Line, account_for, ledger_post
    from tests.disposition.reuse_helpers import beneficiary, confiscated_asset

    italy = CaseFactory(country_of_origin="IT")
    villa = confiscated_asset(italy, case_officer, title="Lake villa")
    approved_appraisal(villa, valuer, approver, amount="350000.00", value_date=datetime.date(2025, 2, 1))
    office = confiscated_asset(italy, case_officer, title="Office floor")
    ngo = beneficiary()
    hidden = beneficiary(name=PRIVATE_BENEFICIARY, kind="public_body", public=False, number="BE0999999999")
    out = Dispositions(record=record, villa=villa, office=office)

    def executed(**fields):
        decision = decisions.decision_propose(actor=case_officer, legal_basis="Art. 48", **fields)
        decisions.decision_approve(actor=approver, decision_id=decision.pk)
        return decisions.decision_execute(actor=approver, decision_id=decision.pk)

    reuse = out.decisions["reuse"] = executed(kind="social_reuse", asset_id=villa.pk, beneficiary_id=ngo.pk)
    project = monitoring.project_record(actor=case_officer, decision_id=reuse.pk, purpose="Youth centre",
                                        people_served=120, start_date=datetime.date(2025, 1, 15))
    today = timezone.localdate()
    for days_ago, assessment, publishable, reasons in ((60, "unused", True, ["occupation"]),
                                                       (30, "in_use", True, []), (5, "misused", False, [])):
        monitoring.report_write(actor=custodian, project_id=project.pk, kind="site_visit",
                                date=today - datetime.timedelta(days=days_ago), findings=f"Seen {assessment}",
                                assessment=assessment, reasons_unused=reasons, publishable=publishable)
    out.decisions["public_use"] = executed(kind="public_use", asset_id=office.pk, beneficiary_id=hidden.pk)

    # proceeds into the fund, as a court's order moving escrowed proceeds to the state posts them
    bank, state = (account_for(purpose=p, currency="EUR") for p in (AccountPurpose.BANK, AccountPurpose.STATE_PROCEEDS))
    ledger_post(memo="Proceeds to the state", lines=[Line(bank, FUND), Line(state, -FUND)],
                idempotency_key="escrow-state:test-fund", source="test")
    victims = out.decisions["victims"] = executed(kind="victim_compensation", amount=str(VICTIMS), currency="EUR")
    allocation = allocations.allocation_create(actor=case_officer, decision_id=victims.pk, payee_type="victim",
                                               payee_name="Jane Victim-Private", amount=str(VICTIMS))
    allocations.allocation_pay(actor=finance_pair[0], allocation_id=allocation.pk, amount=str(VICTIMS_PAID),
                               reference="SEPA-1")
    out.decisions["abroad"] = executed(kind="foreign_return", amount=str(ABROAD), currency="EUR",
                                       recipient_state="NG")
    _denied_claim(villa, case_officer, approver)
    return out


def _denied_claim(asset, case_officer, approver) -> None:
    """A victim's claim on the villa's proceeds, heard and denied: the claims export has a row, no money moves."""
    from disposition.services import claims

    claim = claims.claim_record_paper(actor=case_officer, case_id=asset.case_id, claimant_type="victim",
                                      claimant_name="Jane Victim-Private", subject="proceeds", asset_ids=[asset.pk],
                                      basis="A loan to the defendant", amount="1000.00", currency="EUR")
    claims.claim_start_review(actor=case_officer, claim_id=claim.pk)
    claims.claim_recommend(actor=case_officer, claim_id=claim.pk, outcome="denied", recommendation="No proof")
    claims.claim_decide(actor=approver, claim_id=claim.pk, outcome="denied", reasons="No proof of the loan")

