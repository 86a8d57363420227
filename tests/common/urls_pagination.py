"""The site's URLs plus a RecordViewSet on cases whose listing offers a choice of rows per page,
for tests/common/test_admin_pagination.py."""

from django.urls import include, path

from common.admin.pagination import PerPageMixin
from common.admin.viewsets import RecordIndexView, RecordViewSet
from config.urls import urlpatterns as site_urlpatterns
from custody.models import Case


class CaseIndexView(PerPageMixin, RecordIndexView):
    per_page_choices = (5, 10)


class CaseViewSet(RecordViewSet):
    model = Case
    name = "kit_cases"
    url_prefix = "kit/cases"
    policy_actions = ("view",)
    index_view_class = CaseIndexView
    list_per_page = 10
    list_display = ["reference"]
    list_filter = ["status"]


viewset = CaseViewSet()

urlpatterns = [
    path("kit/cases/", include((viewset.get_urlpatterns(), viewset.name), namespace=viewset.name)),
    *site_urlpatterns,
]
