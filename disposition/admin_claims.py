"""The "Claims" menu of the staff admin: public notices (draft, publish, close) and claims (record a
paper claim; review, ask for more information, resume, recommend, decide, record a request for
reconsideration, pay). One RecordViewSet each (common.admin); every form saves through
disposition/services/claims.py.

Who may do what is in disposition/roles.py (CLAIMS_ROLE_PERMISSIONS): case officers draft and
publish notices, record paper claims, review and recommend; approvers decide (never a claim they
recommended: the button is not offered and the page says why); finance pays granted claims, in
payment order; auditors read. The claimant's documents are downloaded by staff who may view them.
"""

from __future__ import annotations

import datetime

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.actions import Action, ActionForm, ReasonForm
from common.admin.columns import DateTimeColumn, MoneyColumn, StatusColumn
from common.admin.responses import refuse_with_403, require_perms
from common.admin.viewsets import RecordViewSet
from common.forms import AmountField
from custody.models import Asset, Case
from custody.views import _file_response

from .models import (
    Claim,
    ClaimantType,
    ClaimDocument,
    ClaimOutcome,
    ClaimStatus,
    ClaimSubject,
    DispositionEvent,
    NoticeStatus,
    PublicNotice,
)
from .services import claims
from .views_claims import DocumentsField


def _events(subject: str, pk: int):
    return DispositionEvent.objects.filter(subject=subject, object_id=pk).select_related("actor").order_by("at", "pk")


def _date_time(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **kwargs)


# --------------------------------------------------------------------------------------------
# Public notices
# --------------------------------------------------------------------------------------------


class NoticeForm(forms.ModelForm):
    class Meta:
        model = PublicNotice
        fields = ["case", "title", "summary", "how_to_claim", "assets", "claims_until"]
        widgets = {"claims_until": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.order_by("reference")
        self.fields["assets"].queryset = Asset.objects.select_related("case").order_by("reference")
        if self.instance.pk:
            self.fields["case"].disabled = True

    def _post_clean(self):
        pass  # the service checks the notice


def _notice_fields(form) -> dict:
    data = form.cleaned_data
    return {"title": data["title"], "summary": data["summary"], "how_to_claim": data["how_to_claim"],
            "asset_ids": [a.pk for a in data["assets"]], "claims_until": data["claims_until"]}


NOTICE_ACTIONS = [
    Action(name="publish", label=_("Publish"), permission="disposition.publish_publicnotice",
           available=lambda user, n: n.status == NoticeStatus.DRAFT,
           call=lambda request, n, data: claims.notice_publish(actor=request.user, notice_id=n.pk,
                                                               expected_status=data.get("expected_status")),
           intro=_("The notice appears on the public site at /notices/: everything in it is public."),
           success=_("Notice published.")),
    Action(name="close", label=_("Close"), permission="disposition.publish_publicnotice",
           available=lambda user, n: n.status == NoticeStatus.PUBLISHED, form_class=ReasonForm, danger=True,
           call=lambda request, n, data: claims.notice_close(actor=request.user, notice_id=n.pk,
                                                             reason=data.get("reason", ""),
                                                             expected_status=data.get("expected_status")),
           intro=_("The notice stays on the site, marked closed, and takes no more claims."),
           success=_("Notice closed.")),
]


class NoticeViewSet(RecordViewSet):
    model = PublicNotice
    name = "disposition_notices"
    url_prefix = "claims/notices"
    icon = "info-circle"
    menu_label = _("Public notices")
    menu_order = 100
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: PublicNotice.objects.select_related("case"))
    actions = NOTICE_ACTIONS
    create_service = staticmethod(lambda request, form: claims.notice_create(
        actor=request.user, case_id=form.cleaned_data["case"].pk, **_notice_fields(form)))
    update_service = staticmethod(lambda request, form, notice: claims.notice_update(
        actor=request.user, notice_id=notice.pk, **_notice_fields(form)))
    list_filter = ["status"]
    search_fields = ["title", "case__reference"]
    list_display = ["title", Column("case", label=_("Case")), StatusColumn(waiting=(NoticeStatus.DRAFT,)),
                    DateTimeColumn("claims_until", label=_("Claims until"), sort_key="claims_until")]
    inspect_view_fields = ["case", "title", "status", "summary", "how_to_claim", "claims_until", "created_by",
                           "created_at", "published_at", "closed_at"]
    inspect_template_name = "disposition/admin/notice_inspect.html"

    def get_form_class(self, for_update=False):
        return NoticeForm

    def inspect_context(self, request, obj) -> dict:
        may_open = request.user.has_perm("disposition.view_claim")
        return {"events": _events("notice", obj.pk), "assets": obj.assets.order_by("reference"),
                "claims": [{"claim": c, "url": reverse("disposition_claims:inspect", args=[c.pk]) if may_open else ""}
                           for c in obj.claims.order_by("filed_at", "pk")] if may_open else [],
                "public_url": reverse("disposition:notice", args=[obj.pk]) if obj.status != NoticeStatus.DRAFT
                else ""}


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------


class PaperClaimForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.order_by("reference"))
    notice = forms.ModelChoiceField(label=_("In answer to the notice"), required=False,
                                    queryset=PublicNotice.objects.exclude(status=NoticeStatus.DRAFT))
    claimant_type = forms.ChoiceField(label=_("Claimant"), choices=ClaimantType.choices)
    claimant_name = forms.CharField(label=_("Claimant's name"), max_length=255)
    claimant_email = forms.EmailField(label=_("Claimant's e-mail"), required=False)
    claimant_address = forms.CharField(label=_("Claimant's address"), widget=forms.Textarea(attrs={"rows": 3}),
                                       required=False)
    subject = forms.ChoiceField(label=_("Claim on"), choices=ClaimSubject.choices)
    assets = forms.ModelMultipleChoiceField(label=_("Assets claimed"),
                                            queryset=Asset.objects.select_related("case").order_by("reference"))
    basis = forms.CharField(label=_("Basis of the claim"), widget=forms.Textarea(attrs={"rows": 4}))
    amount = AmountField(label=_("Amount claimed"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    filed_at = _date_time(label=_("Received"), required=False, help_text=_("Empty: now."))
    documents = DocumentsField(label=_("Scans of the documents"), required=False,
                               help_text=_("PDF, PNG or JPEG files."))

    def __init__(self, *args, instance=None, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)

    # (what a ModelViewSet's create view expects of its form)
    instance = None

    def save(self, commit=True):  # pragma: no cover - the service saves
        raise NotImplementedError


def _record_paper(request, form) -> Claim:
    data = form.cleaned_data
    return claims.claim_record_paper(
        actor=request.user, case_id=data["case"].pk, notice_id=data["notice"].pk if data.get("notice") else None,
        claimant_type=data["claimant_type"], claimant_name=data["claimant_name"],
        claimant_email=data.get("claimant_email", ""), claimant_address=data.get("claimant_address", ""),
        subject=data["subject"], asset_ids=[a.pk for a in data["assets"]], basis=data["basis"],
        amount=data["amount"], currency=(data["currency"] or "").upper(), filed_at=data.get("filed_at"),
        documents=data.get("documents") or [])


class DeficiencyForm(ActionForm):
    request = forms.CharField(label=_("What is missing"), widget=forms.Textarea(attrs={"rows": 4}))
    answer_by = _date_time(label=_("Answer by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer_by"].initial = (timezone.localtime() + datetime.timedelta(
            days=claims.DEFICIENCY_DEFAULT_DAYS)).replace(second=0, microsecond=0)


class OutcomeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ClaimOutcome.choices)
    amount = AmountField(label=_("Amount granted"), required=False,
                         help_text=_("Granted: empty for the amount claimed. Partly granted: less than claimed."))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            self.fields["amount"].currency = instance.currency


class RecommendForm(OutcomeForm):
    recommendation = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(OutcomeForm):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.recommended_outcome:
            self.fields["outcome"].initial = instance.recommended_outcome
            self.fields["amount"].initial = instance.recommended_amount


class ReconsiderForm(ActionForm):
    grounds = forms.CharField(label=_("Grounds given by the claimant"), widget=forms.Textarea(attrs={"rows": 4}))


class PayClaimForm(ActionForm):
    reference = forms.CharField(label=_("Bank reference"), max_length=140)


def _is(*states):
    return lambda user, claim: claim.status in states


def _decide_blocked(user, claim) -> str | None:
    return claims.decide_refusal(user, claim) if claim.status == ClaimStatus.RECOMMENDED else None


def _pay_blocked(user, claim) -> str | None:
    return claims.pay_refusal(claim) if claim.status == ClaimStatus.DECIDED and claim.granted else None


def _resume_blocked(user, claim) -> str | None:
    deficiency = claims.open_deficiency(claim) if claim.status == ClaimStatus.INFO_REQUESTED else None
    if deficiency is not None and timezone.now() <= deficiency.answer_by:
        return str(_("The claimant has until %(date)s to answer.") % {
            "date": timezone.localtime(deficiency.answer_by).strftime("%Y-%m-%d %H:%M")})
    return None


CLAIM_ACTIONS = [
    Action(name="review", label=_("Start the review"), permission="disposition.review_claim",
           available=_is(ClaimStatus.FILED), form_class=ReasonForm,
           call=lambda request, c, data: claims.claim_start_review(
               actor=request.user, claim_id=c.pk, note=data.get("reason", ""),
               expected_status=data.get("expected_status")),
           success=_("The claim is under review.")),
    Action(name="request_information", label=_("Ask for more information"), permission="disposition.review_claim",
           available=_is(ClaimStatus.UNDER_REVIEW), form_class=DeficiencyForm,
           call=lambda request, c, data: claims.claim_request_information(
               actor=request.user, claim_id=c.pk, request=data["request"], answer_by=data["answer_by"],
               expected_status=data.get("expected_status")),
           intro=_("A deficiency notice: the claimant is told by e-mail and answers on the site by the deadline."),
           success=_("Deficiency notice sent.")),
    Action(name="resume", label=_("Resume the review"), permission="disposition.review_claim",
           available=lambda user, c: c.status == ClaimStatus.INFO_REQUESTED and _resume_blocked(user, c) is None,
           blocked=_resume_blocked, form_class=ReasonForm,
           call=lambda request, c, data: claims.claim_resume_review(
               actor=request.user, claim_id=c.pk, note=data.get("reason", ""),
               expected_status=data.get("expected_status")),
           intro=_("The deadline passed without an answer: the review goes on with what the claim holds."),
           success=_("The review goes on.")),
    Action(name="recommend", label=_("Recommend"), permission="disposition.review_claim",
           available=_is(ClaimStatus.UNDER_REVIEW), form_class=RecommendForm,
           call=lambda request, c, data: claims.claim_recommend(
               actor=request.user, claim_id=c.pk, outcome=data["outcome"], amount=data.get("amount"),
               recommendation=data["recommendation"], expected_status=data.get("expected_status")),
           intro=_("Another person, an approver, decides on your recommendation (four eyes)."),
           success=_("Recommendation recorded: an approver decides.")),
    Action(name="decide", label=_("Decide"), permission="disposition.decide_claim",
           available=lambda user, c: c.status == ClaimStatus.RECOMMENDED and _decide_blocked(user, c) is None,
           blocked=_decide_blocked, form_class=DecideForm,
           call=lambda request, c, data: claims.claim_decide(
               actor=request.user, claim_id=c.pk, outcome=data["outcome"], amount=data.get("amount"),
               reasons=data["reasons"], expected_status=data.get("expected_status")),
           intro=_("The claimant is told the decision and its reasons, and may ask for reconsideration within "
                   "%(days)s days.") % {"days": claims.RECONSIDERATION_DAYS},
           success=_("Claim decided.")),
    Action(name="reconsider", label=_("Record a request for reconsideration"), permission="disposition.review_claim",
           available=lambda user, c: claims.reconsider_refusal(c) is None, form_class=ReconsiderForm,
           call=lambda request, c, data: claims.claim_reconsider(
               actor=request.user, claim_id=c.pk, grounds=data["grounds"],
               expected_status=data.get("expected_status")),
           intro=_("A request received on paper, within the time allowed: the claim is reviewed again."),
           success=_("The claim is back under review.")),
    Action(name="pay", label=_("Pay"), permission="disposition.pay_claim",
           available=lambda user, c: c.status == ClaimStatus.DECIDED and c.granted and claims.pay_refusal(c) is None,
           blocked=_pay_blocked, form_class=PayClaimForm,
           call=lambda request, c, data: claims.claim_pay(
               actor=request.user, claim_id=c.pk, reference=data["reference"],
               expected_status=data.get("expected_status")),
           intro=_("The amount granted is transferred from the confiscated-proceeds fund to the claimant (posted to "
                   "the ledger at once)."),
           success=_("Claim paid.")),
]


def claim_document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim's supporting document, as a download. Who: disposition.view_claimdocument."""
    require_perms(request, "disposition.view_claimdocument")
    document = get_object_or_404(ClaimDocument, pk=pk)
    name = document.file.name.rsplit("/", 1)[-1]
    return _file_response(document.file, "application/octet-stream", attachment_name=name, cache="private, no-store")


class ClaimViewSet(RecordViewSet):
    model = Claim
    name = "disposition_claims"
    url_prefix = "claims/claims"
    icon = "form"
    menu_label = _("Claims")
    menu_order = 200
    policy_actions = ("add", "view")
    queryset = staticmethod(lambda: Claim.objects.select_related("case", "notice", "account__user"))
    actions = CLAIM_ACTIONS
    create_service = staticmethod(_record_paper)
    list_filter = ["status", "claimant_type", "outcome", "channel"]
    search_fields = ["claimant_name", "case__reference", "basis"]
    list_display = ["__str__", Column("claimant_name", label=_("Claimant")),
                    Column("claimant_type", label=_("Type"), accessor="get_claimant_type_display"),
                    StatusColumn(waiting=(ClaimStatus.FILED, ClaimStatus.RECOMMENDED)),
                    MoneyColumn("amount_claimed", label=_("Claimed"), sort_key="amount_claimed"),
                    DateTimeColumn("filed_at", label=_("Filed"), sort_key="filed_at")]
    inspect_view_fields = ["status", "case", "notice", "channel", "claimant_type", "claimant_name", "claimant_email",
                           "claimant_address", "subject", "basis", "amount_claimed", "currency", "filed_at",
                           "recorded_by", "recommended_outcome", "recommended_amount", "recommendation",
                           "recommended_by", "recommended_at", "outcome", "amount_granted", "reasons", "decided_by",
                           "decided_at", "reconsider_until", "reconsideration_requested_at",
                           "reconsideration_grounds", "paid_at", "paid_by", "payment_reference"]
    inspect_template_name = "disposition/admin/claim_inspect.html"

    def get_form_class(self, for_update=False):
        return PaperClaimForm

    def inspect_context(self, request, obj) -> dict:
        may_download = request.user.has_perm("disposition.view_claimdocument")
        return {
            "events": _events("claim", obj.pk), "assets": obj.assets.order_by("reference"),
            "deficiencies": obj.deficiencies.select_related("sent_by").order_by("sent_at"),
            "documents": [{"document": d, "url": reverse(self.get_url_name("document"), args=[d.pk])
                           if may_download else ""} for d in obj.documents.order_by("uploaded_at")],
            "priority": claims.claim_payment_order_refusal(obj) if obj.status == ClaimStatus.DECIDED and obj.granted
            else None,
        }

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("document/<int:pk>/", refuse_with_403(claim_document_download), name="document")]


class ClaimsGroup(ViewSetGroup):
    menu_label = _("Claims")
    menu_name = "claims"  # not the label's slug, which follows the first request's language
    menu_icon = "form"
    menu_order = 275
    items = (NoticeViewSet, ClaimViewSet)
