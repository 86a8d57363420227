"""The admin kit's choice of rows per page for listings (common.admin.pagination)."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.common.urls_pagination")]


@pytest.fixture
def cases(db):
    return [CaseFactory(reference=f"KIT-{i:02d}", status="trial" if i % 2 else "appeal") for i in range(12)]


def test_the_reader_chooses_the_rows_per_page_among_the_choices(client, cases, auditor):
    client.force_login(auditor)
    url = reverse("kit_cases:index")
    response = client.get(url, {"per_page": 5, "p": 3})
    assert len(response.context["object_list"]) == 2 and "Page 3 of 3" in response.content.decode()
    assert len(client.get(url, {"per_page": 10}).context["object_list"]) == 10


@pytest.mark.parametrize("asked", ["7", "x", "-5", ""])
def test_any_other_value_falls_back_to_the_viewsets_page_size(client, cases, auditor, asked):
    client.force_login(auditor)
    response = client.get(reverse("kit_cases:index"), {"per_page": asked})
    assert response.status_code == 200 and len(response.context["object_list"]) == 10


def test_the_choices_are_offered_keeping_the_filters_and_starting_at_the_first_page(client, cases, auditor):
    client.force_login(auditor)
    index = reverse("kit_cases:index")
    html = client.get(reverse("kit_cases:index_results"), {"per_page": 5, "p": 2, "status": "trial"}).content.decode()
    offered = html.split("data-per-page", 1)[1]
    assert '<strong aria-current="true">5</strong>' in offered
    assert f'href="{index}?per_page=10&amp;status=trial"' in offered  # the filter kept, page 1
    assert "p=2" not in offered
