"""The early-sale workflow end to end: request, endorsement, parties notified, court authorisation,
then auction or direct sale, proceeds in escrow, and the two final outcomes."""

from decimal import Decimal

import pytest
from django.utils import timezone

from common.exceptions import NotPermitted, TransitionRefused
from custody import roles
from custody import services as custody_services
from custody.models import AssetStatus, CustodyEvent
from disposition.services.direct_sales import direct_sale_invoice_issue
from ledger import selectors as ledger_selectors
from ledger import services as ledger_services
from ledger.models import AccountPurpose, JournalEntry
from tests.disposition.direct_sale_helpers import hand_over, pay_by_transfer
from tests.factories import UserFactory
from tests.valuation.factories import (
    add_owner_and_claimant,
    approved_appraisal,
    authorised_for_early_sale,
    into_custody,
    notify_all,
    order_for,
)
from valuation import selectors, services
from valuation.models import DirectSaleStatus

pytestmark = pytest.mark.django_db


def propose(asset, actor, price="21000.00", currency="EUR"):
    return services.direct_sale_propose(actor=actor, asset_id=asset.pk, buyer_name="Garage Dupont",
                                        buyer_contact="dupont@example.org, +32 2 123 45 67", price=Decimal(price),
                                        currency=currency, justification="Battery fails in winter storage")


def sold_by_direct_sale(asset, case_officer, approver, second_approver, valuer, auction_manager):
    """Approved, invoiced by settlement, paid by transfer (four eyes) and handed over."""
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    sale = propose(asset, case_officer)
    services.direct_sale_approve(actor=second_approver, sale_id=sale.pk)
    invoice = direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    pay_by_transfer(invoice, recorder=UserFactory(role=roles.FINANCE_OFFICER),
                    confirmer=UserFactory(role=roles.FINANCE_OFFICER))
    hand_over(invoice, actor=auction_manager)
    sale.refresh_from_db()
    return sale


def test_authorisation_refused_until_owner_and_claimants_are_notified(asset, case_officer, approver):
    into_custody(asset, case_officer)
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="perishable",
                                justification="Fruit cargo")
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    owner, claimant = add_owner_and_claimant(asset.case, case_officer)
    order = order_for(asset, "early_sale")
    notify_all(asset, case_officer, [owner])

    with pytest.raises(TransitionRefused, match="Bank Ltd"):
        services.early_sale_authorise(actor=case_officer, asset_id=asset.pk, order_id=order.pk)

    notify_all(asset, case_officer, [claimant])
    services.early_sale_authorise(actor=case_officer, asset_id=asset.pk, order_id=order.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.EARLY_SALE_AUTHORISED
    due = selectors.early_sale_due_process(asset)
    assert due.complete and {n.party_id for n in due.notifications} == {owner.pk, claimant.pk}
    # The notifications are part of the asset's chain of custody.
    assert CustodyEvent.objects.filter(asset=asset, transition="early_sale_notice").count() == 2


def test_unknown_owner_needs_a_public_notice(asset, case_officer, approver):
    into_custody(asset, case_officer)
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost",
                                justification="Mooring fees exceed value")
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    order = order_for(asset, "early_sale")
    with pytest.raises(TransitionRefused, match="public notice"):
        services.early_sale_authorise(actor=case_officer, asset_id=asset.pk, order_id=order.pk)
    with pytest.raises(services.ValuationRefused, match="Name the party"):
        services.early_sale_notification_record(actor=case_officer, asset_id=asset.pk, means="email",
                                                notified_on=timezone.localdate())
    services.early_sale_notification_record(actor=case_officer, asset_id=asset.pk, means="public_notice",
                                            notified_on=timezone.localdate(), reference="Official Gazette 2026/118")
    services.early_sale_authorise(actor=case_officer, asset_id=asset.pk, order_id=order.pk)


