"""`make demo`'s data is believable to a newcomer: values that match the goods (a 2024 Lamborghini
is not worth 11,722 EUR, nor 9 BTC 5,071 EUR), ends that fit the goods (no restaurant destroyed),
cases opened over several past years, a lot that closes minutes after seeding, an auction that asks
for a deposit and one that opens later."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from auctions.models import Auction, AuctionStatus, LotStatus
from custody.models import Asset, AssetStatus, Case

pytestmark = pytest.mark.django_db

# What each kind of good may plausibly be worth (EUR), whatever its size.
RANGES = {
    "real_estate": (100_000, 8_000_000), "vehicle": (5_000, 400_000), "vessel": (20_000, 3_500_000),
    "aircraft": (150_000, 10_000_000), "jewellery_art": (2_000, 1_500_000), "business": (100_000, 6_000_000),
    "livestock": (3_000, 1_500_000), "perishable": (5_000, 1_000_000), "other": (1_000, 700_000),
    "virtual_assets": (40_000, 3_000_000),
}
# Per unit that the title names: (pattern, lowest and highest EUR per unit).
PER_UNIT = [
    (r"Gold bars, (\d+) × 1 kg", 55_000, 110_000),
    (r"(\d+) BTC", 40_000, 150_000),
    (r"(\d+) ETH", 1_000, 6_000),
    (r"Diamond necklace, (\d+(?:\.\d+)?) carat", 3_000, 30_000),
    (r"Herd of (\d+) dairy cows", 800, 4_000),
    (r"Agricultural land, (\d+) ha", 15_000, 100_000),
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seeding for the module (it takes seconds), rolled back at the end."""
    from django.db import connection, transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media / "public"),
                                                        PRIVATE_MEDIA_ROOT=str(media / "private")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = timezone.now()
            out = StringIO()
            # The register as `make demo` seeds it (its default size), so that what fails there fails here;
            # fewer bidders only, which no figure below depends on.
            call_command("seed_demo", bidders=3, password="demo-test-pass-2026", stdout=out)
            yield started, out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()


@pytest.fixture
def demo(seeded, django_db_blocker):
    with django_db_blocker.unblock():
        yield seeded


def test_every_assets_value_fits_what_it_is(demo):
    wrong = []
    for asset in Asset.objects.exclude(declared_value__isnull=True):
        value = asset.declared_value
        low, high = RANGES.get(asset.category, (0, 10**10))
        if not low <= value <= high:
            wrong.append(f"{asset.title}: {value}")
        for pattern, per_low, per_high in PER_UNIT:
            match = re.search(pattern, asset.title)
            if match and not per_low <= value / Decimal(match.group(1)) <= per_high:
                wrong.append(f"{asset.title}: {value}")
        year = re.search(r"\((20\d\d)\)|\b(20\d\d)\b", asset.title) if asset.category == "vehicle" else None
        if year and timezone.localdate().year - int(year.group(1) or year.group(2)) <= 2 and value < 20_000:
            wrong.append(f"{asset.title}: {value} (a car less than three years old)")
        if "Lamborghini" in asset.title or "Ferrari" in asset.title:
            if value < 90_000:
                wrong.append(f"{asset.title}: {value}")
    assert wrong == []


def test_only_goods_that_can_be_destroyed_or_lost_are(demo):
    destroyed = set(Asset.objects.filter(status=AssetStatus.DESTROYED).values_list("category", flat=True))
    lost = set(Asset.objects.filter(status=AssetStatus.LOST).values_list("category", flat=True))
    assert destroyed <= {"perishable", "other"}
    assert not lost & {"real_estate", "bank_account", "securities", "business", "cash", "virtual_assets"}


