"""The site's URLs plus a record viewset of cases on the admin kit, with a listing action and a
create form saved by a service, for tests/common/test_admin_listings.py."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import include, path

from common.admin.listings import ListingAction, ListingActionsMixin
from common.admin.viewsets import RecordViewSet
from common.exceptions import TransitionRefused
from config.urls import urlpatterns as site_urlpatterns
from custody import services
from custody.models import Case

COUNTED: list[int] = []


def recount(request) -> None:
    """A step that changes nothing (so leaves no entry in the audit trail)."""
    if request.POST.get("refuse"):
        raise TransitionRefused("Not while the court sits.")
    COUNTED.append(Case.objects.count())


def open_case(request, form) -> Case:
    d = form.cleaned_data
    if d["title"] == "refuse":
        raise TransitionRefused("The register is closed today.")
    if d["title"] == "invalid":
        raise ValidationError({"court": "No such court."})
    return services.case_create(actor=request.user, **d)


class KitCaseViewSet(ListingActionsMixin, RecordViewSet):
    model = Case
    name = "kit_cases"
    policy_actions = ("add", "view")
    form_fields = ["reference", "title", "court", "jurisdiction", "legal_basis", "offence_type", "country_of_origin"]
    create_service = staticmethod(open_case)
    list_display = ["reference", "title"]
    listing_actions = [ListingAction(name="recount", label="Recount", call=recount,
                                     success=lambda _: f"{Case.objects.count()} cases counted.",
                                     permission="custody.add_case")]

    def listing_notes(self, request):
        return [f"{Case.objects.count()} cases; {Decimal('1.5')} notes."]


viewset = KitCaseViewSet()

urlpatterns = [
    path("kit-listing/", include((viewset.get_urlpatterns(), viewset.name), namespace=viewset.name)),
    *site_urlpatterns,
]
