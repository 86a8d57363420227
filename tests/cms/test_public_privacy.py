"""The privacy crawl: unique markers planted in every personal field of records that reach every public
stage (parties, bidder profile, invoice buyer, handover, beneficiary contact, allocation payee,
monitoring notes not published, application notes, court-order internal fields), then the public
site read the way a visitor or a scraper would: breadth-first from "/" (and /fr/, /es/) following
every same-site link, plus every open-data resource, the statistics API for each grouping, the data
package, every statistics table and a search for each marker. No marker may appear, and no page may
fail. Being a crawl, it reads pages added later without being edited."""

from __future__ import annotations

import datetime
import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from django.core.files.base import ContentFile

from auctions.models import BidderProfile
from cms import figures, open_data, statistics
from cms.record import public_record_sync
from custody import services as custody_services
from custody.models import CourtOrder, Party
from disposition.models import Application, Beneficiary, CallForProjects, Handover, Invoice, MonitoringReport
from tests.auctions.factories import make_bidder
from tests.cms import statistics_data

pytestmark = pytest.mark.django_db

finance_pair = statistics_data.finance_pair
record = statistics_data.record
dispositions = statistics_data.dispositions

M = "Qx7"  # every marker starts so, and appears nowhere else
MARKERS = {
    "party_name": f"{M}PartyName Vexley", "party_id": f"{M}PARTYID4471", "party_address": f"{M} Party Lane 9",
    "party_email": f"{M.lower()}party@example.org", "party_claim": f"{M}ClaimText",
    "bidder_name": f"{M}Bidder Hollowmere", "bidder_address": f"{M} Bidder Road 3", "bidder_id": f"{M}BIDID8812",
    "buyer_name": f"{M}Buyer Garage", "buyer_address": f"{M} Buyer Street 5",
    "collected_by": f"{M}Collector Brannigan", "handover_id": f"{M}HANDOVERID55",
    "handover_notes": f"{M}HandoverNotes",
    "contact_name": f"{M}Contact Ottoline", "contact_email": f"{M.lower()}contact@example.org",
    "contact_address": f"{M} Contact Avenue 1",
    "payee_name": f"{M}Payee Victim", "payee_account": f"{M}IBAN0001",
    "report_notes": f"{M}UnpublishedFindings", "application_notes": f"{M}ApplicationNotes",
    "order_reference": f"{M}-ORDER-REF", "order_summary": f"{M}OrderSummary",
    "hidden_beneficiary": f"{M}Hidden Body",
    "claimant_name": f"{M}Claimant Ravensworth", "claimant_email": f"{M.lower()}claimant@example.org",
    "claimant_address": f"{M} Claimant Close 4", "claim_basis": f"{M}ClaimBasis",
}
BIRTH = datetime.date(1957, 3, 29)
BIRTH_FORMS = ["1957-03-29", "29/03/1957", "29.03.1957", "3/29/1957", "29 March 1957", "March 29, 1957"]
PHONE_FORMS = ["+32 470 99 88 71", "+32470998871", "0470 99 88 71", "470998871"]
NEVER = [*MARKERS.values(), *BIRTH_FORMS, *PHONE_FORMS, "Jane Victim-Private", "Marta Contact-Privata",
         "marta.private@example.org", statistics_data.PRIVATE_BENEFICIARY]

SKIP = ("/admin", "/django-admin", "/static/", "/media/", "/documents/", "/images/", "/account", "/accounts",
        "/logout", "/login", "/staff", "/cms-admin")
MAX_PAGES = 500


@pytest.fixture
def planted(dispositions, case_officer, approver, custodian, auction_manager):
    """Given the record and its decisions (assets at every public stage), every personal field filled
    with a marker."""
    record = dispositions.record
    cases = {a.case for a in record.assets.values()} | {dispositions.villa.case}
    for case in cases:
        for role in ("owner", "defendant", "third_party"):
            custody_services.party_add(
                actor=case_officer, case=case, role=role, name=MARKERS["party_name"],
                identity_number=MARKERS["party_id"], address=MARKERS["party_address"], email=MARKERS["party_email"],
                claim_description=MARKERS["party_claim"], date_of_birth=BIRTH)
        order = CourtOrder.objects.filter(case=case).first()
        CourtOrder.objects.filter(pk=order.pk).update(reference=MARKERS["order_reference"],
                                                      summary=MARKERS["order_summary"], publishable=False)
    bidder = make_bidder(reviewer=auction_manager, legal_name=MARKERS["bidder_name"], id_number=MARKERS["bidder_id"],
                         date_of_birth=BIRTH)
    BidderProfile.objects.filter(user=bidder).update(address=MARKERS["bidder_address"], phone=PHONE_FORMS[1])
    invoice = Invoice.objects.get(direct_sale__asset=record.assets["sold"])
    Invoice.objects.filter(pk=invoice.pk).update(buyer_name=MARKERS["buyer_name"],
                                                 buyer_address=MARKERS["buyer_address"])
    Handover.objects.create(
        invoice=invoice, recorded_by=custodian, collected_by=MARKERS["collected_by"], identity_checked=True,
        id_document_type="passport", id_document_number=MARKERS["handover_id"], condition="good",
        image=ContentFile(b"\xff\xd8\xff\xd9", name="signature.jpg"), notes=MARKERS["handover_notes"])
    Beneficiary.objects.update(contact_name=MARKERS["contact_name"], contact_email=MARKERS["contact_email"],
                               contact_address=MARKERS["contact_address"], contact_phone=PHONE_FORMS[1])
    Beneficiary.objects.filter(public=False).update(name=MARKERS["hidden_beneficiary"])
    from disposition.models import Allocation

    Allocation.objects.update(payee_name=MARKERS["payee_name"], payee_account=MARKERS["payee_account"])
    MonitoringReport.objects.filter(publishable=False).update(findings=MARKERS["report_notes"])
    call = CallForProjects.objects.create(title="Call for the lake villa", description="Projects for the villa",
                                          deadline=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
                                          created_by=case_officer)
    Application.objects.create(call=call, beneficiary=Beneficiary.objects.filter(public=True).first(),
                               project_summary="A youth centre", notes=MARKERS["application_notes"],
                               recorded_by=case_officer)
    _planted_claim(dispositions.villa, case_officer)
    public_record_sync()
    assert Party.objects.filter(name=MARKERS["party_name"]).count() == 3 * len(cases)
    return dispositions


