"""Demo data for claims of third parties and victims (`disposition.demo.seed` calls `seed`, after the
reuse demo): a fraud case from Namur whose town house and car were confiscated, its public notice
(open for claims), and claims in every state, each step taken by the real services on its day (the
register's travelling clock) by the role that takes it (four eyes: the case officer recommends, an
approver decides; finance pays):

- paid: a leasing company, bona fide owner of the car, partly granted and paid;
- decided: a victim's claim (filed online by the demo claimant) granted and awaiting payment, and a
  creditor's claim denied;
- recommended, more information requested (deadline in the future), under review, filed.

The demo claimant signs in as `claimant` (password `demo-pass-2026`). Idempotent."""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custody.models import OffenceType

from . import demo_reuse
from .models import ClaimantAccount, PublicNotice
from .services import claims
from .services.decisions import proceeds_available

NOTICE_TITLE = "Notice to third parties: town house and car confiscated in the Helios Invest fraud case"
STORY = demo_reuse.Story(
    9, "BE", "State v. Helios Invest SPRL", OffenceType.FRAUD, "2025-01-13", "2025-01-15", "2025-02-10", "2026-09-15",
    [("real_estate", "Town house, Rue Haute 40, Namur", 380_000, "Namur"),
     ("vehicle", "Mercedes E-class estate (2022)", 41_000, "Wallonia")])
PASSWORD = "demo-pass-2026"


