"""The "Cooperation" menu of the staff admin: requests sent and received, foreign orders registered
here, assets frozen abroad, sharing and return agreements (one RecordViewSet each, common.admin),
and two pages: the yearly report per counterpart state (with its CSV) and the status map of assets
frozen abroad. Every form saves through services/cooperation.py.

Who may do what is in disposition/roles.py (COOPERATION_ROLE_PERMISSIONS): case officers record and
follow requests, foreign orders, assets frozen abroad and agreements; approvers record an
agreement's signature and close it; finance pays the transfers under it; auditors read. The report
and the map are for whoever may read requests (view_cooperationrequest) and assets frozen abroad
(view_assetfrozenabroad).
"""

from __future__ import annotations

from django import forms
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from common.admin.actions import Action, ActionForm, RequiredReasonForm
from common.admin.columns import DayColumn, MoneyColumn, StatusColumn, YesNoColumn
from common.admin.responses import refuse_with_403
from common.admin.viewsets import RecordViewSet
from common.dates import validate_past_date
from common.forms import AmountField, CurrencyFormField
from common.money import format_money
from custody.models import AssetCategory
from custody.models import Case as CustodyCase

from . import views_cooperation
from .models import (
    AgreementStatus,
    AssetFrozenAbroad,
    CheckKind,
    CooperationRequest,
    Direction,
    DispositionEvent,
    ForeignOrder,
    ForeignOrderStatus,
    ForeignStage,
    RequestStatus,
    SharingAgreement,
)
from .models.cooperation import LIVE_FOREIGN_STAGES, PENDING_REQUEST_STATES
from .services import cooperation


def _events(subject: str, pk: int):
    return DispositionEvent.objects.filter(subject=subject, object_id=pk).select_related("actor").order_by("at", "pk")


def _day(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}),
                           validators=[validate_past_date], **kwargs)


class _ServiceModelForm(forms.ModelForm):
    def _post_clean(self):
        pass  # the service checks the record (and the database its constraints)


def _ids(values) -> list[int]:
    return [v.pk for v in values or []]


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------

REQUEST_FIELDS = ["direction", "kind", "counterpart_state", "counterpart_authority", "legal_basis", "treaty",
                  "channel", "reference", "their_reference", "subject", "sent_on", "cases", "assets"]


class RequestForm(_ServiceModelForm):
    class Meta:
        model = CooperationRequest
        fields = REQUEST_FIELDS
        widgets = {"sent_on": forms.DateInput(attrs={"type": "date"})}


def _request_record(request, form) -> CooperationRequest:
    data = form.cleaned_data
    return cooperation.request_record(
        actor=request.user, **{k: data.get(k) for k in REQUEST_FIELDS if k not in ("cases", "assets")},
        case_ids=_ids(data.get("cases")), asset_ids=_ids(data.get("assets")))


class DayForm(ActionForm):
    on = _day(_("On"))