def test_cases_were_opened_over_several_past_years(demo):
    years = {case.created_at.year for case in Case.objects.filter(reference__startswith="ARO-")}
    assert len(years) >= 3 and max(years) <= timezone.now().year
    for case in Case.objects.filter(reference__startswith="ARO-"):
        assert case.reference.startswith(f"ARO-{case.created_at.year}-")
        for order in case.orders.all():
            assert case.created_at.date() <= order.issued_on <= timezone.localdate()


def test_a_lot_closes_within_minutes_of_seeding(demo):
    started, _out = demo
    soonest = (Auction.objects.filter(status=AuctionStatus.PUBLISHED, lots__status=LotStatus.OPEN)
               .order_by("lots__ends_at").values_list("lots__ends_at", flat=True).first())
    assert started < soonest <= started + datetime.timedelta(minutes=15)


def test_one_open_auction_asks_for_a_deposit_and_one_opens_later(demo):
    now = timezone.now()
    published = Auction.objects.filter(status=AuctionStatus.PUBLISHED)
    assert any(a.requires_deposit and a.required_deposit() > 0 for a in published.filter(opens_at__lte=now))
    upcoming = published.filter(opens_at__gt=now).first()
    assert upcoming is not None and upcoming.lots.filter(status=LotStatus.SCHEDULED).exists()


def test_a_closed_auction_shows_the_whole_path_after_the_hammer(demo):
    """The settled demo sale: one lot paid and handed over (its asset sold, its proceeds in escrow),
    one paid and booked, one defaulted and bought by the next bidder on a second chance, one
    defaulted with the offer still open; and the ledger reconciles clean."""
    from disposition.models import Invoice, InvoiceStatus, OfferStatus, SecondChanceOffer
    from ledger.models import AccountPurpose, Posting
    from ledger.reconciliation import ledger_reconcile

    _started, output = demo
    auction = Auction.objects.get(slug="demo-settled-sale")
    assert auction.closes_at < timezone.now()
    assert set(auction.lots.values_list("status", flat=True)) >= {LotStatus.DEFAULTED}
    invoices = Invoice.objects.filter(award__lot__auction=auction)
    by_status = {}
    for invoice in invoices:
        by_status.setdefault(invoice.status, []).append(invoice)
    assert len(by_status[InvoiceStatus.COLLECTED]) == 1
    assert len(by_status[InvoiceStatus.DEFAULTED]) == 2
    assert len(by_status[InvoiceStatus.PAID]) == 2  # one awaiting collection, one bought on a second chance
    collected = by_status[InvoiceStatus.COLLECTED][0]
    asset = collected.award.lot.assets.get()
    assert asset.status == AssetStatus.SOLD
    assert collected.handover.identity_checked
    assert any(i.award.lot_id == d.award.lot_id for i in by_status[InvoiceStatus.PAID]
               for d in by_status[InvoiceStatus.DEFAULTED])  # the second-chance sale
    assert SecondChanceOffer.objects.filter(lot__auction=auction, status=OfferStatus.OPEN).count() == 1
    escrow = sum(p.amount for p in Posting.objects.filter(account__purpose=AccountPurpose.ESCROW,
                                                          entry__source=f"invoice:{collected.pk}"))
    assert escrow < 0  # credited: the net proceeds wait in the case's escrow
    assert ledger_reconcile().ok
    assert "Ledger reconciliation: clean" in output


# ---- the public record: past histories, every public stage, what became of the assets ----------