def test_notification_refused_without_a_request_or_twice(asset, case_officer, approver):
    into_custody(asset, case_officer)
    owner, _claimant = add_owner_and_claimant(asset.case, case_officer)
    with pytest.raises(services.ValuationRefused, match="no early-sale request"):
        notify_all(asset, case_officer, [owner])
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="cost", justification="x")
    notify_all(asset, case_officer, [owner])
    with pytest.raises(services.ValuationRefused, match="already been recorded"):
        notify_all(asset, case_officer, [owner])


def test_authorisation_refused_without_endorsement_or_order(asset, case_officer, approver):
    into_custody(asset, case_officer)
    services.early_sale_request(asset_id=asset.pk, actor=case_officer, reason="depreciation",
                                justification="Loses value")
    notify_all(asset, case_officer, add_owner_and_claimant(asset.case, case_officer))
    with pytest.raises(TransitionRefused, match="endorse"):
        services.early_sale_authorise(actor=case_officer, asset_id=asset.pk,
                                      order_id=order_for(asset, "early_sale").pk)
    with pytest.raises(NotPermitted):
        services.early_sale_endorse(asset_id=asset.pk, actor=case_officer)
    services.early_sale_endorse(asset_id=asset.pk, actor=approver)
    with pytest.raises(TransitionRefused, match="court order"):
        services.early_sale_authorise(actor=case_officer, asset_id=asset.pk, order_id=None)
    with pytest.raises(TransitionRefused):
        services.early_sale_authorise(actor=case_officer, asset_id=asset.pk, order_id=order_for(asset, "seizure").pk)