def _planted_claim(asset, case_officer) -> None:
    """A published notice over the asset (public: /notices/) and a claim on it, its personal fields marked."""
    from disposition.services import claims
    from tests.disposition.claims_helpers import notice_for

    notice = notice_for(case_officer, asset)
    claims.claim_record_paper(actor=case_officer, case_id=asset.case_id, notice_id=notice.pk, claimant_type="victim",
                              claimant_name=MARKERS["claimant_name"], claimant_email=MARKERS["claimant_email"],
                              claimant_address=MARKERS["claimant_address"], subject="proceeds",
                              asset_ids=[asset.pk], basis=MARKERS["claim_basis"], amount="1234.00", currency="EUR")


def _links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'(?:href|src|action)="([^"]+)"', html):
        href = urldefrag(urljoin(base, href.replace("&amp;", "&")))[0]
        parts = urlparse(href)
        if parts.scheme in ("http", "https") and parts.netloc not in ("testserver", ""):
            continue
        if parts.scheme not in ("", "http", "https"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIP):
            found.append(path)
    return found


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_no_marker_of_personal_data_appears_anywhere_on_the_public_site(planted, client):
    # When the public site is crawled breadth-first from its home pages in each language
    seen: dict[str, str] = {}
    # (and the notices to third parties, which the home page links to only when an editor adds them to the menu)
    queue = deque(["/", "/fr/", "/es/", "/notices/"])
    while queue and len(seen) < MAX_PAGES:
        address = queue.popleft()
        if address in seen:
            continue
        response = client.get(address)
        assert response.status_code < 500, (address, response.status_code)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(_links(f'href="{response["Location"]}"', address)[0] if _links(
                f'href="{response["Location"]}"', address) else "/")
            seen[address] = ""
            continue
        kind = response.get("Content-Type", "")
        text = _text(response) if ("text" in kind or "json" in kind or "svg" in kind) else ""
        seen[address] = text
        if "html" in kind:
            queue.extend(link for link in _links(text, address) if link not in seen)
    # plus every open-data resource, the statistics API, the data package and every table's download
    extra = [f"/api/v1/open-data/{r.name}.{fmt}" for r in open_data.RESOURCES for fmt in ("csv", "json")]
    extra += ["/api/v1/open-data/datapackage.json", "/api/v1/openapi.json"]
    extra += [f"/api/v1/statistics/?by={by}" for by in statistics.GROUPINGS]
    extra += [f"/statistics/tables/{slug}/" for slug in figures.FIGURES]
    for address in extra:
        response = client.get(address)
        assert response.status_code == 200, address
        seen[address] = _text(response)
    # Then the crawl reached the record's pages in every language and every kind of public page
    crawled = set(seen)
    assert any(a.startswith("/assets/") and a != "/assets/" and "?" not in a for a in crawled), sorted(crawled)[:50]
    assert "/statistics/" in crawled and "/statistics/data-dictionary/" in crawled
    assert any(a.startswith("/notices/") and a != "/notices/" for a in crawled)
    assert any(a.startswith("/fr/") for a in crawled) and any(a.startswith("/es/") for a in crawled)
    # And no marker is anywhere
    for address, text in seen.items():
        for marker in NEVER:
            assert marker not in text, f"{marker!r} on {address}"
    assert M not in "".join(seen.values())


def test_searching_for_a_marker_finds_nothing(planted, client):
    for marker in NEVER:
        response = client.get("/search/", {"q": marker})
        assert response.status_code == 200, marker
        html = response.content.decode()
        # what was searched for is echoed back in the search box: look at the results only
        results = html.split('<ol class="search-results">', 1)
        if len(results) == 2:
            html = results[1].split("</ol>", 1)[0]
        else:
            html = html.replace(marker, "").replace(marker.replace(" ", "+"), "")
        for other in NEVER:
            assert other not in html, f"{other!r} when searching for {marker!r}"
