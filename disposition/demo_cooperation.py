"""Demo data for international cooperation (`disposition.demo.seed` calls `seed`, after the reuse
demo): each step taken by the real services on the day it was taken (the register's travelling
clock, custody.demo.Clock), by the role that takes it.

- Requests with Switzerland, Nigeria, France and the United Kingdom, sent and received in 2025 and
  2026: answered, refused, acknowledged and pending (the yearly report has figures for both years).
- A Swiss freezing order registered here (checked, registered, notice served, enforceable: its
  apartment is in the register, restrained under it) and a Nigerian confiscation order refused
  (the person was never heard).
- Assets of our cases frozen in Switzerland, the United Kingdom, the United Arab Emirates, France
  and the United States, at every stage; the American one returned, its money in the fund.
- A return agreement with Nigeria (UNCAC art. 57), published, with a transfer paid under it.

Idempotent: nothing is added a second time."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from custody import services as custody
from custody.demo import Clock
from custody.models import Case, CaseStatus, LegalBasis, OffenceType
from ledger.models import AccountPurpose
from ledger.services import Line, account_for, ledger_post

from .models import CooperationRequest, DecisionKind, PayeeType
from .services import allocations, cooperation, decisions

MARKER = "MLA-DEMO-001"


def _d(text: str) -> datetime.datetime:
    day, _, hour = text.partition(" ")
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{hour or '10:00'}"))


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def seed(command, options) -> None:
    if CooperationRequest.objects.filter(reference=MARKER).exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["officer", "approver", "finance"])}
    if len(users) < 3:
        command.stdout.write("Cooperation demo skipped: it needs the officer, approver and finance demo users.")
        return
    _Demo(users).run()
    command.stdout.write("Cooperation: requests, foreign orders, assets frozen abroad and a return agreement.")


class _Demo:
    def __init__(self, users: dict) -> None:
        self.officer, self.approver, self.finance = users["officer"], users["approver"], users["finance"]
        self.clock = Clock()

    def at(self, moment: str):
        return self.clock.at(_d(moment))

    def case(self, reference: str, title: str, opened: str, *, origin: str, requesting: str = "",
             offence: str = OffenceType.CORRUPTION) -> Case:
        with self.at(opened):
            return custody.case_create(
                actor=self.officer, reference=reference, title=title, court="Court of First Instance, Brussels",
                jurisdiction="BE", legal_basis=LegalBasis.CONVICTION, offence_type=offence,
                country_of_origin=origin, requesting_state=requesting, status=CaseStatus.PROSECUTION)

    def run(self) -> None:
        oil = self.case("ARO-2024-C101", "State v. Sunrise Petroleum Ltd", "2024-03-04", origin="NG")
        arms = self.case("ARO-2024-C102", "State v. Helvetic Defence Brokers SA", "2024-09-16", origin="CH",
                         offence=OffenceType.MONEY_LAUNDERING)
        swiss = self.case("ARO-2025-C103", "Request from CH: Zurich proceeds of bribery", "2025-04-22",
                          origin="CH", requesting="CH")
        lagos = self.case("ARO-2026-C104", "Request from NG: Lagos state contracts", "2026-02-10", origin="NG",
                          requesting="NG")
        requests = self.requests(oil, arms, swiss, lagos)
        self.foreign_orders(swiss, lagos, requests)
        agreement = self.agreement(oil)
        self.frozen_abroad(oil, arms, requests, agreement)

    # ---- requests ---------------------------------------------------------------------------

    REQUESTS = [
        # reference, direction, kind, state, authority, basis, sent, steps [(step, day, text)]
        (MARKER, "sent", "mla", "CH", "Federal Office of Justice, Bern", "uncac_46", "2025-01-13",
         [("acknowledge", "2025-01-27", ""), ("answer", "2025-04-02", "Bank records of three accounts sent.")]),
        ("FRZ-2025-002", "sent", "freezing", "CH", "Federal Office of Justice, Bern", "uncac_54", "2025-04-10",
         [("answer", "2025-05-05", "Accounts frozen by the Geneva prosecutor.")]),
        ("MLA-2025-003", "sent", "mla", "NG", "Attorney General of the Federation, Abuja", "uncac_46", "2025-02-03",
         [("acknowledge", "2025-03-20", ""), ("answer", "2025-09-18", "Company records and witness statements.")]),
        ("IN-2025-004", "received", "freezing", "CH", "Public Prosecutor of Zurich", "bilateral", "2025-05-02",
         [("answer", "2025-05-30", "Freezing order registered and enforced.")]),
        ("MLA-2025-005", "sent", "mla", "GB", "UK Central Authority, Home Office", "uncac_46", "2025-06-16",
         [("refuse", "2025-10-01", "Insufficient link between the property and the offence.")]),
        ("CONF-2025-006", "sent", "confiscation", "FR", "Bureau de l'entraide pénale internationale, Paris",
         "eu_2018_1805", "2025-07-08", [("acknowledge", "2025-07-21", "")]),
        ("IN-2026-007", "received", "confiscation", "NG", "Economic and Financial Crimes Commission, Lagos",
         "uncac_55", "2026-02-03", [("refuse", "2026-05-11", "Judgment in absentia; the person was never heard.")]),
        ("SHARE-2026-008", "sent", "asset_sharing", "NG", "Attorney General of the Federation, Abuja", "uncac_57",
         "2026-03-02", [("acknowledge", "2026-03-16", ""), ("answer", "2026-06-30", "Return agreement signed.")]),
        ("MLA-2026-009", "sent", "mla", "AE", "Ministry of Justice, Abu Dhabi", "reciprocity", "2026-04-14", []),
        ("IN-2026-010", "received", "mla", "FR", "Parquet national financier, Paris", "eu_2018_1805", "2026-09-07",
         [("answer", "2026-10-02", "Land registry extracts sent.")]),
    ]

    def requests(self, oil, arms, swiss, lagos) -> dict[str, CooperationRequest]:
        cases = {"CH": [arms], "NG": [oil], "GB": [oil], "FR": [arms], "AE": [oil]}
        made = {}
        for ref, direction, kind, state, authority, basis, sent, steps in self.REQUESTS:
            linked = [swiss] if ref == "IN-2025-004" else [lagos] if ref == "IN-2026-007" else cases[state]
            with self.at(sent + " 11:00"):
                request = cooperation.request_record(
                    actor=self.officer, direction=direction, kind=kind, counterpart_state=state,
                    counterpart_authority=authority, legal_basis=basis,
                    treaty="Treaty between Belgium and Switzerland on mutual assistance in criminal matters"
                    if basis == "bilateral" else "",
                    channel="central_authority" if direction == "sent" else "judicial", reference=ref,
                    subject={"mla": "Bank, company and land records; witness statements.",
                             "freezing": "Freeze the accounts and property listed in the annex.",
                             "confiscation": "Enforce the confiscation order annexed.",
                             "asset_sharing": "Share and return the confiscated proceeds."}[kind],
                    sent_on=_day(sent), case_ids=[c.pk for c in linked])
            for step, day, text in steps:
                with self.at(day + " 15:00"):
                    if step == "acknowledge":
                        cooperation.request_acknowledge(actor=self.officer, request_id=request.pk, on=_day(day))
                    else:
                        cooperation.request_reply(actor=self.officer, request_id=request.pk,
                                                  refused=step == "refuse", on=_day(day), outcome=text)
            made[ref] = request
        return made

    # ---- foreign orders ---------------------------------------------------------------------

    def foreign_orders(self, swiss, lagos, requests) -> None:
        with self.at("2025-05-06 10:00"):
            order = cooperation.foreign_order_receive(
                actor=self.officer, order_type="freezing", issuing_state="CH",
                issuing_authority="Public Prosecutor of the Canton of Zurich", foreign_case_reference="ZH-ST.2024.311",
                foreign_order_reference="ZH-BES-2025-0417", issued_on=_day("2025-04-28"),
                received_on=_day("2025-05-05"), case_id=swiss.pk, request_id=requests["IN-2025-004"].pk,
                summary="Freezing of an apartment in Brussels bought with bribes paid in Zurich.")
            cooperation.foreign_order_item_add(
                actor=self.officer, order_id=order.pk, category="real_estate",
                title="Apartment, Avenue Louise 231, Brussels", declared_value="690000.00", currency="EUR",
                description="Fourth floor, 140 m², with a parking space.")
        for kind, note, day in (("final", "Certificate of finality of 29 April 2025.", "2025-05-08"),
                                ("defence", "The owner was heard in Zurich on 3 March 2025.", "2025-05-08"),
                                ("property_here", "Land registry: owned by the defendant's company.", "2025-05-12"),
                                ("certified_copy", "Certified copy with apostille received.", "2025-05-12")):
            with self.at(day + " 14:00"):
                cooperation.foreign_order_check(actor=self.officer, order_id=order.pk, kind=kind, passed=True,
                                                note=note)
        with self.at("2025-05-14 10:00"):
            cooperation.foreign_order_register(actor=self.officer, order_id=order.pk)
        with self.at("2025-05-20 10:00"):
            cooperation.foreign_order_serve_notice(actor=self.officer, order_id=order.pk, served_on=_day("2025-05-19"))
        with self.at("2025-06-23 10:00"):
            cooperation.foreign_order_enforce(actor=self.officer, order_id=order.pk,
                                              note="No application to set aside within 30 days.")
        with self.at("2026-02-12 10:00"):
            refused = cooperation.foreign_order_receive(
                actor=self.officer, order_type="confiscation", issuing_state="NG",
                issuing_authority="Federal High Court, Lagos", foreign_case_reference="FHC/L/CS/1120/2024",
                foreign_order_reference="FHC-L-2025-88", issued_on=_day("2025-11-20"), received_on=_day("2026-02-10"),
                case_id=lagos.pk, request_id=requests["IN-2026-007"].pk)
            cooperation.foreign_order_item_add(actor=self.officer, order_id=refused.pk, category="bank_account",
                                               title="Account at a Brussels bank", declared_value="1200000.00",
                                               currency="USD")
        with self.at("2026-03-02 10:00"):
            cooperation.foreign_order_check(actor=self.officer, order_id=refused.pk, kind="final", passed=True,
                                            note="Final judgment.")
            cooperation.foreign_order_check(actor=self.officer, order_id=refused.pk, kind="defence", passed=False,
                                            note="Judgment in absentia; no proof of service on the person.")
        with self.at("2026-05-11 10:00"):
            cooperation.foreign_order_refuse(
                actor=self.officer, order_id=refused.pk,
                reasons="The person concerned had no opportunity to defend (art. 19(1)(h) Regulation 2018/1805 "
                        "by analogy); Nigeria was told and may send a new order.")

    # ---- a return agreement with a transfer -----------------------------------------------------

    def agreement(self, oil):
        with self.at("2026-03-20 10:00"):
            agreement = cooperation.agreement_create(
                actor=self.officer, title="Return to Nigeria of the Sunrise Petroleum proceeds", kind="return",
                legal_basis="UNCAC art. 57(3)(a)", case=oil,
                conditions_on_use="Used only for the rehabilitation of primary health centres in Rivers State.",
                monitoring="An independent civil-society monitor reports every six months; the reports are public.",
                publishable=True, counterpart_contact="Desk officer, Federal Ministry of Justice",
                internal_notes="The sums were negotiated down from the 100 % first asked.")
            cooperation.agreement_share_set(actor=self.officer, agreement_id=agreement.pk, state="NG",
                                            amount="600000.00", currency="EUR")
        with self.at("2026-06-30 12:00"):
            cooperation.agreement_sign(actor=self.approver, agreement_id=agreement.pk, signed_on=_day("2026-06-30"))
        return agreement

    def transfer(self, agreement, returned_amount: Decimal) -> None:
        with self.at("2026-07-15 10:00"):
            bank = account_for(purpose=AccountPurpose.BANK, currency="EUR")
            fund = account_for(purpose=AccountPurpose.STATE_PROCEEDS, currency="EUR")
            ledger_post(memo="Proceeds repatriated from the United States (case ARO-2024-C101)",
                        lines=[Line(bank, returned_amount), Line(fund, -returned_amount)], actor=self.finance,
                        source="cooperation:demo", idempotency_key="demo-cooperation-repatriated")
        with self.at("2026-07-20 10:00"):
            decision = decisions.decision_propose(
                actor=self.officer, kind=DecisionKind.FOREIGN_RETURN, amount="600000.00", currency="EUR",
                recipient_state="NG", legal_basis="UNCAC art. 57(3)(a); return agreement with Nigeria")
        with self.at("2026-07-22 10:00"):
            decisions.decision_approve(actor=self.approver, decision_id=decision.pk)
            decisions.decision_execute(actor=self.approver, decision_id=decision.pk)
            allocation = allocations.allocation_create(
                actor=self.officer, decision_id=decision.pk, payee_type=PayeeType.FOREIGN_STATE,
                payee_name="Federal Republic of Nigeria", amount="600000.00", payee_account="NG-CBN-RECOVERY-01")
        with self.at("2026-08-05 10:00"):
            cooperation.agreement_transfer(actor=self.finance, agreement_id=agreement.pk, allocation_id=allocation.pk,
                                           amount="250000.00", reference="SWIFT BE-NG 2026-0805",
                                           paid_on=_day("2026-08-05"))

    # ---- assets frozen abroad ------------------------------------------------------------------

    def frozen_abroad(self, oil, arms, requests, agreement) -> None:
        rows = [
            # case, country, type, description, amount, currency, frozen, steps, next step, blocker, request
            (arms, "CH", "bank_account", "Accounts at a Geneva private bank", "2400000.00", "CHF", "2025-05-05",
             [("start_proceedings", "2025-11-03")], "Geneva confiscation hearing", "Appeal by the account holder",
             "FRZ-2025-002"),
            (arms, "CH", "real_estate", "Chalet in Verbier", "1800000.00", "CHF", "2025-05-05", [],
             "Swiss request for the Belgian judgment", "Our trial: judgment expected in 2027", "FRZ-2025-002"),
            (oil, "GB", "real_estate", "Flat in Mayfair, London", "3100000.00", "GBP", "2024-11-12",
             [("start_proceedings", "2025-03-01")], "New request with more evidence",
             "UK refused the first request", "MLA-2025-005"),
            (oil, "AE", "bank_account", "Account in Dubai", "950000.00", "USD", "2026-05-02", [],
             "Ask for a meeting of the central authorities", "No treaty in force; reciprocity unanswered",
             "MLA-2026-009"),
            (arms, "FR", "vessel", "Yacht “Sirocco” in Antibes", "4200000.00", "EUR", "2025-07-25",
             [("confiscate", "2026-04-15"), ("negotiate_return", "2026-06-01")], "Agree France's share",
             "France asks for 50 % under Regulation 2018/1805", "CONF-2025-006"),
            (oil, "US", "securities", "Brokerage account in New York", "700000.00", "EUR", "2024-06-03",
             [("confiscate", "2025-10-09"), ("repatriate", "2026-07-15")], "", "", None),
        ]
        for case, country, kind, description, amount, currency, frozen_on, steps, next_step, blocker, ref in rows:
            with self.at(frozen_on + " 16:00"):
                item = cooperation.frozen_abroad_record(
                    actor=self.officer, case_id=case.pk, country=country, asset_type=kind, description=description,
                    amount=amount, currency=currency, frozen_on=_day(frozen_on), next_step=next_step,
                    blocker=blocker, request_id=requests[ref].pk if ref else None,
                    agreement_id=agreement.pk if country in ("US",) else None)
            for step, day in steps:
                with self.at(day + " 16:00"):
                    cooperation.frozen_abroad_step(actor=self.officer, item_id=item.pk, step=step, on=_day(day),
                                                   next_step=next_step if step != "repatriate" else "",
                                                   blocker=blocker if step != "repatriate" else "")
            if country == "US":
                self.transfer(agreement, Decimal(amount))
