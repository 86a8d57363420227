"""Sharing and return agreements: negotiated → in force → closed, the shares of each state, and the
transfers made under it (an allocation payment to the foreign state: a ledger transfer). Published on
/agreements/ when marked publishable, with no personal data: no contact, note or bank reference."""

from decimal import Decimal

import pytest
from django.urls import reverse

from common.exceptions import DomainError, NotPermitted, TransitionRefused
from disposition.models import AgreementStatus, DispositionEvent
from disposition.services import allocations, cooperation, decisions
from ledger.models import AccountPurpose, Posting
from tests.disposition.coop_helpers import TODAY, days_ago
from tests.disposition.reuse_helpers import fund

pytestmark = pytest.mark.django_db

CONTACT = "Adaeze Okonkwo-Private"
NOTES = "Internal: the minister's office insisted on a quick return"


def agreement(officer, **extra):
    fields = {"title": "Return of the Abacha-type loot", "kind": "return", "legal_basis": "UNCAC art. 57(3)",
              "conditions_on_use": "Spent on the Lagos–Ibadan railway and rural electrification only.",
              "monitoring": "Independent monitor (World Bank) reports twice a year.", "publishable": True,
              "counterpart_contact": CONTACT, "internal_notes": NOTES}
    return cooperation.agreement_create(actor=officer, **{**fields, **extra})


def foreign_allocation(officer, approver, *, amount="1000000.00"):
    fund(amount)
    decision = decisions.decision_propose(actor=officer, kind="foreign_return", amount=amount, currency="EUR",
                                          legal_basis="UNCAC art. 57", recipient_state="NG")
    decisions.decision_approve(actor=approver, decision_id=decision.pk)
    decisions.decision_execute(actor=approver, decision_id=decision.pk)
    return allocations.allocation_create(actor=officer, decision_id=decision.pk, payee_type="foreign_state",
                                         payee_name="Federal Republic of Nigeria", amount=amount,
                                         payee_account="NG-CBN-000123")


def test_an_agreement_is_signed_a_transfer_is_paid_under_it_and_it_is_closed(case_officer, approver,
                                                                              finance_officer):
    a = agreement(case_officer)
    with pytest.raises(TransitionRefused, match="each state gets"):
        cooperation.agreement_sign(actor=approver, agreement_id=a.pk, signed_on=days_ago(30))
    cooperation.agreement_share_set(actor=case_officer, agreement_id=a.pk, state="NG", amount="600000.00",
                                    currency="EUR")
    allocation = foreign_allocation(case_officer, approver)
    with pytest.raises(TransitionRefused, match="in force"):
        cooperation.agreement_transfer(actor=finance_officer, agreement_id=a.pk, allocation_id=allocation.pk,
                                       amount="100.00", reference="SWIFT-1")
    with pytest.raises(NotPermitted):
        cooperation.agreement_sign(actor=case_officer, agreement_id=a.pk, signed_on=days_ago(30))
    cooperation.agreement_sign(actor=approver, agreement_id=a.pk, signed_on=days_ago(30))
    with pytest.raises(TransitionRefused, match="fixed"):
        cooperation.agreement_share_set(actor=case_officer, agreement_id=a.pk, state="NG", percent="50")
    # When finance pays 400,000 under it: a ledger transfer from what is owed to foreign states to the bank
    transfer = cooperation.agreement_transfer(actor=finance_officer, agreement_id=a.pk, allocation_id=allocation.pk,
                                              amount="400000.00", reference="SWIFT-1", paid_on=days_ago(2))
    entry = transfer.payment.journal_entry
    lines = {p.account.purpose: p.amount for p in Posting.objects.filter(entry=entry).select_related("account")}
    assert lines == {AccountPurpose.FOREIGN_STATES: Decimal("400000.00"), AccountPurpose.BANK: Decimal("-400000.00")}
    # Then no more than the 600,000 agreed goes to Nigeria
    with pytest.raises(DomainError, match="200,000.00|200000.00"):
        cooperation.agreement_transfer(actor=finance_officer, agreement_id=a.pk, allocation_id=allocation.pk,
                                       amount="200000.01", reference="SWIFT-2")
    assert cooperation.agreement_transferred(a) == {"EUR": Decimal("400000.00")}
    cooperation.agreement_close(actor=approver, agreement_id=a.pk, note="All paid")
    a.refresh_from_db()
    assert a.status == AgreementStatus.CLOSED
    assert [e.action for e in DispositionEvent.objects.filter(subject="agreement", object_id=a.pk)] == [
        "record", "share", "sign", "transfer", "close"]


def test_shares_add_up_to_at_most_100_percent(case_officer):
    a = agreement(case_officer)
    cooperation.agreement_share_set(actor=case_officer, agreement_id=a.pk, state="NG", percent="80")
    with pytest.raises(DomainError, match="100"):
        cooperation.agreement_share_set(actor=case_officer, agreement_id=a.pk, state="CH", percent="25")
    with pytest.raises(DomainError, match="not both"):
        cooperation.agreement_share_set(actor=case_officer, agreement_id=a.pk, state="CH", percent="10",
                                        amount="5.00", currency="EUR")


def test_the_public_page_shows_the_agreement_and_its_transfers_and_no_personal_data(
        client, case_officer, approver, finance_officer):
    a = agreement(case_officer)
    cooperation.agreement_share_set(actor=case_officer, agreement_id=a.pk, state="NG", percent="100")
    hidden = agreement(case_officer, title="Draft with Switzerland")
    # a draft is not public, even when publishable
    assert client.get(reverse("disposition:agreement", args=[a.pk])).status_code == 404
    cooperation.agreement_sign(actor=approver, agreement_id=a.pk, signed_on=days_ago(30))
    allocation = foreign_allocation(case_officer, approver)
    cooperation.agreement_transfer(actor=finance_officer, agreement_id=a.pk, allocation_id=allocation.pk,
                                   amount="250000.00", reference="SWIFT-SECRET-REF", paid_on=TODAY)
    listing = client.get(reverse("disposition:agreements")).content.decode()
    assert "Return of the Abacha-type loot" in listing and "Draft with Switzerland" not in listing
    page = client.get(reverse("disposition:agreement", args=[a.pk])).content.decode()
    assert "UNCAC art. 57(3)" in page and "Nigeria" in page and "100" in page
    assert "railway" in page and "Independent monitor" in page and "250,000.00" in page
    for private in (CONTACT, NOTES, "SWIFT-SECRET-REF", "NG-CBN-000123", "Federal Republic of Nigeria",
                    case_officer.username, finance_officer.username):
        assert private not in page and private not in listing
    assert client.get(reverse("disposition:agreement", args=[hidden.pk])).status_code == 404