def test_route_to_auction_puts_the_asset_up_for_sale(asset, case_officer, approver, auction_manager):
    into_custody(asset, case_officer)
    with pytest.raises(TransitionRefused, match="authorisation"):
        services.early_sale_route_to_auction(actor=auction_manager, asset_id=asset.pk)
    authorised_for_early_sale(asset, case_officer, approver)
    with pytest.raises(NotPermitted):
        services.early_sale_route_to_auction(actor=case_officer, asset_id=asset.pk)
    services.early_sale_route_to_auction(actor=auction_manager, asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FOR_SALE  # the auctions app offers it to the auction manager as a lot


def test_direct_sale_needs_an_approved_valuation_and_a_price_not_below_it(asset, case_officer, approver, valuer):
    authorised_for_early_sale(asset, case_officer, approver)
    with pytest.raises(TransitionRefused, match="approved valuation"):
        propose(asset, case_officer)
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    with pytest.raises(TransitionRefused, match="below the approved valuation"):
        propose(asset, case_officer, price="19999.99")
    with pytest.raises(TransitionRefused, match="currency"):
        propose(asset, case_officer, price="30000.00", currency="USD")
    sale = propose(asset, case_officer, price="20000.00")
    assert sale.status == DirectSaleStatus.PROPOSED
    with pytest.raises(TransitionRefused, match="already under way"):
        propose(asset, case_officer, price="25000.00")


def test_direct_sale_refused_before_court_authorisation(asset, case_officer, approver, valuer):
    into_custody(asset, case_officer)
    approved_appraisal(asset, valuer, approver)
    with pytest.raises(TransitionRefused, match="authorisation"):
        propose(asset, case_officer)


def test_direct_sale_four_eyes_and_invoice_only_after_approval(asset, case_officer, approver, valuer,
                                                                auction_manager, second_case_officer):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    sale = propose(asset, auction_manager)
    with pytest.raises(TransitionRefused, match="approved"):
        direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    with pytest.raises(NotPermitted, match="proposed"):
        services.direct_sale_approve(actor=auction_manager, sale_id=sale.pk)
    with pytest.raises(NotPermitted):
        services.direct_sale_approve(actor=second_case_officer, sale_id=sale.pk)
    services.direct_sale_approve(actor=approver, sale_id=sale.pk, note="Fair price")
    with pytest.raises(NotPermitted):
        direct_sale_invoice_issue(actor=case_officer, sale_id=sale.pk)


def test_revised_valuation_above_the_price_blocks_approval(asset, case_officer, approver, second_approver, valuer):
    approved_appraisal(asset, valuer, approver, amount="20000.00")
    authorised_for_early_sale(asset, case_officer, approver)
    sale = propose(asset, case_officer, price="20500.00")
    approved_appraisal(asset, valuer, approver, amount="26000.00")
    with pytest.raises(TransitionRefused, match="below"):
        services.direct_sale_approve(actor=second_approver, sale_id=sale.pk)
    services.direct_sale_reject(actor=second_approver, sale_id=sale.pk, reason="Price too low now")
    sale.refresh_from_db()
    assert sale.status == DirectSaleStatus.REJECTED


def test_completed_direct_sale_records_the_sale_and_holds_the_price_in_escrow(
        asset, case_officer, approver, second_approver, valuer, auction_manager):
    sale = sold_by_direct_sale(asset, case_officer, approver, second_approver, valuer, auction_manager)

    asset.refresh_from_db()
    assert sale.status == DirectSaleStatus.COMPLETED
    assert asset.status == AssetStatus.SOLD
    assert ledger_selectors.case_escrow_balances(asset.case_id) == {"EUR": Decimal("21000.00")}
    # The price is posted once, by the paid invoice (per asset), not again at completion
    assert sale.journal_entry is None
    [entry] = JournalEntry.objects.filter(asset=asset, source=f"invoice:{sale.invoice.pk}")
    assert entry.idempotency_key == f"sale:{sale.invoice.pk}:{asset.pk}"
    assert [e.transition for e in CustodyEvent.objects.filter(asset=asset).order_by("seq")][-2:] == [
        "put_up_for_sale", "record_sale"]
    with pytest.raises(TransitionRefused):
        direct_sale_invoice_issue(actor=auction_manager, sale_id=sale.pk)
    assert ledger_selectors.case_escrow_balances(asset.case_id) == {"EUR": Decimal("21000.00")}


def test_confiscation_moves_escrowed_proceeds_to_the_state(asset, case_officer, approver, second_approver, valuer,
                                                          auction_manager):
    sold_by_direct_sale(asset, case_officer, approver, second_approver, valuer, auction_manager)

    custody_services.asset_transition(asset_id=asset.pk, transition="confiscate", actor=case_officer,
                                      order_id=order_for(asset, "confiscation").pk)

    asset.refresh_from_db()
    assert asset.status == AssetStatus.DISPOSED
    assert ledger_selectors.case_escrow_balances(asset.case_id) == {"EUR": Decimal("0.00")}
    state = ledger_services.account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency="EUR")
    assert ledger_services.account_balance(state) == Decimal("-21000.00")  # credit: owed to the state
    assert ledger_selectors.trial_balance() == {"EUR": Decimal("0.00")}


def test_release_returns_escrowed_proceeds_to_the_owner(asset, case_officer, approver, second_approver, valuer,
                                                       auction_manager):
    sold_by_direct_sale(asset, case_officer, approver, second_approver, valuer, auction_manager)

    custody_services.asset_transition(asset_id=asset.pk, transition="release", actor=case_officer,
                                      reason="Acquitted on appeal", order_id=order_for(asset, "release").pk)

    asset.refresh_from_db()
    assert asset.status == AssetStatus.RELEASED
    refund = ledger_services.account_for(purpose=AccountPurpose.OWNER_REFUND, currency="EUR", case=asset.case)
    assert ledger_services.account_balance(refund) == Decimal("-21000.00")
    assert ledger_selectors.case_escrow_balances(asset.case_id) == {"EUR": Decimal("0.00")}
    state = ledger_services.account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency="EUR")
    assert ledger_services.account_balance(state) == Decimal("0.00")


def test_releasing_an_unsold_asset_posts_nothing(asset, case_officer):
    into_custody(asset, case_officer)
    custody_services.asset_transition(asset_id=asset.pk, transition="release", actor=case_officer,
                                      reason="Not needed as evidence", order_id=order_for(asset, "release").pk)
    assert ledger_selectors.trial_balance() == {}
