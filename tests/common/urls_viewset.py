"""The site's URLs plus a RecordViewSet on case parties whose forms and deletions go through
stand-in services, for tests/common/test_admin_viewset_services.py."""

from django.core.exceptions import ValidationError
from django.urls import include, path

from common.admin.viewsets import RecordViewSet
from common.exceptions import TransitionRefused
from config.urls import urlpatterns as site_urlpatterns
from custody.models import Party

CALLS: list[tuple[str, str]] = []


def create_party(request, form):
    if form.cleaned_data["name"] == "Refused":
        raise ValidationError("The register refuses this name.")
    CALLS.append(("create", form.cleaned_data["name"]))
    return Party.objects.create(**form.cleaned_data)


def remove_party(request, party):
    if party.name == "Protected":
        raise TransitionRefused("A party of an open case stays.")
    CALLS.append(("delete", party.name))
    party.delete()


class PartyViewSet(RecordViewSet):
    model = Party
    name = "kit_parties"
    url_prefix = "kit/parties"
    policy_actions = ("add", "delete", "view")
    form_fields = ["case", "role", "name"]
    list_display = ["name"]
    create_service = create_party
    delete_service = remove_party


viewset = PartyViewSet()

urlpatterns = [
    path("kit/parties/", include((viewset.get_urlpatterns(), viewset.name), namespace=viewset.name)),
    *site_urlpatterns,
]
