"""Demo data for disposition and social reuse (`disposition.demo.seed` calls `seed`): what became of
confiscated assets and proceeds, each step taken by the real services, on the day it was taken (the
register's travelling clock, custody.demo.Clock), by the role that takes it (four eyes: the case
officer proposes, an approver approves).

- Beneficiaries: a municipality, an NGO, a social cooperative, a public body (named in public).
- Cases from several countries of origin, opened 2021–2024, their assets restrained, seized,
  appraised and confiscated under court orders dated before the steps that cite them; then:
  a villa in Mechelen turned into a youth centre (reports: in use), a flat in Ghent turned into a
  shelter (partly used, then in use), a shop in Charleroi given to a social cooperative and found
  occupied (unused), so revoked and proposed anew; a patrol vehicle used by a public body; cash
  returned to a foreign state under a return order; counterfeit goods destroyed; a yacht sold
  after confiscation; two properties in an open call for projects with scored applications.
- The proceeds of the demo's auctioned van, confiscated, allocated to its victims and partly paid.

Monitoring reports carry photos drawn with Pillow. Idempotent: nothing is added a second time."""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custody import services as custody
from custody.demo import Clock
from custody.models import Asset, Case, CaseStatus, LegalBasis, OffenceType, PartyRole
from valuation.demo import appraisal_at_seizure

from .models import (
    Assessment,
    Beneficiary,
    BeneficiaryKind,
    DecisionKind,
    PayeeType,
    ReportKind,
    Sector,
    UnusedReason,
)
from .services import allocations, beneficiaries, calls, decisions, monitoring

REFERENCE_PREFIX = "ARO-"  # the cases below are ARO-<year>-R<n>: the register's demo's numbering, apart
BENEFICIARIES = {
    "mechelen": dict(name="Municipality of Mechelen", kind=BeneficiaryKind.MUNICIPALITY, sector=Sector.EDUCATION,
                     registration_number="0207.500.123", registration_data="Local authority (Flemish Region)."),
    "riseup": dict(name="Rise Up vzw", kind=BeneficiaryKind.NGO, sector=Sector.WELFARE,
                   registration_number="0712.345.678",
                   registration_data="Non-profit association, statutes published 14 March 2012."),
    "tafel": dict(name="Tafel Samen cvso", kind=BeneficiaryKind.SOCIAL_COOPERATIVE, sector=Sector.EMPLOYMENT,
                  registration_number="0654.321.987",
                  registration_data="Social-purpose cooperative; trains young people as cooks."),
    "forests": dict(name="Agency for Nature and Forests", kind=BeneficiaryKind.PUBLIC_BODY,
                    sector=Sector.ENVIRONMENT, registration_number="0887.052.701",
                    registration_data="Public body of the Flemish Government."),
    "gembloux": dict(name="Municipality of Gembloux", kind=BeneficiaryKind.MUNICIPALITY, sector=Sector.CULTURE,
                     registration_number="0207.330.845", registration_data="Local authority (Walloon Region)."),
    "terre": dict(name="Terre Solidaire asbl", kind=BeneficiaryKind.NGO, sector=Sector.ENVIRONMENT,
                  registration_number="0743.118.220",
                  registration_data="Non-profit association; urban farming and food aid."),
}


def _d(text: str) -> datetime.datetime:
    """A moment in the agency's zone, from 'YYYY-MM-DD' (10:00) or 'YYYY-MM-DD HH:MM'."""
    day, _, hour = text.partition(" ")
    moment = datetime.datetime.fromisoformat(f"{day}T{hour or '10:00'}")
    return timezone.make_aware(moment)


@dataclass
class Story:
    """One case: where from, when opened, its assets, and the days of its orders and steps."""

    number: int
    origin: str
    title: str
    offence: str
    opened: str
    restrained: str
    seized: str
    confiscated: str
    assets: list[tuple[str, str, int, str]]  # category, title, value in EUR, public area
    requesting_state: str = ""

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.opened[:4]}-R{self.number:03d}"


