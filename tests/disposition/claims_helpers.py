"""Shared makings of the claims tests: a published notice over a confiscated asset, a claimant with a
verified e-mail address, a claim taken to any step of its life cycle, and documents that parse."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from disposition.models import ClaimantAccount
from disposition.services import claims
from tests.factories import UserFactory

CLAIMANT_NAME = "Hortensia Claimwright-Private"
CLAIMANT_EMAIL = "hortensia.private@example.net"
CLAIMANT_ADDRESS = "7 Rue des Réclamants, 1050 Ixelles"


def png(name="receipt.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_pdf(name="fake.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n<script>alert(1)</script>", content_type="application/pdf")


def notice_for(officer, asset, *, days=30, publish=True, title="Notice to third parties: villa on the lake"):
    notice = claims.notice_create(
        actor=officer, case_id=asset.case_id, title=title,
        summary="The court confiscated a villa on the lake. Owners in good faith and victims may claim.",
        how_to_claim="File your claim online with your documents, or send it by post.", asset_ids=[asset.pk],
        claims_until=timezone.now() + datetime.timedelta(days=days))
    if publish:
        claims.notice_publish(actor=officer, notice_id=notice.pk)
    return notice


def claimant(username="hortensia", email=CLAIMANT_EMAIL, verified=True):
    user = UserFactory(username=username, email=email, is_staff=False)
    ClaimantAccount.objects.create(user=user, email_verified_at=timezone.now() if verified else None)
    return user


def file_claim(user, notice, asset, *, claimant_type="victim", amount="5000.00", subject="proceeds", documents=()):
    return claims.claim_file(user=user, notice_id=notice.pk, claimant_type=claimant_type,
                             claimant_name=CLAIMANT_NAME, claimant_address=CLAIMANT_ADDRESS, subject=subject,
                             asset_ids=[asset.pk], basis="Defrauded by the defendant (judgment of 2 May 2025).",
                             amount=amount, currency="EUR", documents=list(documents) or [png()])


def paper_claim(officer, asset, *, claimant_type="victim", amount="5000.00", name=CLAIMANT_NAME):
    return claims.claim_record_paper(actor=officer, case_id=asset.case_id, claimant_type=claimant_type,
                                     claimant_name=name, claimant_address=CLAIMANT_ADDRESS, subject="proceeds",
                                     asset_ids=[asset.pk], basis="Letter received by post.", amount=amount,
                                     currency="EUR")


def to_recommended(claim, officer, *, outcome="granted", amount=None):
    claims.claim_start_review(actor=officer, claim_id=claim.pk)
    return claims.claim_recommend(actor=officer, claim_id=claim.pk, outcome=outcome, amount=amount,
                                  recommendation="The documents prove the loss.")


def to_decided(claim, officer, approver, *, outcome="granted", amount=None):
    to_recommended(claim, officer, outcome=outcome, amount=amount)
    return claims.claim_decide(actor=approver, claim_id=claim.pk, outcome=outcome, amount=amount,
                               reasons="The loss is proven by the bank statements.")