def test_the_public_record_shows_every_public_stage_from_several_countries_and_years(demo):
    """Given the demo, the public record has assets confiscated, sold early, sold after confiscation,
    assigned for social reuse and for public use, returned abroad and destroyed, from at least five
    countries of origin and three years; restrained and seized assets stay in the register only."""
    from cms.statistics import stage_expression, year_expression
    from custody.models import DispositionMethod
    from custody.selectors import public_assets

    public = public_assets().annotate(stage=stage_expression(), year=year_expression())
    assert set(public.values_list("stage", flat=True)) >= {"confiscated", "sold", "assigned", "returned",
                                                            "destroyed"}
    assert public.filter(status=AssetStatus.SOLD).exists()  # sold early, proceeds in escrow
    assert public.filter(status=AssetStatus.DISPOSED, disposition_method=DispositionMethod.SALE).exists()
    assert public.filter(disposition_method=DispositionMethod.SOCIAL_REUSE).exists()
    assert public.filter(disposition_method=DispositionMethod.PUBLIC_USE).exists()
    assert len(set(public.values_list("case__country_of_origin", flat=True))) >= 5
    assert len(set(public.values_list("year", flat=True))) >= 3
    held = Asset.objects.filter(status__in=[AssetStatus.RESTRAINED, AssetStatus.IN_CUSTODY])
    assert held.exists() and not held.filter(pk__in=public.values("pk")).exists()


def test_every_public_asset_has_a_live_page(demo):
    from cms.models import AssetPage
    from custody.selectors import public_assets

    public = set(public_assets().values_list("pk", flat=True))
    assert public == set(AssetPage.objects.filter(live=True).values_list("asset_id", flat=True))


def test_histories_happened_in_the_past_and_in_order(demo):
    """No custody entry in the future; each asset's entries in time order, registered first; its
    confiscation and its last change of state are those of its log; every order cited was issued
    before the step that cites it; and cases did not all happen today."""
    from custody.models import CustodyEvent, CustodyEventKind

    started, _out = demo
    assert not CustodyEvent.objects.filter(at__gt=timezone.now()).exists()
    wrong = []
    for asset in Asset.objects.prefetch_related("custody_events__order"):
        events = sorted(asset.custody_events.all(), key=lambda e: e.seq)
        times = [e.at for e in events]
        if times != sorted(times) or abs(times[0] - asset.created_at) > datetime.timedelta(seconds=5):
            wrong.append(f"{asset.reference}: log out of order")
        changes = [e for e in events if e.kind == CustodyEventKind.STATUS_CHANGE]
        if abs(changes[-1].at - asset.status_changed_at) > datetime.timedelta(seconds=5):
            wrong.append(f"{asset.reference}: status changed {asset.status_changed_at}, log {changes[-1].at}")
        confiscation = next((e.at for e in changes if e.transition == "confiscate"), None)
        if confiscation != asset.confiscated_at and not (
                confiscation and abs(confiscation - asset.confiscated_at) < datetime.timedelta(seconds=5)):
            wrong.append(f"{asset.reference}: confiscated {asset.confiscated_at}, log {confiscation}")
        for e in changes:
            if e.order is not None and e.order.issued_on > timezone.localtime(e.at).date():
                wrong.append(f"{asset.reference}: {e.transition} on {e.at:%Y-%m-%d} cites an order of "
                             f"{e.order.issued_on}")
    assert wrong == []
    confiscated_years = {a.confiscated_at.year for a in Asset.objects.exclude(confiscated_at=None)}
    assert len(confiscated_years) >= 3
    seized = Asset.objects.filter(custody_events__to_state=AssetStatus.IN_CUSTODY).distinct()
    assert seized.filter(custody_events__at__lt=started - datetime.timedelta(days=180)).exists()


def test_appraisals_are_dated_at_seizure(demo):
    """An asset's value at seizure was appraised after it was seized and before it was confiscated."""
    from valuation.models import Appraisal, AppraisalStatus

    wrong = []
    for appraisal in Appraisal.objects.filter(status=AppraisalStatus.APPROVED).select_related("asset"):
        asset = appraisal.asset
        seized = asset.custody_events.filter(to_state=AssetStatus.IN_CUSTODY).order_by("seq").first()
        if seized and appraisal.value_date < timezone.localtime(seized.at).date():
            wrong.append(f"{asset.reference}: valued {appraisal.value_date}, seized {seized.at:%Y-%m-%d}")
        if asset.confiscated_at and appraisal.value_date > timezone.localtime(asset.confiscated_at).date():
            wrong.append(f"{asset.reference}: valued {appraisal.value_date}, confiscated {asset.confiscated_at}")
        if appraisal.reviewed_at > timezone.now() or appraisal.reviewed_at < appraisal.created_at:
            wrong.append(f"{asset.reference}: approved {appraisal.reviewed_at}")
    assert wrong == []