STORIES = {
    "villa": Story(1, "IT", "State v. Orion Trading Ltd", OffenceType.MONEY_LAUNDERING, "2021-02-10", "2021-02-15",
                   "2021-03-22", "2022-05-12",
                   [("real_estate", "Villa with garden, Mechelen", 1_150_000, "Mechelen")]),
    "flat": Story(2, "NL", "State v. Blue Delta Holdings SA", OffenceType.DRUG_TRAFFICKING, "2021-09-01", "2021-09-06",
                  "2021-10-12", "2023-03-14",
                  [("real_estate", "Apartment, Kouter 18, Ghent", 420_000, "Ghent")]),
    "shop": Story(3, "AL", "State v. Meridian Capital SARL", OffenceType.ORGANISED_CRIME, "2022-01-20", "2022-01-24",
                  "2022-02-28", "2023-01-10",
                  [("real_estate", "Ground-floor shop with kitchen, Charleroi", 310_000, "Charleroi")]),
    "patrol": Story(4, "FR", "State v. Atlas Consulting BV", OffenceType.FRAUD, "2022-04-04", "2022-04-08",
                    "2022-05-02", "2023-09-19",
                    [("vehicle", "Toyota Land Cruiser (2020)", 52_000, "Flanders")]),
    "return": Story(5, "NG", "Request from NG: proceeds of embezzlement", OffenceType.EMBEZZLEMENT, "2022-06-01",
                    "2022-06-03", "2022-06-20", "2024-02-08",
                    [("cash", "Cash in safe deposit box", 480_000, "Brussels-Capital Region")],
                    requesting_state="NG"),
    "counterfeit": Story(6, "CN", "State v. Golden Gate Imports", OffenceType.ORGANISED_CRIME, "2023-03-01",
                         "2023-03-03", "2023-03-20", "2024-05-15",
                         [("other", "Container of counterfeit sportswear", 85_000, "Antwerp")]),
    "yacht": Story(7, "DE", "State v. Nordic Star Shipping", OffenceType.TAX_EVASION, "2023-05-10", "2023-05-12",
                   "2023-06-01", "2025-01-20",
                   [("vessel", "Motor yacht “Nordlys”, 18 m", 760_000, "Nieuwpoort")]),
    "call": Story(8, "ES", "State v. Vega Investments Ltd", OffenceType.CORRUPTION, "2024-02-12", "2024-02-14",
                  "2024-03-11", "2026-06-18",
                  [("real_estate", "Farmhouse with 3 ha of land near Gembloux", 640_000, "Gembloux"),
                   ("real_estate", "Warehouse, Quai de la Batte 9, Liège", 390_000, "Liège")]),
}


def _users(*names: str) -> dict:
    found = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return {name: found.get(name) for name in names}


