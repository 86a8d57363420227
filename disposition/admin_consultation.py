"""Public consultations in the "Disposition" menu of the staff admin: the consultations (prepare,
publish, revise the proposal, close, respond, revise the response, withdraw) and the moderation queue
of comments (publish, reject with a reason). One RecordViewSet each (common.admin); every form saves
through disposition/services/consultation.py.

Who may do what is in disposition/roles.py (CONSULTATION_ROLE_PERMISSIONS): case officers prepare and
run consultations and moderate comments; approvers and auditors read. Only these roles see a
commenter's name and e-mail (the public never does).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from common.admin.actions import Action, ActionForm, RequiredReasonForm
from common.admin.columns import DateTimeColumn, StatusColumn
from common.admin.viewsets import RecordViewSet
from common.exceptions import DomainError

from .models import (
    CommentStatus,
    Consultation,
    ConsultationComment,
    ConsultationStatus,
    DecisionStatus,
    DispositionDecision,
    DispositionEvent,
)
from .selectors_consultation import proposal_text_default
from .services import consultation as consultations

S = ConsultationStatus
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _events(subject: str, pk: int):
    return DispositionEvent.objects.filter(subject=subject, object_id=pk).select_related("actor").order_by("at", "pk")


# --------------------------------------------------------------------------------------------
# Consultations
# --------------------------------------------------------------------------------------------


class ConsultationForm(forms.ModelForm):
    proposal_text = forms.CharField(
        label=_("The proposal put to the public"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
        help_text=_("Public facts only: never a person's name or contact. Left empty, it is written from the "
                    "decision's public facts (kind, asset, beneficiary's public name, conditions)."))

    class Meta:
        model = Consultation
        fields = ["decision", "title", "opens_at", "closes_at"]
        widgets = {"opens_at": _MOMENT, "closes_at": _MOMENT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "decision" in self.fields:
            self.fields["decision"].queryset = (
                DispositionDecision.objects
                .filter(status=DecisionStatus.PROPOSED, kind__in=consultations.CONSULTED_KINDS)
                .exclude(consultations__status__in=[S.DRAFT, S.OPEN, S.CLOSED, S.RESPONDED])
                .select_related("asset").order_by("-proposed_at"))

    def _post_clean(self):
        pass  # the service checks the consultation (and the database its constraints)


class ConsultationEditForm(ConsultationForm):
    class Meta(ConsultationForm.Meta):
        fields = ["title", "opens_at", "closes_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["proposal_text"]


def _beside_its_field(call):
    """A refusal about one input (DomainError.field) shown beside that field of the form, not on top."""
    try:
        return call()
    except DomainError as exc:
        if exc.field:
            raise ValidationError({exc.field: str(exc)}) from None
        raise


def _create(request, form) -> Consultation:
    data = form.cleaned_data
    decision = data["decision"]
    return _beside_its_field(lambda: consultations.consultation_create(
        actor=request.user, decision_id=decision.pk, title=data["title"], opens_at=data["opens_at"],
        closes_at=data["closes_at"], proposal_text=data.get("proposal_text") or proposal_text_default(decision)))


def _update(request, form, consultation) -> Consultation:
    data = form.cleaned_data
    return _beside_its_field(lambda: consultations.consultation_update(
        actor=request.user, consultation_id=consultation.pk, title=data["title"], opens_at=data["opens_at"],
        closes_at=data["closes_at"]))


class VersionForm(ActionForm):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    note = forms.CharField(label=_("What changed"), max_length=255, required=False,
                           help_text=_("Shown beside the new version; the earlier ones are kept and shown."))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        kind = getattr(self, "version_kind", "proposal")
        if instance is not None:
            current = instance.versions.filter(kind=kind).order_by("-number").first()
            if current is not None:
                self.fields["text"].initial = current.text


class ResponseVersionForm(VersionForm):
    version_kind = "response"


class RespondForm(ActionForm):
    text = forms.CharField(label=_("The agency's response to the points raised"),
                           widget=forms.Textarea(attrs={"rows": 10}))


def _is(status):
    return lambda user, c: c.status == status


CONSULTATION_ACTIONS = [
    Action(name="open", label=_("Publish"), permission="disposition.run_consultation", available=_is(S.DRAFT),
           call=lambda request, c, data: consultations.consultation_open(
               actor=request.user, consultation_id=c.pk, expected_status=data.get("expected_status")),
           intro=_("The consultation appears on /consultations/ and takes comments in its period. Its decision "
                   "cannot be approved until the agency has responded."),
           success=_("Consultation published.")),
    Action(name="revise", label=_("Revise the proposal"), permission="disposition.change_consultation",
           available=lambda user, c: consultations.revise_proposal_refusal(c) is None, form_class=VersionForm,
           call=lambda request, c, data: consultations.consultation_revise_proposal(
               actor=request.user, consultation_id=c.pk, text=data["text"], note=data.get("note", "")),
           success=_("New version of the proposal published.")),
    Action(name="close", label=_("Close"), permission="disposition.run_consultation",
           available=lambda user, c: c.status == S.OPEN and c.closes_at <= timezone.now(),
           call=lambda request, c, data: consultations.consultation_close(
               actor=request.user, consultation_id=c.pk, expected_status=data.get("expected_status")),
           success=_("Consultation closed: moderate the last comments, then respond.")),
    Action(name="respond", label=_("Publish the response"), permission="disposition.run_consultation",
           available=lambda user, c: c.status == S.CLOSED and consultations.respond_refusal(c) is None,
           blocked=lambda user, c: consultations.respond_refusal(c), form_class=RespondForm,
           call=lambda request, c, data: consultations.consultation_respond(
               actor=request.user, consultation_id=c.pk, text=data["text"],
               expected_status=data.get("expected_status")),
           intro=_("Answer the points the published comments raised. Once responded, the decision may be approved."),
           success=_("Response published.")),
    Action(name="revise_response", label=_("Revise the response"), permission="disposition.run_consultation",
           available=_is(S.RESPONDED), form_class=ResponseVersionForm,
           call=lambda request, c, data: consultations.consultation_revise_response(
               actor=request.user, consultation_id=c.pk, text=data["text"], note=data.get("note", "")),
           success=_("New version of the response published.")),
    Action(name="withdraw", label=_("Withdraw"), permission="disposition.run_consultation",
           available=lambda user, c: c.status in (S.DRAFT, S.OPEN, S.CLOSED), form_class=RequiredReasonForm,
           danger=True,
           call=lambda request, c, data: consultations.consultation_withdraw(
               actor=request.user, consultation_id=c.pk, reason=data["reason"],
               expected_status=data.get("expected_status")),
           intro=_("The consultation stops; the reason is shown on its public page."),
           success=_("Consultation withdrawn.")),
]


def _consultations():
    return (Consultation.objects.select_related("decision__asset", "created_by")
            .annotate(awaiting=Count("comments", filter=Q(comments__status=CommentStatus.CONFIRMED))))


class ConsultationViewSet(RecordViewSet):
    model = Consultation
    name = "disposition_consultations"
    url_prefix = "disposition/consultations"
    icon = "comment"
    menu_label = _("Public consultations")
    menu_order = 800
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(_consultations)
    actions = CONSULTATION_ACTIONS
    create_service = staticmethod(_create)
    update_service = staticmethod(_update)
    list_filter = ["status"]
    search_fields = ["title"]
    list_display = ["title", StatusColumn(waiting=(S.CLOSED,)), Column("decision", label=_("Decision")),
                    DateTimeColumn("closes_at", label=_("Comments close"), sort_key="closes_at"),
                    Column("awaiting", label=_("Awaiting moderation"), sort_key="awaiting")]
    inspect_view_fields = ["title", "status", "decision", "opens_at", "closes_at", "created_by", "created_at",
                           "opened_at", "closed_at", "responded_at", "withdrawn_at", "withdrawal_reason"]
    inspect_template_name = "disposition/admin/consultation_inspect.html"

    def get_form_class(self, for_update=False):
        return ConsultationEditForm if for_update else ConsultationForm

    def inspect_context(self, request, obj) -> dict:
        counts = obj.comments.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in CommentStatus.values})
        queue = reverse("disposition_consultation_comments:index")
        return {
            "versions": obj.versions.select_related("written_by").order_by("kind", "-number"),
            "counts": [(CommentStatus(s).label, counts[s], f"{queue}?consultation={obj.pk}&status={s}")
                       for s in CommentStatus.values],
            "may_moderate": request.user.has_perm("disposition.view_consultationcomment"),
            "events": _events("consultation", obj.pk),
            "decision_url": reverse("disposition_decisions:inspect", args=[obj.decision_id])
            if request.user.has_perm("disposition.view_dispositiondecision") else "",
            "public_url": reverse("disposition:consultation", args=[obj.pk]) if obj.status != S.DRAFT else "",
        }


# --------------------------------------------------------------------------------------------
# The moderation queue
# --------------------------------------------------------------------------------------------


COMMENT_ACTIONS = [
    Action(name="publish", label=_("Publish"), permission="disposition.moderate_consultationcomment",
           available=lambda user, c: consultations.moderate_refusal(c) is None,
           blocked=lambda user, c: consultations.moderate_refusal(c) if c.status == CommentStatus.UNCONFIRMED else None,
           call=lambda request, c, data: consultations.comment_publish(
               actor=request.user, comment_id=c.pk, expected_status=data.get("expected_status")),
           intro=_("The text and the position are published under a number; never the name or the e-mail."),
           success=_("Comment published.")),
    Action(name="reject", label=_("Reject"), permission="disposition.moderate_consultationcomment",
           available=lambda user, c: consultations.moderate_refusal(c) is None, form_class=RequiredReasonForm,
           danger=True,
           call=lambda request, c, data: consultations.comment_reject(
               actor=request.user, comment_id=c.pk, reason=data["reason"],
               expected_status=data.get("expected_status")),
           intro=_("The comment is not published. Say why (abusive, off topic, personal data of others...)."),
           success=_("Comment rejected.")),
]


class CommentViewSet(RecordViewSet):
    model = ConsultationComment
    name = "disposition_consultation_comments"
    url_prefix = "disposition/consultation-comments"
    icon = "help"
    menu_label = _("Consultation comments")
    menu_order = 810
    policy_actions = ("view",)
    queryset = staticmethod(lambda: ConsultationComment.objects.select_related("consultation", "moderated_by"))
    actions = COMMENT_ACTIONS
    list_filter = ["status", "consultation", "position"]
    search_fields = ["text"]
    list_display = ["__str__", StatusColumn(waiting=(CommentStatus.CONFIRMED,)),
                    Column("position", label=_("Position"), accessor="get_position_display"),
                    DateTimeColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at")]
    inspect_view_fields = ["consultation", "status", "position", "text", "author_name", "email", "submitted_at",
                           "confirmed_at", "moderated_by", "moderated_at", "rejection_reason", "public_number"]
    inspect_template_name = "disposition/admin/consultation_comment_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        return {"events": _events("comment", obj.pk),
                "consultation_url": reverse("disposition_consultations:inspect", args=[obj.consultation_id])}


VIEWSETS = (ConsultationViewSet, CommentViewSet)


def register() -> None:
    """Add the consultations and the moderation queue to the "Disposition" menu (admin_reuse)."""
    from .admin_reuse import DispositionGroup

    DispositionGroup.items = (*DispositionGroup.items, *VIEWSETS)
