"""The site's URLs plus one action view of the admin kit on cases, for tests/common."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import path, reverse

from common.admin.actions import Action, ActionView, ReasonForm
from common.admin.responses import refuse_with_403
from common.exceptions import TransitionRefused
from config.urls import urlpatterns as site_urlpatterns
from custody.models import Case

CALLS: list[tuple[int, dict]] = []


class CloseForm(ReasonForm):
    closing_number = forms.IntegerField(required=False)


def close_case(request, case, data):
    if data["reason"] == "refuse":
        raise TransitionRefused("The court has not ruled yet.")
    if data["reason"] == "invalid":
        raise ValidationError({"closing_number": "This number is taken."})
    CALLS.append((case.pk, data))
    Case.objects.filter(pk=case.pk).update(status="closed")


CLOSE = Action(
    name="close", label="Close the case", call=close_case, permission="custody.change_case",
    available=lambda user, case: case.status != "closed",
    blocked=lambda user, case: "Already closed." if case.status == "closed" else None,
    form_class=CloseForm, success=lambda case: f"{case.reference} is now {case.get_status_display()}.",
)

urlpatterns = [
    path("kit/cases/<int:pk>/close/", refuse_with_403(ActionView.as_view(
        model=Case, action=CLOSE, record_url=lambda case: reverse("custody_case_detail", args=[case.pk]))),
        name="kit_case_close"),
    *site_urlpatterns,
]