def _photo(caption: str, rng: random.Random) -> SimpleUploadedFile:
    """A site-visit photo: a building with people at its door, and the caption."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), tuple(rng.randint(140, 210) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 430, 800, 600), fill=(80, 130, 70))
    wall = tuple(rng.randint(150, 240) for _ in range(3))
    draw.rectangle((180, 200, 620, 440), fill=wall)
    draw.polygon([(160, 200), (400, 90), (640, 200)], fill=(140, 50, 40))
    for x in (230, 330, 470, 560):
        draw.rectangle((x - 25, 250, x + 25, 310), fill=(180, 210, 240))
    draw.rectangle((370, 350, 430, 440), fill=(90, 60, 30))
    for x in range(250, 560, 70):
        colour = tuple(rng.randint(20, 230) for _ in range(3))
        draw.ellipse((x - 12, 440, x + 12, 464), fill=colour)
        draw.rectangle((x - 10, 464, x + 10, 510), fill=colour)
    draw.text((20, 565), caption[:90], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("site-visit.jpg", out.getvalue(), content_type="image/jpeg")


class _Demo:
    def __init__(self, users: dict, rng: random.Random) -> None:
        self.u, self.rng, self.clock = users, rng, Clock()
        self.cases: dict[str, Case] = {}
        self.assets: dict[str, list[Asset]] = {}

    def at(self, moment: str):
        return self.clock.at(_d(moment))

    # ---- the register: a case and its assets, to confiscation ----------------------------------

    def history(self, key: str) -> list[Asset]:
        story, officer, u = STORIES[key], self.u["officer"], self.u
        day = datetime.timedelta(days=1)
        with self.at(story.opened + " 09:30"):
            case = custody.case_create(
                actor=officer, reference=story.reference, title=story.title, court="Court of First Instance, Brussels",
                jurisdiction="BE", legal_basis=LegalBasis.CONVICTION, offence_type=story.offence,
                country_of_origin=story.origin, requesting_state=story.requesting_state, status=CaseStatus.FINAL)
            custody.party_add(actor=officer, case=case, role=PartyRole.DEFENDANT, name=story.title.split("v. ")[-1],
                              identity_number=f"{self.rng.randint(10**10, 10**11 - 1)}")
            assets = [custody.asset_register(
                actor=officer, case=case, category=category, title=title, declared_value=Decimal(value),
                currency="EUR", public_area=area, description=f"Identified in {story.reference}.")
                for category, title, value, area in story.assets]
        orders = {}
        for order_type, step_day in (("restraint", story.restrained), ("seizure", story.seized),
                                     ("confiscation", story.confiscated)):
            issued = max(_d(step_day) - 3 * day, _d(story.opened + " 14:00"))
            with self.clock.at(issued):
                orders[order_type] = custody.court_order_record(
                    actor=officer, case=case, order_type=order_type, reference=f"{order_type[:3].upper()}/"
                    f"{story.reference}", issued_on=timezone.localdate(), issuing_court=case.court, assets=assets,
                    publishable=order_type == "confiscation",
                    summary=f"{order_type.capitalize()} order in {story.reference}.")
        for asset in assets:
            for step, order_type, when in (("restrain", "restraint", story.restrained),
                                           ("seize", "seizure", story.seized)):
                with self.at(when + " 11:00"):
                    custody.asset_transition(asset_id=asset.pk, transition=step, actor=officer,
                                             order_id=orders[order_type].pk)
            with self.at(story.seized + " 15:00"):
                location = "Central warehouse, Vilvoorde"
                if asset.category == "real_estate":
                    location = "On site (immovable property)"
                custody.custody_event_record(
                    asset_id=asset.pk, actor=u["custodian"], kind="received", reason="Seals placed; keys held",
                    location_id=custody_location(location))
            seized = _d(story.seized)
            asset.refresh_from_db()
            with self.clock.at(seized + 9 * day):
                appraisal_at_seizure(asset, valuer=u["valuer"], approver=None, rng=self.rng)
            with self.clock.at(seized + 11 * day):
                from valuation.services import appraisal_approve

                appraisal_approve(actor=u["approver"], appraisal_id=asset.appraisals.get().pk)
            with self.at(story.confiscated + " 11:00"):
                custody.asset_transition(asset_id=asset.pk, transition="confiscate", actor=officer,
                                         order_id=orders["confiscation"].pk,
                                         reason="Confiscation final: no appeal lodged")
        self.cases[key] = case
        self.assets[key] = [Asset.objects.get(pk=a.pk) for a in assets]
        return self.assets[key]

    def order(self, key: str, order_type: str, when: str, **extra):
        case = self.cases[key]
        with self.at(when):
            return custody.court_order_record(
                actor=self.u["officer"], case=case, order_type=order_type,
                reference=f"{order_type[:3].upper()}/{case.reference}", issued_on=timezone.localdate(),
                issuing_court=case.court, assets=self.assets[key], publishable=True, **extra)

    # ---- decisions ---------------------------------------------------------------------------

    def decide(self, *, kind: str, asset: Asset | None = None, proposed: str, approved: str, executed: str,
               beneficiary: Beneficiary | None = None, order=None, **fields):
        with self.at(proposed):
            decision = decisions.decision_propose(
                actor=self.u["officer"], kind=kind, asset_id=asset.pk if asset else None,
                beneficiary_id=beneficiary.pk if beneficiary else None, **fields)
        with self.at(approved):
            decisions.decision_approve(actor=self.u["approver"], decision_id=decision.pk)
        with self.at(executed):
            decisions.decision_execute(actor=self.u["approver2"], decision_id=decision.pk,
                                       order_id=order.pk if order else None)
        decision.refresh_from_db()
        return decision

    def project(self, decision, *, recorded: str, purpose: str, people: int, description: str,
                reports: list[tuple[str, str, str, str, list[str]]]):
        """Record the project, then its reports: (date, kind, assessment, findings, reasons unused)."""
        with self.at(recorded):
            project = monitoring.project_record(
                actor=self.u["officer"], decision_id=decision.pk, purpose=purpose, people_served=people,
                description=description, start_date=timezone.localdate())
        report = None
        for when, kind, assessment, findings, reasons in reports:
            photos = [_photo(f"{purpose} — site visit {when[:10]}", self.rng)] if kind == ReportKind.SITE_VISIT \
                else None
            writer = self.u["custodian"] if kind == ReportKind.SITE_VISIT else self.u["officer"]
            with self.at(when):
                report = monitoring.report_write(
                    actor=writer, project_id=project.pk, kind=kind, date=timezone.localdate(), findings=findings,
                    assessment=assessment, reasons_unused=reasons, publishable=True, photos=photos)
        return project, report


def custody_location(name: str) -> int:
    from custody.models import StorageLocation

    return StorageLocation.objects.get(name=name).pk


def seed(command, options) -> None:
    u = _users("officer", "officer2", "approver", "approver2", "custodian", "valuer", "finance", "auctions")
    if not all(u.values()):
        command.stdout.write("Disposition demo skipped: the register's demo logins are missing.")
        return
    if Beneficiary.objects.filter(registration_number=BENEFICIARIES["mechelen"]["registration_number"]).exists():
        return
    if options.get("bulk"):
        return
    demo = _Demo(u, random.Random(options["seed"]))
    with demo.at("2021-01-11"):
        bene = {key: beneficiaries.beneficiary_create(actor=u["officer"], country="BE", public=True,
                                                      contact_name="Demo contact",
                                                      contact_email=f"{key}@beneficiary.example.org", **fields)
                for key, fields in BENEFICIARIES.items()}
    for key in STORIES:
        demo.history(key)
    a = demo.assets

    # A villa in Mechelen: a youth centre since 2022, in use as agreed at every report.
    villa = demo.decide(kind=DecisionKind.SOCIAL_REUSE, asset=a["villa"][0], beneficiary=bene["mechelen"],
                        proposed="2022-07-04", approved="2022-07-18", executed="2022-09-01",
                        legal_basis="Confiscation judgment of 12 May 2022; reuse for social purposes (art. 8).",
                        conditions="Youth centre open at least five days a week; yearly report.",
                        concession_start=datetime.date(2022, 9, 1), concession_end=datetime.date(2037, 8, 31))
    demo.project(villa, recorded="2022-10-03", purpose="Youth centre", people=340,
                 description="Homework club, music rooms and a garden for the young people of the district.",
                 reports=[("2023-10-05", ReportKind.SITE_VISIT, Assessment.IN_USE,
                           "Open six days a week; 280 young people registered.", []),
                          ("2024-10-10", ReportKind.SITE_VISIT, Assessment.IN_USE,
                           "Garden turned into a vegetable plot; 340 young people registered.", []),
                          ("2025-10-08", ReportKind.DESK_REVIEW, Assessment.IN_USE,
                           "Annual report and accounts received; activities as agreed.", [])])

    # A flat in Ghent: a shelter, partly used while its roof was repaired, then in full use.
    flat = demo.decide(kind=DecisionKind.SOCIAL_REUSE, asset=a["flat"][0], beneficiary=bene["riseup"],
                       proposed="2023-05-02", approved="2023-05-16", executed="2023-06-01",
                       legal_basis="Confiscation judgment of 14 March 2023; reuse for social purposes (art. 8).",
                       conditions="Shelter for women leaving violence; yearly report.",
                       concession_start=datetime.date(2023, 6, 1), concession_end=datetime.date(2033, 5, 31))
    demo.project(flat, recorded="2023-07-03", purpose="Shelter for women leaving violence", people=45,
                 description="Four rooms, a shared kitchen and a counsellor's office.",
                 reports=[("2024-07-03", ReportKind.SITE_VISIT, Assessment.PARTLY_USED,
                           "Two of four rooms in use; the roof leaks and is being repaired.",
                           [UnusedReason.STRUCTURAL_STATE]),
                          ("2025-07-10", ReportKind.SITE_VISIT, Assessment.IN_USE,
                           "Roof repaired; all four rooms in use.", [])])

    # A shop in Charleroi: found occupied, so the decision is revoked and a new one proposed.
    shop = demo.decide(kind=DecisionKind.SOCIAL_REUSE, asset=a["shop"][0], beneficiary=bene["tafel"],
                       proposed="2023-03-06", approved="2023-03-20", executed="2023-04-14",
                       legal_basis="Confiscation judgment of 10 January 2023; reuse for social purposes (art. 8).",
                       conditions="Training kitchen open within six months; yearly report.")
    _project, failing = demo.project(
        shop, recorded="2023-05-02", purpose="Training kitchen for young cooks", people=0,
        description="A restaurant run by trainees.",
        reports=[("2024-05-06", ReportKind.SITE_VISIT, Assessment.UNUSED,
                  "The premises are occupied without title; the cooperative could not move in.",
                  [UnusedReason.OCCUPATION])])
    with demo.at("2024-06-20"):
        decisions.decision_revoke(actor=u["approver"], decision_id=shop.pk, report_id=failing.pk,
                                  reason="The asset has stood unused for a year")

    # A patrol vehicle for the forest rangers: institutional use by a public body.
    patrol = demo.decide(kind=DecisionKind.PUBLIC_USE, asset=a["patrol"][0], beneficiary=bene["forests"],
                         proposed="2023-10-10", approved="2023-10-17", executed="2023-11-06",
                         legal_basis="Confiscation judgment of 19 September 2023; transfer to a public body (art. 9).")
    demo.project(patrol, recorded="2023-11-10", purpose="Patrol vehicle for the forest rangers", people=12,
                 description="Used by the rangers of the Kempen forests.",
                 reports=[("2024-11-12", ReportKind.DESK_REVIEW, Assessment.IN_USE,
                           "Logbook received: 21,000 km of patrols.", []),
                          ("2025-11-14", ReportKind.SITE_VISIT, Assessment.IN_USE,
                           "Vehicle seen in service, well kept.", [])])

    # Cash returned to the requesting state under a return order.
    return_order = demo.order("return", "return", "2024-09-16", recipient_state="NG",
                              summary="Return of the confiscated cash to the Federal Republic of Nigeria.")
    demo.decide(kind=DecisionKind.FOREIGN_RETURN, asset=a["return"][0], recipient_state="NG", order=return_order,
                proposed="2024-06-10", approved="2024-07-01", executed="2024-10-02",
                legal_basis="Return agreement of 5 September 2024; UNCAC art. 57.",
                conditions="Used for the rehabilitation of schools, under public monitoring.")

    # Counterfeit goods destroyed under a destruction order.
    destruction = demo.order("counterfeit", "destruction", "2024-06-20",
                             summary="Destruction of the counterfeit goods, under the customs' supervision.")
    demo.decide(kind=DecisionKind.DESTRUCTION, asset=a["counterfeit"][0], order=destruction,
                proposed="2024-06-03", approved="2024-06-10", executed="2024-07-02",
                legal_basis="Counterfeit goods may not be sold (IP enforcement act).")

    # A yacht sold at auction after its confiscation.
    yacht = demo.decide(kind=DecisionKind.SALE, asset=a["yacht"][0], proposed="2025-02-10", approved="2025-02-17",
                        executed="2025-03-03", legal_basis="Confiscation judgment of 20 January 2025; sale.")
    with demo.at("2025-05-22"):
        custody.asset_record_sale(asset_id=yacht.asset_id, actor=u["auctions"], reason="Sold at public auction")
    with demo.at("2025-06-02"):
        decisions.decision_complete(actor=u["approver"], decision_id=yacht.pk, note="Sold; proceeds to the state.")

    # Two properties offered in a call for projects open now (its dates follow today, so that it is
    # open whenever the demo is seeded); three applications received, scored.
    now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)

    def ago(days: int):
        return demo.clock.at(now - datetime.timedelta(days=days))

    with ago(95):
        call = calls.call_create(
            actor=u["officer"], title="Call for projects: a farmhouse near Gembloux and a warehouse in Liège",
            description="Social-reuse projects for two confiscated properties: food, culture, training.",
            deadline=now + datetime.timedelta(days=60, hours=7), assets=a["call"])
    with ago(80):
        calls.call_open(actor=u["officer2"], call_id=call.pk)
    for days, key, summary, score in (
            (62, "terre", "Urban farm and food bank on the farmhouse's land.", "82.50"),
            (44, "tafel", "Training kitchen and canteen in the warehouse.", "74.00"),
            (21, "gembloux", "Rehearsal rooms for the town's music school.", "61.00")):
        with ago(days):
            application = calls.application_record(actor=u["officer"], call_id=call.pk, beneficiary_id=bene[key].pk,
                                                   project_summary=summary)
        with ago(12):
            calls.application_score(actor=u["officer2"], application_id=application.pk, score=score,
                                    notes="Scored against the call's criteria.")

    _victims(u, demo.rng)
    from .models import DispositionDecision, MonitoringReport, ReuseProject

    command.stdout.write(
        f"Disposition: {Beneficiary.objects.count()} beneficiaries, {DispositionDecision.objects.count()} decisions "
        f"({DispositionDecision.objects.exclude(executed_at=None).count()} executed, one revoked and proposed anew), "
        f"{ReuseProject.objects.count()} projects with {MonitoringReport.objects.count()} monitoring reports, "
        f"a call for projects open with {call.applications.count()} scored applications.")


def _victims(u: dict, rng: random.Random) -> None:
    """An early sale's buyer pays and collects today (invoice, transfer confirmed by a second officer,
    handover), then the court confiscates the proceeds: they join the fund, and part of them goes to
    the victims, one paid already, one still to pay. The demo's auctioned van stays sold early."""
    from valuation.models import DirectSale, DirectSaleStatus

    from .demo import _pay_by_transfer, _signature
    from .services import collection, direct_sales

    sale = DirectSale.objects.filter(status=DirectSaleStatus.APPROVED).select_related("asset").order_by("pk").first()
    if sale is None:
        return
    invoice = direct_sales.direct_sale_invoice_issue(actor=u["auctions"], sale_id=sale.pk)
    _pay_by_transfer(invoice, finance=u["finance"], approver=u["approver"], received_on=timezone.localdate())
    collection.handover_record(
        actor=u["custodian"], invoice_id=invoice.pk, collected_by=sale.buyer_name, identity_checked=True,
        id_document_type="id_card", id_document_number="DEMO-733-118", condition="As described in the sale.",
        image=_signature())
    asset = Asset.objects.select_related("case").get(pk=sale.asset_id)
    order = custody.court_order_record(
        actor=u["officer"], case=asset.case, order_type="confiscation", reference=f"CON/{asset.reference}",
        issued_on=timezone.localdate(), issuing_court=asset.case.court or "Court of First Instance, Brussels",
        assets=[asset], publishable=True, summary="Confiscation of the goods sold early: their proceeds to the state.")
    custody.asset_transition(asset_id=asset.pk, transition="confiscate", actor=u["officer"], order_id=order.pk,
                             reason="Confiscation of the proceeds of the early sale")
    available = decisions.proceeds_available(currency="EUR", proceeds_asset_id=asset.pk)
    amount = (available * Decimal("0.6")).quantize(Decimal("1"))
    if amount <= 0:
        return
    decision = decisions.decision_propose(
        actor=u["officer"], kind=DecisionKind.VICTIM_COMPENSATION, amount=amount, currency="EUR",
        proceeds_asset_id=asset.pk, legal_basis="Judgment ordering compensation of the victims of the fraud.")
    decisions.decision_approve(actor=u["approver"], decision_id=decision.pk)
    decisions.decision_execute(actor=u["approver2"], decision_id=decision.pk)
    half = (amount / 2).quantize(Decimal("0.01"))
    first = allocations.allocation_create(actor=u["officer"], decision_id=decision.pk, payee_type=PayeeType.VICTIM,
                                          payee_name="Victim 1 (name withheld)", amount=half,
                                          payee_account="BE71096123456769")
    allocations.allocation_create(actor=u["officer"], decision_id=decision.pk, payee_type=PayeeType.VICTIM,
                                  payee_name="Victim 2 (name withheld)", amount=amount - half,
                                  payee_account="BE68539007547034")
    allocations.allocation_pay(actor=u["finance"], allocation_id=first.pk, amount=half,
                               reference=f"SEPA VIC-{decision.pk:05d}-1")