def _scan(title: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), title, fill=(20, 20, 20))
    for y in range(100, 760, 24):
        draw.line((40, y, 560, y), fill=(200, 200, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.png", out.getvalue(), content_type="image/png")


def _claimant():
    User = get_user_model()
    user = User.objects.filter(username="claimant").first()
    if user is None:
        user = User.objects.create_user(username="claimant", email="claimant@example.org", password=PASSWORD,
                                        first_name="Demo", last_name="Claimant", is_staff=False)
    ClaimantAccount.objects.update_or_create(user=user, defaults={"email_verified_at": timezone.now()})
    return user


def seed(command, options) -> None:
    u = demo_reuse._users("officer", "approver", "approver2", "finance", "custodian", "valuer")
    if not all(u.values()):
        command.stdout.write("Claims demo skipped: the register's demo logins are missing.")
        return
    if PublicNotice.objects.filter(title=NOTICE_TITLE).exists() or options.get("bulk"):
        return
    demo = demo_reuse._Demo(u, random.Random(options["seed"]))
    with mock.patch.dict(demo_reuse.STORIES, {"claims": STORY}):
        house, car = demo.history("claims")
    officer, approver, finance = u["officer"], u["approver"], u["finance"]
    case_id = house.case_id
    with demo.at("2026-09-21 10:00"):
        notice = claims.notice_create(
            actor=officer, case_id=case_id, title=NOTICE_TITLE,
            summary="By its judgment of 15 September 2026 the Criminal Court of Namur confiscated a town house in "
                    "Namur and a car held by a company used to defraud investors. Before the agency sells them or "
                    "gives them for social reuse, anyone who owns them in good faith or was harmed by the fraud "
                    "may claim them or their proceeds.",
            how_to_claim="File your claim online with your documents (proof of ownership, of the loss, the judgment "
                         "you rely on), or send it by registered post to the agency. Bona fide owners are paid "
                         "first, then victims.",
            asset_ids=[house.pk, car.pk], claims_until=datetime.datetime(2027, 3, 31, 17, 0, tzinfo=datetime.UTC))
        claims.notice_publish(actor=officer, notice_id=notice.pk)
    claimant = _claimant()

    def paper(when: str, **fields):
        with demo.at(when):
            return claims.claim_record_paper(actor=officer, case_id=case_id, notice_id=notice.pk, currency="EUR",
                                             documents=[_scan("Claim received by post")], **fields)

    def online(when: str, **fields):
        with demo.at(when):
            return claims.claim_file(user=claimant, notice_id=notice.pk, currency="EUR",
                                     claimant_address="Rue de Fer 12, 5000 Namur",
                                     documents=[_scan("Bank statement")], **fields)

    def step(when: str, function, **kwargs):
        with demo.at(when):
            return function(**kwargs)

    def review(claim, *, reviewed: str, recommended: str | None = None, outcome: str = "granted", amount=None,
               decided: str | None = None, reasons: str = ""):
        step(reviewed, claims.claim_start_review, actor=officer, claim_id=claim.pk)
        if recommended:
            step(recommended, claims.claim_recommend, actor=officer, claim_id=claim.pk, outcome=outcome, amount=amount,
                 recommendation=reasons)
        if decided:
            step(decided, claims.claim_decide, actor=approver, claim_id=claim.pk, outcome=outcome, amount=amount,
                 reasons=reasons)

    # The car's lessor: bona fide owner, partly granted (the instalments still owed), paid.
    lessor = paper("2026-09-25 11:00", claimant_type="bona_fide_owner", claimant_name="Ardennes Leasing SA",
                   claimant_address="Avenue Prince de Liège 91, 5100 Jambes", subject="proceeds", asset_ids=[car.pk],
                   basis="Lease contract of 3 March 2022: the car belongs to the lessor; 14 instalments unpaid.",
                   amount="18500.00")
    review(lessor, reviewed="2026-09-28", recommended="2026-10-09", outcome="partly_granted", amount="12400.00",
           decided="2026-10-14", reasons="The lease is proven; the residual value is owed, not the penalties.")
    if proceeds_available(currency="EUR") >= Decimal("12400.00"):
        step("2026-10-20 14:00", claims.claim_pay, actor=finance, claim_id=lessor.pk, reference="SEPA-CL-2026-0001")
    # A victim (the demo claimant): granted, awaiting payment after the owner.
    victim = online("2026-09-30 20:15", claimant_type="victim", claimant_name="Demo Claimant", subject="proceeds",
                    asset_ids=[house.pk], basis="Invested 8,000 euros in a fake bond sold by the company "
                                                "(judgment of 15 September 2026, civil interests).",
                    amount="8000.00")
    review(victim, reviewed="2026-10-02", recommended="2026-10-20", decided="2026-10-27",
           reasons="The transfer and the judgment's civil award are proven.")
    # A creditor of the company: denied.
    creditor = paper("2026-10-01 09:40", claimant_type="creditor", claimant_name="Imprimerie Mosane SPRL",
                     subject="proceeds", asset_ids=[house.pk], basis="Unpaid invoices for printed brochures.",
                     amount="25000.00")
    review(creditor, reviewed="2026-10-05", recommended="2026-10-23", outcome="denied", decided="2026-10-30",
           reasons="An ordinary creditor of the company has no claim on confiscated property.")
    # A civil party: recommended, awaiting the decision of an approver.
    civil = paper("2026-10-15 10:00", claimant_type="civil_party", claimant_name="Association of Helios Investors",
                  subject="proceeds", asset_ids=[house.pk], basis="Constituted as civil party for 37 investors.",
                  amount="142000.00")
    review(civil, reviewed="2026-10-19", recommended="2026-11-20", outcome="partly_granted", amount="96000.00",
           reasons="Losses of 31 of the 37 investors are documented.")
    # Another victim online: more information requested, the deadline ahead.
    asked = online("2026-11-05 18:30", claimant_type="victim", claimant_name="Demo Claimant", subject="assets",
                   asset_ids=[house.pk], basis="A deposit of 20,000 euros paid for the town house's purchase.",
                   amount="20000.00")
    review(asked, reviewed="2026-11-10")
    step("2026-11-25 09:00", claims.claim_request_information, actor=officer, claim_id=asked.pk,
         request="Send the signed preliminary sale agreement and the proof of the deposit's transfer.",
         answer_by=timezone.now() + datetime.timedelta(days=21))
    # A foreign state, under review; a victim's claim just filed.
    state = paper("2026-11-15 12:00", claimant_type="foreign_state",
                  claimant_name="Ministry of Justice of the Grand Duchy of Luxembourg", subject="proceeds",
                  asset_ids=[house.pk, car.pk], basis="Request for restitution under UNCAC art. 57(3)(b).",
                  amount="60000.00")
    review(state, reviewed="2026-11-20")
    paper("2026-12-01 10:30", claimant_type="victim", claimant_name="Claire Demoulin", subject="proceeds",
          asset_ids=[house.pk], basis="Lost 3,500 euros to the company's bond scheme.", amount="3500.00")
    command.stdout.write("Claims: a public notice at /notices/ and claims in every state (claimant login: claimant).")
