"""The "Disposition" menu of the staff admin: beneficiaries, decisions (approve, execute, revoke,
complete; allocations and their payments), calls for projects and applications, reuse projects and
their monitoring reports. One RecordViewSet each (common.admin); every form saves through
disposition's services (services/decisions.py, allocations.py, calls.py, monitoring.py).

Who may do what is in disposition/roles.py (REUSE_ROLE_PERMISSIONS): case officers propose, allocate,
run calls and record projects; approvers approve (never their own proposal: the button is not offered
and the page says why), execute and revoke; finance pays allocations; custodians and case officers
write monitoring reports; auditors read.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.actions import Action, ActionForm, RequiredReasonForm
from common.admin.columns import DateTimeColumn, DayColumn, MoneyColumn, StatusColumn, YesNoColumn
from common.admin.viewsets import RecordViewSet
from common.dates import validate_past_date
from common.forms import AmountField
from common.money import format_money
from custody.models import Asset, AssetStatus, CourtOrder, OrderType
from custody.validators import open_checked_image

from .models import (
    Allocation,
    Application,
    Assessment,
    Beneficiary,
    CallForProjects,
    CallStatus,
    DecisionStatus,
    DispositionDecision,
    DispositionEvent,
    MonitoringReport,
    PayeeType,
    ReportKind,
    ReuseProject,
    UnusedReason,
)
from .selectors import decisions_with_subject
from .services import allocations, beneficiaries, calls, decisions, monitoring


def _events(subject: str, pk: int):
    return DispositionEvent.objects.filter(subject=subject, object_id=pk).select_related("actor").order_by("at", "pk")


# --------------------------------------------------------------------------------------------
# Beneficiaries
# --------------------------------------------------------------------------------------------


class BeneficiaryViewSet(RecordViewSet):
    model = Beneficiary
    name = "disposition_beneficiaries"
    url_prefix = "disposition/beneficiaries"
    icon = "group"
    menu_label = _("Beneficiaries")
    menu_order = 100
    policy_actions = ("add", "change", "view")
    form_fields = list(beneficiaries.BENEFICIARY_FIELDS)
    create_service = staticmethod(lambda request, form: beneficiaries.beneficiary_create(
        actor=request.user, **{k: form.cleaned_data[k] for k in beneficiaries.BENEFICIARY_FIELDS}))
    update_service = staticmethod(lambda request, form, obj: beneficiaries.beneficiary_update(
        actor=request.user, beneficiary_id=obj.pk,
        **{k: form.cleaned_data[k] for k in beneficiaries.BENEFICIARY_FIELDS}))
    list_filter = ["kind", "sector", "public"]
    search_fields = ["name", "registration_number"]
    list_display = ["name", Column("kind", label=_("Type"), accessor="get_kind_display"),
                    Column("sector", label=_("Sector"), accessor="get_sector_display"),
                    Column("registration_number", label=_("Registration number")),
                    YesNoColumn("public", label=_("Named in public"))]
    inspect_view_fields = list(beneficiaries.BENEFICIARY_FIELDS) + ["created_at"]


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


class DecisionForm(forms.ModelForm):
    amount = AmountField(label=_("Amount of proceeds"), required=False,
                         help_text=_("For a decision over money: leave the asset empty."))

    class Meta:
        model = DispositionDecision
        fields = ["asset", "proceeds_asset", "amount", "currency", "kind", "beneficiary", "recipient_state",
                  "legal_basis", "conditions", "concession_start", "concession_end", "order"]
        widgets = {"concession_start": forms.DateInput(attrs={"type": "date"}),
                   "concession_end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = Asset.objects.filter(
            status__in=[AssetStatus.CONFISCATED, AssetStatus.AWAITING_DISPOSITION]).order_by("reference")
        self.fields["asset"].required = False
        self.fields["proceeds_asset"].queryset = Asset.objects.filter(
            confiscated_at__isnull=False, status=AssetStatus.DISPOSED, disposition_method="sale").order_by("reference")
        self.fields["order"].queryset = CourtOrder.objects.filter(
            order_type__in=[OrderType.RETURN, OrderType.DESTRUCTION]).order_by("-issued_on")

    def _post_clean(self):
        pass  # the service checks the decision (and the database its constraints)


def _propose(request, form) -> DispositionDecision:
    data = form.cleaned_data
    return decisions.decision_propose(
        actor=request.user, kind=data["kind"], legal_basis=data["legal_basis"],
        asset_id=data["asset"].pk if data.get("asset") else None, amount=data.get("amount"),
        currency=data.get("currency") or "",
        proceeds_asset_id=data["proceeds_asset"].pk if data.get("proceeds_asset") else None,
        beneficiary_id=data["beneficiary"].pk if data.get("beneficiary") else None,
        recipient_state=str(data.get("recipient_state") or ""), conditions=data.get("conditions", ""),
        concession_start=data.get("concession_start"), concession_end=data.get("concession_end"),
        order_id=data["order"].pk if data.get("order") else None)


class ExecuteForm(ActionForm):
    order = forms.ModelChoiceField(label=_("Court order cited"), queryset=CourtOrder.objects.none(), required=False,
                                   help_text=_("A return or destruction needs the court's order covering the asset."))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.asset_id:
            self.fields["order"].queryset = CourtOrder.objects.filter(
                case_id=instance.asset.case_id, assets=instance.asset,
                order_type__in=[OrderType.RETURN, OrderType.DESTRUCTION]).order_by("-issued_on")
        else:
            del self.fields["order"]


class AllocateForm(ActionForm):
    payee_type = forms.ChoiceField(label=_("Payee type"), choices=PayeeType.choices)
    payee_name = forms.CharField(label=_("Payee"), max_length=255)
    payee_account = forms.CharField(label=_("Payee's bank account"), max_length=64, required=False)
    beneficiary = forms.ModelChoiceField(label=_("Beneficiary"), queryset=Beneficiary.objects.all(), required=False)
    amount = AmountField(label=_("Amount"))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.currency:
            self.fields["amount"].currency = instance.currency
            trail = allocations.decision_money(instance)
            free = allocations.allocatable(instance)
            if free < trail.unallocated:
                self.fields["amount"].help_text = _(
                    "Still unallocated: %(left)s, of which %(free)s may be allocated while claims are pending.") % {
                    "left": format_money(trail.unallocated, instance.currency),
                    "free": format_money(free, instance.currency)}
            else:
                self.fields["amount"].help_text = _("Still unallocated: %(left)s.") % {
                    "left": format_money(trail.unallocated, instance.currency)}


class ProjectForm(ActionForm):
    purpose = forms.CharField(label=_("Used for"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    people_served = forms.IntegerField(label=_("People served"), min_value=0, initial=0)
    start_date = forms.DateField(label=_("Started"), widget=forms.DateInput(attrs={"type": "date"}))
    report_every_months = forms.IntegerField(label=_("Report every (months)"), min_value=1, initial=12)


def _four_eyes(user, decision) -> str | None:
    return decisions.approve_refusal(user, decision) if decision.status == DecisionStatus.PROPOSED else None


def _is(status):
    return lambda user, decision: decision.status == status


DECISION_ACTIONS = [
    Action(name="approve", label=_("Approve"), permission="disposition.approve_dispositiondecision",
           available=lambda user, d: d.status == DecisionStatus.PROPOSED and _four_eyes(user, d) is None,
           blocked=_four_eyes,
           call=lambda request, d, data: decisions.decision_approve(
               actor=request.user, decision_id=d.pk, expected_status=data.get("expected_status")),
           intro=_("A second person, not the proposer, approves the decision (four eyes)."),
           success=_("Decision approved.")),
    Action(name="execute", label=_("Execute"), permission="disposition.execute_dispositiondecision",
           available=_is(DecisionStatus.APPROVED), form_class=ExecuteForm,
           call=lambda request, d, data: decisions.decision_execute(
               actor=request.user, decision_id=d.pk, order_id=data["order"].pk if data.get("order") else None,
               expected_status=data.get("expected_status")),
           intro=_("The asset moves to its final state in the register, or the money is assigned in the ledger."),
           success=_("Decision executed.")),
    Action(name="allocate", label=_("Allocate to a payee"), permission="disposition.add_allocation",
           available=lambda user, d: allocations.allocate_refusal(d) is None, form_class=AllocateForm,
           call=lambda request, d, data: allocations.allocation_create(
               actor=request.user, decision_id=d.pk, payee_type=data["payee_type"], payee_name=data["payee_name"],
               payee_account=data.get("payee_account", ""), amount=data["amount"],
               beneficiary_id=data["beneficiary"].pk if data.get("beneficiary") else None),
           success=_("Allocated.")),
    Action(name="project", label=_("Record the project"), permission="disposition.add_reuseproject",
           available=lambda user, d: (d.status == DecisionStatus.EXECUTED and d.kind in ("social_reuse", "public_use")
                                      and not hasattr(d, "project")),
           form_class=ProjectForm,
           call=lambda request, d, data: monitoring.project_record(
               actor=request.user, decision_id=d.pk, purpose=data["purpose"], description=data.get("description", ""),
               people_served=data["people_served"], start_date=data["start_date"],
               report_every_months=data["report_every_months"]),
           success=_("Project recorded: the decision is now being monitored.")),
    Action(name="complete", label=_("Complete"), permission="disposition.complete_dispositiondecision",
           available=lambda user, d: d.status in (DecisionStatus.EXECUTED, DecisionStatus.MONITORING)
           and decisions.complete_refusal(d) is None,
           blocked=lambda user, d: decisions.complete_refusal(d),
           call=lambda request, d, data: decisions.decision_complete(
               actor=request.user, decision_id=d.pk, expected_status=data.get("expected_status")),
           success=_("Decision completed.")),
    Action(name="revoke", label=_("Revoke"), permission="disposition.revoke_dispositiondecision",
           available=lambda user, d: d.status in decisions.LIVE_STATES and decisions.revoke_refusal(d) is None,
           form_class=RequiredReasonForm, danger=True,
           call=lambda request, d, data: decisions.decision_revoke(
               actor=request.user, decision_id=d.pk, reason=data["reason"],
               expected_status=data.get("expected_status")),
           intro=_("An asset given for use is taken back and a new proposed decision is opened for it; money "
                   "assigned and not yet paid goes back to the fund."),
           success=_("Decision revoked.")),
]


class DecisionViewSet(RecordViewSet):
    model = DispositionDecision
    name = "disposition_decisions"
    url_prefix = "disposition/decisions"
    icon = "clipboard-list"
    menu_label = _("Decisions")
    menu_order = 200
    policy_actions = ("add", "view")
    queryset = staticmethod(decisions_with_subject)
    actions = DECISION_ACTIONS
    create_service = staticmethod(_propose)
    list_filter = ["status", "kind"]
    search_fields = ["asset__reference", "beneficiary__name", "legal_basis"]
    list_display = ["__str__", StatusColumn(waiting=(DecisionStatus.PROPOSED, DecisionStatus.APPROVED)),
                    Column("beneficiary", label=_("Beneficiary")),
                    MoneyColumn("amount", label=_("Amount"), sort_key="amount"),
                    DateTimeColumn("proposed_at", label=_("Proposed"), sort_key="proposed_at")]
    inspect_view_fields = ["status", "kind", "asset", "proceeds_asset", "amount", "currency", "beneficiary",
                           "recipient_state", "legal_basis", "conditions", "concession_start", "concession_end",
                           "order", "call", "previous", "proposed_by", "proposed_at", "approved_by", "approved_at",
                           "executed_by", "executed_at", "completed_at", "revoked_by", "revoked_at",
                           "revocation_reason"]
    inspect_template_name = "disposition/admin/decision_inspect.html"

    def get_form_class(self, for_update=False):
        return DecisionForm

    def inspect_context(self, request, obj) -> dict:
        context: dict = {"events": _events("decision", obj.pk)}
        if obj.over_proceeds:
            trail = allocations.decision_money(obj)
            context["money"] = {k: format_money(getattr(trail, k), obj.currency)
                                for k in ("amount", "allocated", "unallocated", "paid", "remaining")}
            may_open = request.user.has_perm("disposition.view_allocation")
            context["allocations"] = [
                {"allocation": a, "amount": format_money(a.amount, a.currency),
                 "paid": format_money(allocations.allocation_paid(a), a.currency),
                 "url": reverse("disposition_allocations:inspect", args=[a.pk]) if may_open else ""}
                for a in obj.allocations.order_by("pk")]
        project = ReuseProject.objects.filter(decision=obj).first()
        if project is not None and request.user.has_perm("disposition.view_reuseproject"):
            context["project_url"] = reverse("disposition_projects:inspect", args=[project.pk])
        return context


# --------------------------------------------------------------------------------------------
# Allocations
# --------------------------------------------------------------------------------------------


class PayForm(ActionForm):
    amount = AmountField(label=_("Amount paid"))
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}),
                              validators=[validate_past_date])
    reference = forms.CharField(label=_("Bank reference"), max_length=140)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        if instance is not None:
            self.fields["amount"].currency = instance.currency
            left = instance.amount - allocations.allocation_paid(instance)
            self.fields["amount"].help_text = _("Still to pay: %(left)s.") % {
                "left": format_money(left, instance.currency)}


ALLOCATION_ACTIONS = [
    Action(name="pay", label=_("Record a payment"), permission="disposition.pay_allocation",
           available=lambda user, a: allocations.pay_refusal(a) is None,
           blocked=lambda user, a: allocations.pay_refusal(a), form_class=PayForm,
           call=lambda request, a, data: allocations.allocation_pay(
               actor=request.user, allocation_id=a.pk, amount=data["amount"], paid_on=data["paid_on"],
               reference=data["reference"]),
           intro=_("The payment is posted to the ledger at once (Dr what the decision assigned, Cr the bank)."),
           success=_("Payment recorded and posted.")),
]


class AllocationViewSet(RecordViewSet):
    model = Allocation
    name = "disposition_allocations"
    url_prefix = "disposition/allocations"
    icon = "resubmit"
    menu_label = _("Allocations")
    menu_order = 300
    policy_actions = ("view",)
    queryset = staticmethod(lambda: Allocation.objects.select_related("decision", "beneficiary"))
    actions = ALLOCATION_ACTIONS
    list_filter = ["payee_type", "currency"]
    search_fields = ["payee_name"]
    list_display = ["__str__", Column("decision", label=_("Decision")), Column("payee_name", label=_("Payee")),
                    MoneyColumn("amount", label=_("Allocated"), sort_key="amount"),
                    DateTimeColumn("created_at", label=_("Allocated on"))]
    inspect_view_fields = ["decision", "payee_type", "payee_name", "payee_account", "beneficiary", "amount",
                           "currency", "created_by", "created_at"]
    inspect_template_name = "disposition/admin/allocation_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        paid = allocations.allocation_paid(obj)
        return {"payments": obj.payments.select_related("paid_by", "journal_entry").order_by("pk"),
                "paid": format_money(paid, obj.currency), "left": format_money(obj.amount - paid, obj.currency),
                "decision_url": reverse("disposition_decisions:inspect", args=[obj.decision_id])}


# --------------------------------------------------------------------------------------------
# Calls for projects and applications
# --------------------------------------------------------------------------------------------


class CallForm(forms.ModelForm):
    class Meta:
        model = CallForProjects
        fields = ["title", "description", "assets", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].queryset = Asset.objects.filter(
            status__in=[AssetStatus.CONFISCATED, AssetStatus.AWAITING_DISPOSITION]).order_by("reference")


def _call_fields(form) -> dict:
    return {k: form.cleaned_data[k] for k in ("title", "description", "deadline")} | {
        "assets": list(form.cleaned_data["assets"])}


class ApplicationForm(ActionForm):
    beneficiary = forms.ModelChoiceField(label=_("Applicant"), queryset=Beneficiary.objects.all())
    project_summary = forms.CharField(label=_("Project"), widget=forms.Textarea(attrs={"rows": 4}))
    received_at = forms.DateTimeField(label=_("Received"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class AwardForm(ActionForm):
    application = forms.ModelChoiceField(label=_("Winning application"), queryset=Application.objects.none())

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            self.fields["application"].queryset = instance.applications.select_related("beneficiary")


CALL_ACTIONS = [
    Action(name="open", label=_("Publish"), permission="disposition.run_callforprojects",
           available=lambda user, c: c.status == CallStatus.DRAFT,
           call=lambda request, c, data: calls.call_open(actor=request.user, call_id=c.pk,
                                                         expected_status=data.get("expected_status")),
           intro=_("The call appears on the public list of calls until its deadline."), success=_("Call published.")),
    Action(name="application", label=_("Record an application"), permission="disposition.add_application",
           available=lambda user, c: c.status == CallStatus.OPEN, form_class=ApplicationForm,
           call=lambda request, c, data: calls.application_record(
               actor=request.user, call_id=c.pk, beneficiary_id=data["beneficiary"].pk,
               project_summary=data["project_summary"], received_at=data.get("received_at")),
           success=_("Application recorded.")),
    Action(name="close", label=_("Close"), permission="disposition.run_callforprojects",
           available=lambda user, c: c.status == CallStatus.OPEN and c.deadline <= timezone.now(),
           call=lambda request, c, data: calls.call_close(actor=request.user, call_id=c.pk,
                                                          expected_status=data.get("expected_status")),
           success=_("Call closed: score the applications.")),
    Action(name="award", label=_("Award"), permission=("disposition.run_callforprojects",
                                                        "disposition.add_dispositiondecision"),
           available=lambda user, c: c.status == CallStatus.CLOSED, form_class=AwardForm,
           call=lambda request, c, data: calls.call_award(
               actor=request.user, call_id=c.pk, application_id=data["application"].pk,
               expected_status=data.get("expected_status")),
           intro=_("A proposed social-reuse decision is opened for each asset offered, naming the applicant."),
           success=_("Call awarded: the decisions await approval.")),
]


class CallViewSet(RecordViewSet):
    model = CallForProjects
    name = "disposition_calls"
    url_prefix = "disposition/calls"
    icon = "pick"
    menu_label = _("Calls for projects")
    menu_order = 400
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: CallForProjects.objects.annotate(received=Count("applications")))
    actions = CALL_ACTIONS
    create_service = staticmethod(lambda request, form: calls.call_create(actor=request.user, **_call_fields(form)))
    update_service = staticmethod(lambda request, form, call: calls.call_update(
        actor=request.user, call_id=call.pk, **_call_fields(form)))
    list_filter = ["status"]
    search_fields = ["title"]
    list_display = ["title", StatusColumn(waiting=(CallStatus.CLOSED,)),
                    DateTimeColumn("deadline", label=_("Deadline"), sort_key="deadline"),
                    Column("received", label=_("Applications"), sort_key="received")]
    inspect_view_fields = ["title", "status", "description", "deadline", "winner", "created_by", "opened_at",
                           "closed_at", "awarded_at"]
    inspect_template_name = "disposition/admin/call_inspect.html"

    def get_form_class(self, for_update=False):
        return CallForm

    def inspect_context(self, request, obj) -> dict:
        may_open = request.user.has_perm("disposition.view_application")
        return {"applications": [{"application": a, "url": reverse("disposition_applications:inspect", args=[a.pk])
                                  if may_open else ""}
                                 for a in obj.applications.select_related("beneficiary").order_by("-score", "pk")],
                "assets": obj.assets.order_by("reference"),
                "public_url": reverse("disposition:call", args=[obj.pk]) if obj.status != CallStatus.DRAFT else ""}


class ScoreForm(ActionForm):
    score = forms.DecimalField(label=_("Score (0–100)"), min_value=0, max_value=100, decimal_places=2)
    notes = forms.CharField(label=_("Assessment notes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class ApplicationViewSet(RecordViewSet):
    model = Application
    name = "disposition_applications"
    url_prefix = "disposition/applications"
    icon = "form"
    menu_label = _("Applications")
    menu_order = 500
    policy_actions = ("view",)
    queryset = staticmethod(lambda: Application.objects.select_related("call", "beneficiary"))
    actions = [Action(name="score", label=_("Score"), permission="disposition.change_application",
                      available=lambda user, a: a.call.status in (CallStatus.OPEN, CallStatus.CLOSED),
                      form_class=ScoreForm, status_field="pk",
                      call=lambda request, a, data: calls.application_score(
                          actor=request.user, application_id=a.pk, score=data["score"], notes=data.get("notes", "")),
                      success=_("Application scored."))]
    list_filter = ["call"]
    search_fields = ["beneficiary__name", "call__title"]
    list_display = ["__str__", Column("score", label=_("Score"), sort_key="score"),
                    DateTimeColumn("received_at", label=_("Received"), sort_key="received_at")]
    inspect_view_fields = ["call", "beneficiary", "project_summary", "received_at", "score", "notes", "scored_by",
                           "scored_at", "recorded_by"]


# --------------------------------------------------------------------------------------------
# Projects and monitoring reports
# --------------------------------------------------------------------------------------------


class ReportForm(ActionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                           validators=[validate_past_date])
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    assessment = forms.ChoiceField(label=_("Assessment"), choices=Assessment.choices)
    reasons_unused = forms.MultipleChoiceField(label=_("Reasons it stands unused"), choices=UnusedReason.choices,
                                               required=False, widget=forms.CheckboxSelectMultiple)
    publishable = forms.BooleanField(label=_("May be published"), required=False)
    photo = forms.FileField(label=_("Photo (site visit)"), required=False)

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            open_checked_image(upload)
            upload.seek(0)
        return upload


class PhotoForm(ActionForm):
    image = forms.FileField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        open_checked_image(upload)
        upload.seek(0)
        return upload


def _monitored(user, project) -> bool:
    return project.decision.status == DecisionStatus.MONITORING


PROJECT_ACTIONS = [
    Action(name="report", label=_("Write a monitoring report"), permission="disposition.add_monitoringreport",
           available=_monitored, form_class=ReportForm, multipart=True, status_field="next_report_due",
           call=lambda request, p, data: monitoring.report_write(
               actor=request.user, project_id=p.pk, kind=data["kind"], date=data["date"], findings=data["findings"],
               assessment=data["assessment"], reasons_unused=data.get("reasons_unused") or [],
               publishable=data.get("publishable", False), photos=[data["photo"]] if data.get("photo") else []),
           success=_("Report recorded.")),
    Action(name="photo", label=_("Add a photo"), permission="disposition.add_reusephoto",
           form_class=PhotoForm, multipart=True, status_field="next_report_due",
           call=lambda request, p, data: monitoring.project_photo_add(
               actor=request.user, project_id=p.pk, upload=data["image"], caption=data.get("caption", "")),
           success=_("Photo added.")),
]


class ProjectViewSet(RecordViewSet):
    model = ReuseProject
    name = "disposition_projects"
    url_prefix = "disposition/projects"
    icon = "home"
    menu_label = _("Reuse projects")
    menu_order = 600
    policy_actions = ("view",)
    queryset = staticmethod(lambda: ReuseProject.objects.select_related("decision__asset", "decision__beneficiary"))
    actions = PROJECT_ACTIONS
    search_fields = ["purpose"]
    list_display = ["purpose", Column("decision", label=_("Decision")),
                    Column("people_served", label=_("People served"), sort_key="people_served"),
                    DayColumn("next_report_due", label=_("Next report due"), sort_key="next_report_due")]
    inspect_view_fields = ["decision", "purpose", "description", "people_served", "start_date", "report_every_months",
                           "next_report_due", "created_by", "created_at"]
    inspect_template_name = "disposition/admin/project_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        return {"reports": obj.reports.select_related("written_by").order_by("-date", "-pk"),
                "photos": obj.photos.count(),
                "decision_url": reverse("disposition_decisions:inspect", args=[obj.decision_id])}


class MonitoringReportViewSet(RecordViewSet):
    model = MonitoringReport
    name = "disposition_reports"
    url_prefix = "disposition/monitoring-reports"
    icon = "view"
    menu_label = _("Monitoring reports")
    menu_order = 700
    policy_actions = ("view",)
    queryset = staticmethod(lambda: MonitoringReport.objects.select_related("project__decision", "written_by"))
    list_filter = ["assessment", "kind", "publishable"]
    search_fields = ["findings", "project__purpose"]
    list_display = ["__str__", Column("project", label=_("Project")),
                    DayColumn("date", label=_("Date"), sort_key="date"),
                    YesNoColumn("publishable", label=_("May be published"))]
    inspect_view_fields = ["project", "kind", "date", "assessment", "reasons_unused", "findings", "publishable",
                           "written_by", "written_at"]
    inspect_template_name = "disposition/admin/report_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        decision = obj.project.decision
        failing = obj.failing and decision.status in decisions.LIVE_STATES
        return {"decision_url": reverse("disposition_decisions:inspect", args=[decision.pk]),
                "revoke_url": reverse("disposition_decisions:action_revoke", args=[decision.pk])
                if failing and request.user.has_perm("disposition.revoke_dispositiondecision") else ""}


class DispositionGroup(ViewSetGroup):
    menu_label = _("Disposition")
    menu_name = "disposition"  # not the label's slug, which follows the first request's language
    menu_icon = "home"
    menu_order = 270
    items = (BeneficiaryViewSet, DecisionViewSet, AllocationViewSet, CallViewSet, ApplicationViewSet,
             ProjectViewSet, MonitoringReportViewSet)