class ReplyForm(ActionForm):
    on = _day(_("On"))
    outcome = forms.CharField(label=_("What was answered"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RefuseRequestForm(ActionForm):
    on = _day(_("On"))
    outcome = forms.CharField(label=_("Reasons for refusal"), widget=forms.Textarea(attrs={"rows": 3}))


def _pending(user, r) -> bool:
    return r.status in PENDING_REQUEST_STATES


REQUEST_PERM = "disposition.handle_cooperationrequest"
REQUEST_ACTIONS = [
    Action(name="acknowledge", label=_("Record the acknowledgement"), permission=REQUEST_PERM,
           available=lambda user, r: r.status == RequestStatus.OPEN, form_class=DayForm,
           call=lambda request, r, data: cooperation.request_acknowledge(
               actor=request.user, request_id=r.pk, on=data["on"], expected_status=data.get("expected_status")),
           success=_("Acknowledgement recorded.")),
    Action(name="answer", label=_("Record the answer"), permission=REQUEST_PERM, available=_pending,
           form_class=ReplyForm,
           call=lambda request, r, data: cooperation.request_reply(
               actor=request.user, request_id=r.pk, refused=False, on=data["on"], outcome=data.get("outcome", ""),
               expected_status=data.get("expected_status")),
           success=_("Answer recorded.")),
    Action(name="refuse", label=_("Record a refusal"), permission=REQUEST_PERM, available=_pending,
           form_class=RefuseRequestForm, danger=True,
           call=lambda request, r, data: cooperation.request_reply(
               actor=request.user, request_id=r.pk, refused=True, on=data["on"], outcome=data["outcome"],
               expected_status=data.get("expected_status")),
           success=_("Refusal recorded.")),
    Action(name="withdraw", label=_("Withdraw"), permission=REQUEST_PERM, available=_pending,
           form_class=RequiredReasonForm, danger=True,
           call=lambda request, r, data: cooperation.request_withdraw(
               actor=request.user, request_id=r.pk, reason=data["reason"],
               expected_status=data.get("expected_status")),
           success=_("Request withdrawn.")),
]


class RequestViewSet(RecordViewSet):
    model = CooperationRequest
    name = "cooperation_requests"
    url_prefix = "cooperation/requests"
    icon = "mail"
    menu_label = _("Requests")
    menu_order = 100
    policy_actions = ("add", "view")
    queryset = staticmethod(lambda: CooperationRequest.objects.all())
    actions = REQUEST_ACTIONS
    create_service = staticmethod(_request_record)
    list_filter = ["direction", "kind", "status", "counterpart_state", "legal_basis"]
    search_fields = ["reference", "their_reference", "counterpart_authority", "subject"]
    list_display = ["reference", Column("direction", label=_("Direction"), accessor="get_direction_display"),
                    Column("kind", label=_("Kind"), accessor="get_kind_display"),
                    Column("counterpart_state", label=_("Counterpart state"), accessor="counterpart_state.name"),
                    StatusColumn(waiting=PENDING_REQUEST_STATES),
                    DayColumn("sent_on", label=_("Sent on"), sort_key="sent_on"),
                    DayColumn("answered_on", label=_("Answered on"), sort_key="answered_on")]
    inspect_view_fields = ["direction", "kind", "status", "counterpart_state", "counterpart_authority",
                           "legal_basis", "treaty", "channel", "reference", "their_reference", "subject", "sent_on",
                           "acknowledged_on", "answered_on", "outcome", "cases", "assets", "created_by",
                           "created_at"]
    inspect_template_name = "disposition/cooperation/admin_inspect.html"

    def get_form_class(self, for_update=False):
        return RequestForm

    def inspect_context(self, request, obj) -> dict:
        days = obj.days_to_answer
        return {"events": _events("request", obj.pk),
                "facts": [(_("Days to answer"), days)] if days is not None else []}


# --------------------------------------------------------------------------------------------
# Foreign orders
# --------------------------------------------------------------------------------------------

ORDER_FIELDS = ["order_type", "issuing_state", "issuing_authority", "foreign_case_reference",
                "foreign_order_reference", "issued_on", "received_on", "case", "request", "summary", "set_aside_days"]


class ForeignOrderForm(_ServiceModelForm):
    class Meta:
        model = ForeignOrder
        fields = ORDER_FIELDS
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}),
                   "received_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = CooperationRequest.objects.filter(direction=Direction.RECEIVED)
        self.fields["case"].queryset = CustodyCase.objects.order_by("reference")


def _order_receive(request, form) -> ForeignOrder:
    data = form.cleaned_data
    values = {k: data.get(k) for k in ORDER_FIELDS if k not in ("case", "request")}
    return cooperation.foreign_order_receive(
        actor=request.user, case_id=data["case"].pk if data.get("case") else None,
        request_id=data["request"].pk if data.get("request") else None, **values)