def test_executed_dispositions_have_projects_and_monitoring_reports(demo):
    """Every reuse or public-use decision being monitored has its project and at least one report;
    decisions were approved by someone other than their proposer, after the asset's confiscation."""
    from disposition.models import (
        BeneficiaryKind,
        DecisionKind,
        DecisionStatus,
        DispositionDecision,
        ReusePhoto,
    )

    decisions = DispositionDecision.objects.select_related("asset", "project")
    given = decisions.filter(kind__in=[DecisionKind.SOCIAL_REUSE, DecisionKind.PUBLIC_USE],
                             status__in=[DecisionStatus.MONITORING, DecisionStatus.COMPLETED])
    assert given.filter(kind=DecisionKind.SOCIAL_REUSE).count() >= 2
    assert given.filter(kind=DecisionKind.PUBLIC_USE, beneficiary__kind=BeneficiaryKind.PUBLIC_BODY).exists()
    for decision in given:
        assert decision.project.reports.exists(), decision
        assert decision.beneficiary.public
    assert ReusePhoto.objects.filter(report__isnull=False).exists()
    assessments = set(given.values_list("project__reports__assessment", flat=True))
    assert {"in_use", "partly_used"} <= assessments
    for decision in decisions.exclude(approved_by=None):
        assert decision.approved_by_id != decision.proposed_by_id
        assert decision.proposed_at <= decision.approved_at <= timezone.now()
        if decision.executed_at:
            assert decision.approved_at <= decision.executed_at
        if decision.asset_id:
            assert decision.asset.confiscated_at <= decision.proposed_at
    assert set(decisions.exclude(executed_at=None).values_list("kind", flat=True)) == set(DecisionKind.values)


def test_a_failed_reuse_was_revoked_and_proposed_anew(demo):
    from disposition.models import DecisionStatus, DispositionDecision

    revoked = DispositionDecision.objects.get(status=DecisionStatus.REVOKED)
    report = revoked.project.reports.get()
    assert report.assessment == "unused" and report.reasons_unused == ["occupation"]
    assert "Unused" in revoked.revocation_reason  # cites the failing report
    assert revoked.revoked_at.date() > report.date
    again = DispositionDecision.objects.get(previous=revoked)
    assert again.status == DecisionStatus.PROPOSED and again.asset_id == revoked.asset_id
    assert again.asset.status == AssetStatus.AWAITING_DISPOSITION


def test_proceeds_went_to_victims_in_part_and_a_call_for_projects_is_open(demo):
    from disposition.models import CallForProjects, CallStatus, DecisionKind, DispositionDecision
    from disposition.services.allocations import decision_money

    victims = DispositionDecision.objects.get(kind=DecisionKind.VICTIM_COMPENSATION)
    money = decision_money(victims)
    assert money.allocated == money.amount and 0 < money.paid < money.amount
    call = CallForProjects.objects.get(status=CallStatus.OPEN)
    assert call.deadline > timezone.now()
    assert call.applications.count() >= 3
    assert not call.applications.filter(score=None).exists()


def test_a_return_agreement_and_an_mou_are_published_with_their_cases(demo):
    from cms.models import DocumentKind, PublishedDocument
    from disposition.models import DecisionKind, DispositionDecision

    returned = DispositionDecision.objects.get(kind=DecisionKind.FOREIGN_RETURN, asset__isnull=False)
    assert returned.order.order_type == "return" and returned.asset.status == AssetStatus.RETURNED
    agreement = PublishedDocument.objects.get(kind=DocumentKind.RETURN_AGREEMENT, publishable=True)
    assert list(agreement.cases.all()) == [returned.asset.case]
    mou = PublishedDocument.objects.get(kind=DocumentKind.MEMORANDUM, publishable=True)
    villa = DispositionDecision.objects.get(beneficiary__name="Municipality of Mechelen")
    assert list(mou.cases.all()) == [villa.asset.case]


