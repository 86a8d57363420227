"""The privacy rule of consultations: a commenter's name and e-mail (and a rejected comment, its reason,
the beneficiary's contact) appear on no public page and in no export. Markers are planted in comments
at every stage, then the public site is crawled the way tests/cms/test_public_privacy.py does it: from
"/" and "/consultations/" following every same-site link, plus every open-data resource, the
statistics API and tables, and a search for each marker."""

from __future__ import annotations

from collections import deque

import pytest

from cms import figures, open_data, statistics
from disposition.models import Beneficiary
from disposition.services import consultation as consultations
from tests.cms.test_public_privacy import _links, _text
from tests.disposition.consultation_helpers import comment, consultation_on, end_period, proposed_reuse

pytestmark = pytest.mark.django_db

M = "Zq9"
NAMES = {stage: f"{M}Name{stage.capitalize()} Quillfeather" for stage in ("unconfirmed", "confirmed", "published",
                                                                             "rejected", "answered")}
EMAILS = {stage: f"{M.lower()}{stage}@example.org" for stage in NAMES}
REJECTED_TEXT, REJECTED_REASON = f"{M}RejectedText", f"{M}RejectionReason"
CONTACT = f"{M}Contact Person"
NEVER = [*NAMES.values(), *EMAILS.values(), REJECTED_TEXT, REJECTED_REASON, CONTACT]
MAX_PAGES = 300


@pytest.fixture
def planted(case, case_officer):
    """An open consultation and an answered one, with comments at every stage carrying markers."""
    decision = proposed_reuse(case, case_officer)
    Beneficiary.objects.update(contact_name=CONTACT)
    answered = consultation_on(decision, case_officer, title="Answered consultation")
    published = comment(answered, name=NAMES["answered"], email=EMAILS["answered"], text="Fine by me.")
    consultations.comment_publish(actor=case_officer, comment_id=published.pk)
    end_period(answered)
    consultations.consultation_close(actor=case_officer, consultation_id=answered.pk)
    consultations.consultation_respond(actor=case_officer, consultation_id=answered.pk, text="Our response.")
    second = proposed_reuse(case, case_officer, title="Second villa", ngo=decision.beneficiary)
    current = consultation_on(second, case_officer, title="Open consultation")
    comment(current, name=NAMES["unconfirmed"], email=EMAILS["unconfirmed"], confirm=False)
    comment(current, name=NAMES["confirmed"], email=EMAILS["confirmed"])
    shown = comment(current, name=NAMES["published"], email=EMAILS["published"], text="Published comment")
    consultations.comment_publish(actor=case_officer, comment_id=shown.pk)
    hidden = comment(current, name=NAMES["rejected"], email=EMAILS["rejected"], text=REJECTED_TEXT)
    consultations.comment_reject(actor=case_officer, comment_id=hidden.pk, reason=REJECTED_REASON)
    return {"answered": answered, "open": current}


def test_no_commenter_s_name_or_e_mail_appears_on_any_public_page_or_export(planted, client):
    seen: dict[str, str] = {}
    queue = deque(["/", "/consultations/"])
    while queue and len(seen) < MAX_PAGES:
        address = queue.popleft()
        if address in seen:
            continue
        response = client.get(address)
        assert response.status_code < 500, (address, response.status_code)
        kind = response.get("Content-Type", "")
        text = _text(response) if ("text" in kind or "json" in kind or "svg" in kind) else ""
        seen[address] = text
        if "html" in kind:
            queue.extend(link for link in _links(text, address) if link not in seen)
    extra = [f"/api/v1/open-data/{r.name}.{fmt}" for r in open_data.RESOURCES for fmt in ("csv", "json")]
    extra += ["/api/v1/open-data/datapackage.json", "/api/v1/openapi.json"]
    extra += [f"/api/v1/statistics/?by={by}" for by in statistics.GROUPINGS]
    extra += [f"/statistics/tables/{slug}/" for slug in figures.FIGURES]
    for address in extra:
        response = client.get(address)
        assert response.status_code < 500, address
        seen[address] = _text(response)
    for marker in NEVER:  # what was searched for is echoed back in the search box: leave that out
        response = client.get("/search/", {"q": marker})
        assert response.status_code == 200, marker
        html = _text(response)
        results = html.split('<ol class="search-results">', 1)
        seen[f"/search/?q={marker}"] = results[1].split("</ol>", 1)[0] if len(results) == 2 else ""
    # The crawl read both consultations' pages, with the published comments
    for consultation in planted.values():
        assert f"/consultations/{consultation.pk}/" in seen
    assert "Published comment" in seen[f"/consultations/{planted['open'].pk}/"]
    for address, text in seen.items():
        for marker in NEVER:
            assert marker not in text, f"{marker!r} on {address}"
    assert M not in "".join(seen.values())