class ItemForm(ActionForm):
    category = forms.ChoiceField(label=_("Category"), choices=AssetCategory.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    declared_value = AmountField(label=_("Value stated in the order"), required=False)
    currency = CurrencyFormField(label=_("Currency"), required=False)


class CheckForm(ActionForm):
    kind = forms.ChoiceField(label=_("Check"), choices=CheckKind.choices)
    passed = forms.TypedChoiceField(label=_("Outcome"), coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Passed")), ("no", _("Failed"))])
    note = forms.CharField(label=_("What was looked at"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            done = set(instance.checks.values_list("kind", flat=True))
            self.fields["kind"].choices = [c for c in CheckKind.choices if c[0] not in done]


class ServeForm(ActionForm):
    served_on = _day(_("Notice served on"))


class ChallengeForm(ActionForm):
    lodged_on = _day(_("Application lodged on"))
    note = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EnforceForm(ActionForm):
    note = forms.CharField(label=_("Notes (how an application to set aside was decided)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class RefuseOrderForm(ActionForm):
    reasons = forms.CharField(label=_("Reasons for refusal"), widget=forms.Textarea(attrs={"rows": 4}))


def _received(user, order) -> bool:
    return order.status == ForeignOrderStatus.RECEIVED


ORDER_PERM = "disposition.handle_foreignorder"
ORDER_ACTIONS = [
    Action(name="item", label=_("Describe an asset it covers"), permission=ORDER_PERM, available=_received,
           form_class=ItemForm,
           call=lambda request, o, data: cooperation.foreign_order_item_add(
               actor=request.user, order_id=o.pk, category=data["category"], title=data["title"],
               description=data.get("description", ""), declared_value=data.get("declared_value"),
               currency=data.get("currency") or ""),
           success=_("Asset described.")),
    Action(name="check", label=_("Record a check"), permission=ORDER_PERM,
           available=lambda user, o: _received(user, o) and o.checks.count() < len(CheckKind),
           form_class=CheckForm,
           call=lambda request, o, data: cooperation.foreign_order_check(
               actor=request.user, order_id=o.pk, kind=data["kind"], passed=data["passed"], note=data["note"]),
           success=_("Check recorded.")),
    Action(name="register", label=_("Register"), permission=ORDER_PERM,
           available=lambda user, o: cooperation.register_refusal(o) is None,
           blocked=lambda user, o: cooperation.register_refusal(o) if o.status == ForeignOrderStatus.RECEIVED else None,
           call=lambda request, o, data: cooperation.foreign_order_register(
               actor=request.user, order_id=o.pk, expected_status=data.get("expected_status")),
           intro=_("The order is recorded in the register under our case, and each asset it covers is registered "
                   "under it, with the foreign case as its origin."),
           success=_("Order registered: its assets are in the register.")),
    Action(name="serve", label=_("Record the notice served"), permission=ORDER_PERM,
           available=lambda user, o: o.status == ForeignOrderStatus.REGISTERED, form_class=ServeForm,
           call=lambda request, o, data: cooperation.foreign_order_serve_notice(
               actor=request.user, order_id=o.pk, served_on=data["served_on"],
               expected_status=data.get("expected_status")),
           success=_("Notice recorded: the set-aside period runs.")),
    Action(name="challenge", label=_("Record an application to set aside"), permission=ORDER_PERM,
           available=lambda user, o: o.status == ForeignOrderStatus.NOTICE_SERVED, form_class=ChallengeForm,
           call=lambda request, o, data: cooperation.foreign_order_challenge(
               actor=request.user, order_id=o.pk, lodged_on=data["lodged_on"], note=data.get("note", ""),
               expected_status=data.get("expected_status")),
           success=_("Application recorded.")),
    Action(name="enforce", label=_("Declare enforceable"), permission=ORDER_PERM,
           available=lambda user, o: cooperation.enforceable_refusal(o) is None,
           blocked=lambda user, o: cooperation.enforceable_refusal(o)
           if o.status == ForeignOrderStatus.NOTICE_SERVED else None,
           form_class=EnforceForm,
           call=lambda request, o, data: cooperation.foreign_order_enforce(
               actor=request.user, order_id=o.pk, note=data.get("note", ""),
               expected_status=data.get("expected_status")),
           success=_("The order is enforceable.")),
    Action(name="set_aside", label=_("Set aside"), permission=ORDER_PERM,
           available=lambda user, o: o.status == ForeignOrderStatus.CHALLENGED, form_class=RequiredReasonForm,
           danger=True,
           call=lambda request, o, data: cooperation.foreign_order_set_aside(
               actor=request.user, order_id=o.pk, reason=data["reason"], expected_status=data.get("expected_status")),
           success=_("The order is set aside.")),
    Action(name="refuse", label=_("Refuse"), permission=ORDER_PERM,
           available=lambda user, o: o.status in (ForeignOrderStatus.RECEIVED, ForeignOrderStatus.REGISTERED) or (
               o.status == ForeignOrderStatus.NOTICE_SERVED and not o.set_aside_period_over()),
           form_class=RefuseOrderForm, danger=True,
           call=lambda request, o, data: cooperation.foreign_order_refuse(
               actor=request.user, order_id=o.pk, reasons=data["reasons"], expected_status=data.get("expected_status")),
           success=_("The order is refused.")),
]


class ForeignOrderViewSet(RecordViewSet):
    model = ForeignOrder
    name = "cooperation_foreign_orders"
    url_prefix = "cooperation/foreign-orders"
    icon = "doc-full-inverse"
    menu_label = _("Foreign orders")
    menu_order = 200
    policy_actions = ("add", "view")
    queryset = staticmethod(lambda: ForeignOrder.objects.select_related("case", "request", "court_order"))
    actions = ORDER_ACTIONS
    create_service = staticmethod(_order_receive)
    list_filter = ["status", "order_type", "issuing_state"]
    search_fields = ["foreign_order_reference", "foreign_case_reference", "issuing_authority", "case__reference"]
    list_display = ["__str__", StatusColumn(waiting=(ForeignOrderStatus.RECEIVED, ForeignOrderStatus.NOTICE_SERVED)),
                    Column("case", label=_("Our case")),
                    DayColumn("received_on", label=_("Received on"), sort_key="received_on"),
                    DayColumn("set_aside_until", label=_("Set-aside period ends"), sort_key="set_aside_until")]
    inspect_view_fields = ["order_type", "status", "issuing_state", "issuing_authority", "foreign_case_reference",
                           "foreign_order_reference", "issued_on", "received_on", "request", "case", "summary",
                           "set_aside_days", "court_order", "registered_at", "notice_served_on", "set_aside_until",
                           "challenge_lodged_on", "enforceable_at", "refusal_reasons", "created_by", "created_at"]
    inspect_template_name = "disposition/cooperation/admin_inspect.html"

    def get_form_class(self, for_update=False):
        return ForeignOrderForm

    def inspect_context(self, request, obj) -> dict:
        checks = {c.kind: c for c in obj.checks.select_related("checked_by")}
        may_see_assets = request.user.has_perm("custody.view_asset")
        return {
            "events": _events("forder", obj.pk),
            "checks": [{"label": kind.label, "check": checks.get(kind.value)} for kind in CheckKind],
            "items": [{"item": item, "value": format_money(item.declared_value, item.currency)
                       if item.declared_value is not None else "",
                       "url": reverse("custody_asset_detail", args=[item.asset_id])
                       if item.asset_id and may_see_assets else ""}
                      for item in obj.items.select_related("asset")],
        }


# --------------------------------------------------------------------------------------------
# Assets frozen abroad
# --------------------------------------------------------------------------------------------

FROZEN_FIELDS = ["case", "country", "asset_type", "description", "amount", "currency", "frozen_on", "next_step",
                 "blocker", "request", "agreement"]


class FrozenForm(_ServiceModelForm):
    amount = AmountField(label=_("Amount"))

    class Meta:
        model = AssetFrozenAbroad
        fields = FROZEN_FIELDS
        widgets = {"frozen_on": forms.DateInput(attrs={"type": "date"})}


class FrozenEditForm(_ServiceModelForm):
    class Meta:
        model = AssetFrozenAbroad
        fields = ["next_step", "blocker", "agreement"]


def _frozen_record(request, form) -> AssetFrozenAbroad:
    data = form.cleaned_data
    return cooperation.frozen_abroad_record(
        actor=request.user, case_id=data["case"].pk if data.get("case") else None,
        request_id=data["request"].pk if data.get("request") else None,
        agreement_id=data["agreement"].pk if data.get("agreement") else None,
        **{k: data.get(k) for k in FROZEN_FIELDS if k not in ("case", "request", "agreement")})


def _frozen_update(request, form, obj) -> AssetFrozenAbroad:
    data = form.cleaned_data
    return cooperation.frozen_abroad_update(
        actor=request.user, item_id=obj.pk, next_step=data.get("next_step", ""), blocker=data.get("blocker", ""),
        agreement_id=data["agreement"].pk if data.get("agreement") else None)


class StepForm(ActionForm):
    on = _day(_("On (the day it happened there)"))
    note = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=255, required=False)
    blocker = forms.CharField(label=_("What blocks it"), max_length=255, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and not self.is_bound:
            self.initial.update(next_step=instance.next_step, blocker=instance.blocker)


def _frozen_action(name: str, label, sources, success, *, danger: bool = False) -> Action:
    return Action(name=name, label=label, permission="disposition.follow_assetfrozenabroad",
                  available=lambda user, f: f.stage in sources, form_class=StepForm, status_field="stage",
                  danger=danger,
                  call=lambda request, f, data: cooperation.frozen_abroad_step(
                      actor=request.user, item_id=f.pk, step=name, on=data["on"], note=data.get("note", ""),
                      next_step=data.get("next_step", ""), blocker=data.get("blocker", ""),
                      expected_status=data.get("expected_status")),
                  success=success)


FS = ForeignStage
FROZEN_ACTIONS = [
    _frozen_action("start_proceedings", _("Confiscation proceedings started"), (FS.FROZEN,), _("Stage recorded.")),
    _frozen_action("confiscate", _("Confiscated abroad"), (FS.FROZEN, FS.CONFISCATION_PROCEEDINGS),
                   _("Stage recorded.")),
    _frozen_action("negotiate_return", _("Return negotiations opened"), (FS.CONFISCATED,), _("Stage recorded.")),
    _frozen_action("repatriate", _("Returned"), (FS.CONFISCATED, FS.RETURN_NEGOTIATION), _("Stage recorded.")),
    _frozen_action("release", _("Released abroad"), LIVE_FOREIGN_STAGES, _("Stage recorded."), danger=True),
]


class FrozenAbroadViewSet(RecordViewSet):
    model = AssetFrozenAbroad
    name = "cooperation_frozen_abroad"
    url_prefix = "cooperation/frozen-abroad"
    icon = "lock"
    menu_label = _("Assets frozen abroad")
    menu_order = 300
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: AssetFrozenAbroad.objects.select_related("case", "agreement", "request"))
    actions = FROZEN_ACTIONS
    create_service = staticmethod(_frozen_record)
    update_service = staticmethod(_frozen_update)
    list_filter = ["stage", "country", "asset_type"]
    search_fields = ["description", "case__reference", "next_step", "blocker"]
    list_display = ["__str__", Column("case", label=_("Case")),
                    Column("stage", label=_("Stage"), accessor="get_stage_display", sort_key="stage"),
                    MoneyColumn("amount", label=_("Amount"), sort_key="amount"),
                    DayColumn("frozen_on", label=_("Frozen on"), sort_key="frozen_on"),
                    Column("days_frozen", label=_("Days frozen"), accessor="days_frozen"),
                    Column("blocker", label=_("What blocks it"))]
    inspect_view_fields = ["case", "country", "asset_type", "description", "amount", "currency", "frozen_on",
                           "stage", "stage_changed_on", "ended_on", "next_step", "blocker", "request", "agreement",
                           "created_by", "created_at"]
    inspect_template_name = "disposition/cooperation/admin_inspect.html"

    def get_form_class(self, for_update=False):
        return FrozenEditForm if for_update else FrozenForm

    def inspect_context(self, request, obj) -> dict:
        return {"events": _events("frozen", obj.pk), "facts": [(_("Days frozen"), obj.days_frozen())]}


# --------------------------------------------------------------------------------------------
# Agreements
# --------------------------------------------------------------------------------------------


class AgreementForm(_ServiceModelForm):
    class Meta:
        model = SharingAgreement
        fields = list(cooperation.AGREEMENT_FIELDS)


def _agreement_fields(form) -> dict:
    return {k: form.cleaned_data.get(k) for k in cooperation.AGREEMENT_FIELDS}


class ShareForm(ActionForm):
    state = forms.ChoiceField(label=_("State"), choices=lambda: list(countries))
    percent = forms.DecimalField(label=_("Share (%)"), required=False, min_value=0, max_value=100, decimal_places=2)
    amount = AmountField(label=_("or an amount"), required=False)
    currency = CurrencyFormField(label=_("Currency of the amount"), required=False)


class SignForm(ActionForm):
    signed_on = _day(_("Signed on"))


class TransferForm(ActionForm):
    allocation = forms.ModelChoiceField(label=_("Allocation to the state"), queryset=None)
    amount = AmountField(label=_("Amount transferred"))
    paid_on = _day(_("Paid on"))
    reference = forms.CharField(label=_("Bank reference"), max_length=140)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["allocation"].queryset = cooperation.transferable_allocations(instance) \
            if instance is not None else SharingAgreement.objects.none()


AGREEMENT_ACTIONS = [
    Action(name="share", label=_("Set a state's share"), permission="disposition.change_sharingagreement",
           available=lambda user, a: a.status == AgreementStatus.DRAFT, form_class=ShareForm,
           call=lambda request, a, data: cooperation.agreement_share_set(
               actor=request.user, agreement_id=a.pk, state=data["state"], percent=data.get("percent"),
               amount=data.get("amount"), currency=data.get("currency") or ""),
           success=_("Share recorded.")),
    Action(name="sign", label=_("Record the signature"), permission="disposition.sign_sharingagreement",
           available=lambda user, a: a.status == AgreementStatus.DRAFT and cooperation.sign_refusal(a) is None,
           blocked=lambda user, a: cooperation.sign_refusal(a), form_class=SignForm,
           call=lambda request, a, data: cooperation.agreement_sign(
               actor=request.user, agreement_id=a.pk, signed_on=data["signed_on"],
               expected_status=data.get("expected_status")),
           success=_("The agreement is in force.")),
    Action(name="transfer", label=_("Pay a transfer"), permission=("disposition.transfer_sharingagreement",
                                                                    "disposition.pay_allocation"),
           available=lambda user, a: a.status == AgreementStatus.IN_FORCE, form_class=TransferForm,
           call=lambda request, a, data: cooperation.agreement_transfer(
               actor=request.user, agreement_id=a.pk, allocation_id=data["allocation"].pk, amount=data["amount"],
               paid_on=data["paid_on"], reference=data["reference"]),
           success=_("Transfer paid and posted.")),
    Action(name="close", label=_("Close"), permission="disposition.sign_sharingagreement",
           available=lambda user, a: a.status == AgreementStatus.IN_FORCE, form_class=RequiredReasonForm,
           call=lambda request, a, data: cooperation.agreement_close(
               actor=request.user, agreement_id=a.pk, note=data["reason"], expected_status=data.get("expected_status")),
           success=_("Agreement closed.")),
]


class AgreementViewSet(RecordViewSet):
    model = SharingAgreement
    name = "cooperation_agreements"
    url_prefix = "cooperation/agreements"
    icon = "doc-full"
    menu_label = _("Sharing and return agreements")
    menu_order = 400
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: SharingAgreement.objects.prefetch_related("shares"))
    actions = AGREEMENT_ACTIONS
    create_service = staticmethod(lambda request, form: cooperation.agreement_create(
        actor=request.user, **_agreement_fields(form)))
    update_service = staticmethod(lambda request, form, obj: cooperation.agreement_update(
        actor=request.user, agreement_id=obj.pk, **_agreement_fields(form)))
    list_filter = ["status", "kind", "publishable"]
    search_fields = ["title", "legal_basis"]
    list_display = ["title", Column("kind", label=_("Kind"), accessor="get_kind_display"),
                    StatusColumn(waiting=(AgreementStatus.DRAFT,)),
                    DayColumn("signed_on", label=_("Signed on"), sort_key="signed_on"),
                    YesNoColumn("publishable", label=_("May be published"))]
    inspect_view_fields = ["title", "kind", "status", "legal_basis", "case", "conditions_on_use", "monitoring",
                           "signed_on", "publishable", "counterpart_contact", "internal_notes", "created_by",
                           "created_at"]
    inspect_template_name = "disposition/cooperation/admin_inspect.html"

    def get_form_class(self, for_update=False):
        return AgreementForm

    def inspect_context(self, request, obj) -> dict:
        return {"events": _events("agreement", obj.pk),
                "shares": list(obj.shares.all()),
                "transfers": [{"transfer": t, "amount": format_money(t.payment.amount, t.payment.currency)}
                              for t in obj.transfers.select_related("payment").order_by("pk")],
                "public_url": reverse("disposition:agreement", args=[obj.pk])
                if obj.publishable and obj.status != AgreementStatus.DRAFT else ""}


# --------------------------------------------------------------------------------------------
# The yearly report and the status map
# --------------------------------------------------------------------------------------------


class _PermissionMenuItem(MenuItem):
    permission = ""

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class ReportMenuItem(_PermissionMenuItem):
    permission = views_cooperation.REPORT_PERMISSION


class MapMenuItem(_PermissionMenuItem):
    permission = views_cooperation.MAP_PERMISSION


class ReportViewSet(ViewSet):
    name = "cooperation_report"
    url_prefix = "cooperation/report"
    icon = "table"
    menu_label = _("Yearly report")
    menu_order = 500
    menu_item_class = ReportMenuItem

    @cached_property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [path("", refuse_with_403(views_cooperation.YearlyReportView.as_view()), name="index"),
                path("csv/", refuse_with_403(views_cooperation.yearly_report_csv), name="csv")]


class MapViewSet(ViewSet):
    name = "cooperation_map"
    url_prefix = "cooperation/status-map"
    icon = "site"
    menu_label = _("Status map")
    menu_order = 600
    menu_item_class = MapMenuItem

    @cached_property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [path("", refuse_with_403(views_cooperation.StatusMapView.as_view()), name="index")]


class CooperationGroup(ViewSetGroup):
    menu_label = _("Cooperation")
    menu_name = "cooperation"  # not the label's slug, which follows the first request's language
    menu_icon = "globe"
    menu_order = 275
    items = (RequestViewSet, ForeignOrderViewSet, FrozenAbroadViewSet, AgreementViewSet, ReportViewSet, MapViewSet)