def test_claims_are_shown_in_every_state_under_a_published_notice(demo, client):
    from disposition.models import Claim, ClaimStatus, NoticeStatus, PublicNotice

    notice = PublicNotice.objects.get(status=NoticeStatus.PUBLISHED)
    assert notice.open_for_claims and client.get(f"/notices/{notice.pk}/").status_code == 200
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert Claim.objects.filter(outcome="denied").exists() and Claim.objects.filter(channel="online").exists()
    assert all(c.filed_at < (c.decided_at or timezone.now()) for c in Claim.objects.all())


def test_the_ledger_reconciles_clean_after_seeding(demo):
    from ledger.reconciliation import ledger_reconcile

    report = ledger_reconcile()
    assert report.ok, report.mismatches


def test_a_consultation_on_the_shop_was_answered_and_its_page_names_no_commenter(demo, client):
    from disposition.models import CommentStatus, Consultation, ConsultationStatus

    consultation = Consultation.objects.get()
    assert consultation.status == ConsultationStatus.RESPONDED and consultation.decision.previous_id
    statuses = sorted(consultation.comments.values_list("status", flat=True))
    assert statuses == sorted([CommentStatus.PUBLISHED] * 2 + [CommentStatus.REJECTED, CommentStatus.UNCONFIRMED])
    assert sorted(consultation.versions.values_list("kind", "number")) == [
        ("proposal", 1), ("proposal", 2), ("response", 1), ("response", 2)]
    page = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert "Contribution 2" in page and "training kitchen" in page
    assert "Demo Commenter" not in page and "commenter1@example.org" not in page and "crook" not in page


# ---- the logins asked for a second factor are told, with a key of their own ---------------------


def _demo_keys(output: str) -> dict[str, str]:
    """Each login's key, as the seeding printed it (its otpauth:// URI carries the same)."""
    keys = dict(re.findall(r"^\s+(\w+)\s+key ([A-Z2-7]+)$", output, flags=re.MULTILINE))
    uris = {name: uri for uri, name in re.findall(r"^\s+(otpauth://totp/\S*?%3A(\w+)\?\S*)$", output,
                                                  flags=re.MULTILINE)}
    assert set(uris) == set(keys) and all(f"secret={keys[name]}" in uris[name] for name in keys)
    return keys


def test_the_logins_asked_for_a_second_factor_are_told_their_authenticator_key(demo):
    """Given the demo, each login whose role requires two-factor authentication has a confirmed
    authenticator, whose key the seeding printed (with its otpauth:// URI) for the person trying it."""
    from base64 import b32encode

    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _started, output = demo
    assert "Two-factor authentication" in output
    keys = _demo_keys(output)
    assert set(keys) == {"admin", "finance", "approver", "approver2"}
    for username, key in keys.items():
        device = TOTPDevice.objects.get(user__username=username)
        assert device.confirmed and b32encode(device.bin_key).decode() == key
    officer = get_user_model().objects.get(username="officer")
    assert not TOTPDevice.objects.filter(user=officer).exists()  # not asked, so no key printed


def test_each_seeding_makes_new_authenticator_keys(demo):
    """No key is written in the code: seeding again gives each login another one."""
    from django.db import transaction

    _started, first = demo
    with transaction.atomic():
        out = StringIO()
        call_command("seed_demo", bidders=3, password="demo-test-pass-2026", stdout=out)
        second = _demo_keys(out.getvalue())
        transaction.set_rollback(True)
    first_keys = _demo_keys(first)
    assert first_keys and set(second) == set(first_keys)
    assert all(second[name] != first_keys[name] for name in first_keys)
