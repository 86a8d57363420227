"""The public record: which assets the public sees one by one, the facts their pages show, and the
services that keep the asset pages in step with the register.

Every figure is read from the records when a page is served (the register's custody log, the first
approved valuation, the paid invoice or direct sale, the ledger's postings): nothing is copied into a
page, so a page can never disagree with the data. What reaches the public is chosen field by field
here: never a reference, a party, an address, a buyer or a staff member.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from pypdf import PdfReader
from wagtail.models import Site

from auctions.models import LotAsset
from custody.models import (
    FINAL_STATES,
    Asset,
    AssetCategory,
    AssetPhoto,
    AssetStatus,
    CourtOrder,
    CustodyEvent,
    CustodyEventKind,
    DispositionMethod,
    Party,
)
from custody.selectors import public_assets
from disposition.models import Invoice, InvoiceStatus
from ledger.models import AccountPurpose, Posting
from valuation.models import DirectSale, DirectSaleStatus

from . import statistics
from .facets import Facet, FacetedListing, clean_year
from .models import AssetIndexPage, AssetPage, HomePage, PublishedDocument

logger = logging.getLogger(__name__)

S = AssetStatus

# --------------------------------------------------------------------------------------------
# Which assets, in which public stage
# --------------------------------------------------------------------------------------------

# The stages the public record speaks of (the `stage` filter of /assets/ and its links from the
# statistics page). An asset sold early keeps "sold" after its confiscation: the sale was its fate.
STAGES: dict[str, str] = {
    "confiscated": gettext_lazy("Confiscated"),
    "sold": gettext_lazy("Sold"),
    "assigned": gettext_lazy("Assigned for reuse"),
    "returned": gettext_lazy("Returned to another state"),
    "destroyed": gettext_lazy("Destroyed"),
    "lost": gettext_lazy("Lost or damaged"),
}


def stage_of(asset: Asset) -> str:
    if asset.status == S.SOLD or (asset.status == S.DISPOSED and asset.disposition_method == DispositionMethod.SALE):
        return "sold"
    return {S.DISPOSED: "assigned", S.RETURNED: "returned", S.DESTROYED: "destroyed",
            S.LOST: "lost"}.get(asset.status, "confiscated")


def public_record_assets() -> QuerySet[Asset]:
    """The assets with a public page: `custody.selectors.public_assets()`, the definition the
    statistics and the open data share."""
    return public_assets()


def asset_is_public(*, asset_id: int) -> bool:
    return public_record_assets().filter(pk=asset_id).exists()


def _with_stage_and_year(qs: QuerySet[Asset]) -> QuerySet[Asset]:
    # The stage, and the year an asset entered the public record (its confiscation, or its early sale,
    # in the agency's time zone): the statistics' own definitions, so that their drill-downs agree.
    return qs.annotate(stage=statistics.stage_expression(), record_year=statistics.year_expression())


# --------------------------------------------------------------------------------------------
# The asset index (/assets/)
# --------------------------------------------------------------------------------------------

PAGE_SIZE = 25
# The filters of /assets/ and the lookup each makes (the statistics page links to these names).
LOOKUPS = {"stage": "stage", "category": "category", "country": "case__country_of_origin", "year": "record_year"}


def _clean_filters(params: QueryDict) -> dict[str, str | int]:
    """The filters asked for that mean something; an unknown value is ignored, never a 500."""
    found: dict[str, str | int] = {}
    stage = (params.get("stage") or "").strip()
    if stage in STAGES:
        found["stage"] = stage
    category = (params.get("category") or "").strip()
    if category in AssetCategory.values:
        found["category"] = category
    country = (params.get("country") or "").strip().upper()
    if country and country in countries:
        found["country"] = country
    if (year := clean_year(params)) is not None:
        found["year"] = year
    return found


def asset_index_rows() -> QuerySet[Asset]:
    """The public assets that have a live page, newest in the record first, with what the listing shows."""
    return (_with_stage_and_year(public_record_assets())
            .filter(public_page__live=True)
            .select_related("case", "public_page")
            .only("id", "category", "status", "disposition_method", "public_area", "confiscated_at",
                  "status_changed_at", "case__id", "case__country_of_origin",
                  "public_page__id", "public_page__title", "public_page__slug")
            .order_by("-record_year", "-id"))


def asset_index_context(*, index_page: AssetIndexPage, params: QueryDict) -> dict:
    """The listing of /assets/ for the filters in `params`: one page of rows and, for each filter, the
    count of assets behind each of its values (given the other filters)."""
    listing = FacetedListing(base=asset_index_rows(), lookups=LOOKUPS, filters=_clean_filters(params))
    paginator = Paginator(listing.rows(), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    index_url = index_page.url or "/assets/"
    for asset in page.object_list:
        asset.page_url = f"{index_url}{asset.public_page.slug}/"
        asset.stage_label = STAGES.get(asset.stage, "")
        asset.country_name = countries.name(asset.case.country_of_origin) if asset.case.country_of_origin else ""

    country_counts, year_counts = listing.counts("country"), listing.counts("year")
    facets = [
        Facet("stage", _("Stage"), listing.options("stage", listing.counts("stage"), STAGES.items())),
        Facet("category", _("Category"), listing.options("category", listing.counts("category"),
                                                          AssetCategory.choices)),
        Facet("country", _("Country of origin"),
              listing.options("country", country_counts,
                              sorted(((code, countries.name(code)) for code in country_counts if code),
                                     key=lambda c: c[1]))),
        Facet("year", _("Year"), listing.options("year", year_counts,
                                                 [(year, str(year)) for year in sorted(year_counts, reverse=True)
                                                  if year])),
    ]
    return {"assets": page, "paginator": paginator, "facets": facets, "filters": listing.filters,
            "total": paginator.count, "filter_query": listing.query()}


# --------------------------------------------------------------------------------------------
# The facts on an asset's page
# --------------------------------------------------------------------------------------------

KEY_DATES = {
    "restrain": gettext_lazy("Restrained"),
    "seize": gettext_lazy("Seized"),
    "confiscate": gettext_lazy("Confiscated"),
    "record_sale": gettext_lazy("Sold"),
    "dispose": gettext_lazy("Assigned"),
    "return_to_state": gettext_lazy("Returned to another state"),
    "destroy": gettext_lazy("Destroyed"),
}

# Where the money of an asset stands, by the ledger account it sits on (credit balances).
MONEY_DESTINATIONS = {
    AccountPurpose.ESCROW: gettext_lazy("Held in escrow until the court's final decision"),
    AccountPurpose.STATE_PROCEEDS: gettext_lazy("Paid to the State's fund of confiscated proceeds"),
    AccountPurpose.OWNER_REFUND: gettext_lazy("Returned to the owner"),
    AccountPurpose.SALE_COSTS: gettext_lazy("Costs of the sale, recovered from the price"),
    AccountPurpose.VAT_PAYABLE: gettext_lazy("VAT on the sale"),
    AccountPurpose.PREMIUM_INCOME: gettext_lazy("Buyer's premium"),
}


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass
class AssetFacts:
    asset: Asset
    stage: str
    stage_label: str
    category: str
    area: str
    country: str
    country_code: str
    key_dates: list[tuple[str, dt.datetime]]
    stage_days: list[tuple[str, int, bool]]  # (stage label, days, still in it)
    value_at_seizure: Money | None
    value_source: str
    sale_price: Money | None
    management_costs: list[Money]
    money_went: list[tuple[str, Money]]
    photos: list[AssetPhoto]
    orders: list[CourtOrder]
    documents: list[PublishedDocument]
    # The decision, beneficiary, project, monitoring reports and money allocated out of the asset's
    # proceeds (cms.dispositions.asset_disposition), or None before a decision is approved.
    disposition: dict | None = None


def _stage_days(events: list[tuple[str, dt.datetime]], now: dt.datetime) -> list[tuple[str, int, bool]]:
    """Days spent in each state, from the custody log's status changes (the first is the
    registration; a state entered twice counts both stays); the current state counts until now,
    unless it is final."""
    totals: dict[str, dt.timedelta] = {}
    state, since = None, None
    for to_state, at in events:
        if state is not None:
            totals[state] = totals.get(state, dt.timedelta()) + max(at - since, dt.timedelta())
        state, since = to_state, at
    if state is not None and state not in FINAL_STATES:
        totals[state] = totals.get(state, dt.timedelta()) + max(now - since, dt.timedelta())
    return [(str(AssetStatus(name).label), span.days, name == state) for name, span in totals.items()]


def _value_at_seizure(asset: Asset) -> tuple[Money | None, str]:
    if asset.seizure_value is not None:  # the first approved appraisal, as the statistics count it
        return Money(asset.seizure_value, asset.seizure_value_currency), _("first approved valuation")
    if asset.declared_value is not None:
        return Money(asset.declared_value, asset.currency), _("value declared at seizure")
    return None, ""


def _sale_price(asset: Asset) -> Money | None:
    """The hammer price of the paid invoice that sold the asset (its share, for a lot of several
    assets, as the sale was posted), or the price of a direct sale completed before invoicing."""
    invoice = (Invoice.objects.filter(status__in=[InvoiceStatus.PAID, InvoiceStatus.COLLECTED])
               .filter(Q(direct_sale__asset_id=asset.pk) | Q(award__lot__lot_assets__asset_id=asset.pk))
               .select_related("award").order_by("-paid_at", "-id").first())
    if invoice is not None:
        if invoice.award_id and LotAsset.objects.filter(lot_id=invoice.award.lot_id).count() > 1:
            from disposition.services.postings import sale_shares

            for share in sale_shares(invoice):
                if share.asset.pk == asset.pk:
                    return Money(share.gross, invoice.currency)  # its share of the hammer price
        return Money(invoice.hammer_price, invoice.currency)
    direct = (DirectSale.objects.filter(asset_id=asset.pk, status=DirectSaleStatus.COMPLETED)
              .order_by("-completed_at", "-id").values_list("price", "currency").first())
    return Money(*direct) if direct else None


def _ledger(asset: Asset) -> tuple[list[Money], list[tuple[str, Money]]]:
    """Management costs (the storage and upkeep expense posted against the asset, net of reversals)
    and where its money stands (the credit balances of its postings by account purpose)."""
    rows = (Posting.objects.filter(entry__asset_id=asset.pk)
            .values("account__purpose", "currency").annotate(total=Sum("amount"))
            .order_by("account__purpose", "currency"))
    costs, went = [], []
    for row in rows:
        purpose, total = row["account__purpose"], row["total"] or Decimal("0")
        if purpose == AccountPurpose.STORAGE_EXPENSE and total:
            costs.append(Money(total, row["currency"]))
        elif purpose in MONEY_DESTINATIONS and total < 0:
            went.append((str(MONEY_DESTINATIONS[purpose]), Money(-total, row["currency"])))
    order = list(MONEY_DESTINATIONS.values())
    went.sort(key=lambda item: [str(label) for label in order].index(item[0]))
    return costs, went


def asset_facts(*, asset_id: int) -> AssetFacts:
    """Everything an asset's public page shows, read from the records (a fixed number of queries)."""
    asset = Asset.objects.select_related("case").get(pk=asset_id)
    events = list(CustodyEvent.objects.filter(asset_id=asset.pk, kind=CustodyEventKind.STATUS_CHANGE)
                  .exclude(to_state="").order_by("seq").values_list("to_state", "transition", "at"))
    key_dates: dict[str, dt.datetime] = {}
    for _to_state, transition, at in events:
        if transition in KEY_DATES and transition not in key_dates:
            key_dates[transition] = at
    value, source = _value_at_seizure(asset)
    costs, went = _ledger(asset)
    code = str(asset.case.country_of_origin or "")
    stage = stage_of(asset)
    from .dispositions import asset_disposition

    return AssetFacts(
        asset=asset, stage=stage, stage_label=str(STAGES[stage]),
        category=asset.get_category_display(), area=asset.public_area, country=countries.name(code) if code else "",
        country_code=code,
        key_dates=[(str(KEY_DATES[name]), at) for name, at in sorted(key_dates.items(), key=lambda kv: kv[1])],
        stage_days=_stage_days([(to_state, at) for to_state, _transition, at in events], timezone.now()),
        value_at_seizure=value, value_source=source, sale_price=_sale_price(asset),
        management_costs=costs, money_went=went,
        photos=list(AssetPhoto.objects.filter(asset_id=asset.pk, public=True).only("id", "caption", "asset_id")),
        orders=list(CourtOrder.objects.filter(assets=asset, publishable=True)
                    .only("id", "order_type", "issued_on", "issuing_court", "document", "case_id")
                    .order_by("issued_on", "id")),
        documents=list(PublishedDocument.objects.filter(publishable=True)
                       .filter(Q(assets=asset) | Q(cases=asset.case_id)).distinct()
                       .only("id", "kind", "title", "date").order_by("-date", "-id")),
        disposition=asset_disposition(asset_id=asset.pk),
    )


def asset_search_text(*, asset_id: int) -> str:
    """The public words for an asset (category, area, country of origin) that the site search indexes."""
    asset = Asset.objects.select_related("case").filter(pk=asset_id).first()
    if asset is None:
        return ""
    code = str(asset.case.country_of_origin or "")
    return " ".join(filter(None, [asset.get_category_display(), asset.public_area,
                                  countries.name(code) if code else ""]))


# --------------------------------------------------------------------------------------------
# Keeping the pages in step with the register
# --------------------------------------------------------------------------------------------


def _folded(text: str) -> str:
    """Lower case, without accents, words separated by single spaces (to compare names in titles)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"\w+", text))


def _names_a_party(title: str, asset: Asset) -> bool:
    """Whether `title` holds the name (or a surname: any word of four letters or more of a name), the
    identity number, the e-mail or a line of the address of a party of the asset's case, where the
    asset is kept (a storage site may be a home), or a reference of the register."""
    words = f" {_folded(title)} "

    def holds(text: str) -> bool:
        folded = _folded(text)
        return bool(folded) and f" {folded} " in words

    for name, identity, email, address in Party.objects.filter(case_id=asset.case_id).values_list(
            "name", "identity_number", "email", "address"):
        if holds(name) or any(len(word) >= 4 and f" {word} " in words for word in _folded(name).split()):
            return True
        if holds(identity) or holds(email):
            return True
        if any(len(line.strip()) >= 6 and holds(line) for line in re.split(r"[\n,]", address or "")):
            return True
    location = asset.location.name if asset.location_id else ""
    return any(holds(text) for text in (asset.reference, asset.case.reference, location, asset.location_note))


def generic_title(asset: Asset) -> str:
    """A title that names no reference, party or address: the category, the public area if any, and
    the record's number (the asset's id, which says nothing about the case)."""
    category = asset.get_category_display()
    if asset.public_area:
        return _("%(category)s, %(area)s (no. %(number)s)") % {"category": category, "area": asset.public_area,
                                                              "number": asset.pk}
    return _("%(category)s (no. %(number)s)") % {"category": category, "number": asset.pk}


def public_title(asset: Asset) -> str:
    """The asset's own title ("BMW X5 xDrive 2020, black") unless it names a party of its case (or
    holds a register reference): then the generic form."""
    title = " ".join((asset.title or "").split())
    if not title or _names_a_party(title, asset):
        return generic_title(asset)
    return title


def page_title(*, page: AssetPage, asset: Asset) -> str:
    """The title an asset's page shows: its own (the sync's or an editor's), or the generic form if it
    names a party of the case (a party added since the last sync)."""
    return generic_title(asset) if _names_a_party(page.title, asset) else page.title


def public_slug(asset: Asset) -> str:
    return f"{slugify(asset.category.replace('_', '-'))}-{asset.pk}"


def asset_index_page(*, site: Site | None = None) -> AssetIndexPage:
    """The asset index under the (default) site's home page, made if missing."""
    site = site or Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page if site else HomePage.objects.order_by("path").first()
    found = AssetIndexPage.objects.child_of(home).first()
    if found is not None:
        return found
    page = AssetIndexPage(title=_("Confiscated assets"), slug="assets",
                          introduction=_("Every asset confiscated by the courts, or sold early with its proceeds "
                                         "held until they decide, and what became of it."))
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def asset_page_sync(*, asset_id: int) -> AssetPage | None:
    """Bring the asset's public page in line with the record: made and published when the asset
    reaches a public stage, published again if it had been withdrawn, unpublished when the asset
    leaves the public stages (released to its owner). Safe to run any number of times."""
    asset = Asset.objects.select_for_update(of=("self",)).filter(pk=asset_id).first()
    if asset is None:
        return None
    page = AssetPage.objects.filter(asset_id=asset.pk).first()
    public = asset_is_public(asset_id=asset.pk)
    if not public:
        if page is not None and page.live:
            page.unpublish(log_action=True)
        return page
    title = public_title(asset)
    if page is None:
        page = AssetPage(title=title, slug=public_slug(asset), asset=asset)
        asset_index_page().add_child(instance=page)
        page.save_revision().publish()
    elif page.title != title and (page.title in (generic_title(asset), asset.title)
                                  or _names_a_party(page.title, asset)):
        # A title the sync made follows the record (the asset's title, or the generic form once it names
        # a party); one an editor wrote is kept, unless it names a party.
        page.title = page.draft_title = title
        page.save_revision().publish()
    elif not page.live:
        (page.get_latest_revision() or page.save_revision()).publish()
    return page


def public_record_sync() -> dict[str, int]:
    """Sync every asset that is public or has a page, then every disposition decision (the management
    command, and the demo data)."""
    from .dispositions import disposition_pages_sync

    ids = set(public_record_assets().values_list("id", flat=True)) | set(
        AssetPage.objects.values_list("asset_id", flat=True))
    counts = {"published": 0, "unpublished": 0}
    for asset_id in sorted(ids):
        page = asset_page_sync(asset_id=asset_id)
        if page is not None:
            counts["published" if page.live else "unpublished"] += 1
    decisions = disposition_pages_sync()
    counts.update(decisions_published=decisions["published"], decisions_unpublished=decisions["unpublished"])
    return counts


def asset_page_schedule_sync(sender=None, *, asset_id: int, **kwargs) -> None:
    """Receiver of custody's `asset_status_changed` (sent after the transition commits): sync the page
    in a Celery task."""
    from .tasks import asset_page_sync_task

    asset_page_sync_task.delay(asset_id)


# --------------------------------------------------------------------------------------------
# Published documents
# --------------------------------------------------------------------------------------------

PDF_TEXT_MAX_PAGES = 300
PDF_TEXT_MAX_CHARS = 500_000


def pdf_text(data: bytes) -> str:
    """The text of a PDF, for the search index (the first pages and characters of a long one). A PDF
    whose text cannot be read (a scan) gives no text, never an error."""
    try:
        reader = PdfReader(io.BytesIO(data))
        parts, size = [], 0
        for page in reader.pages[:PDF_TEXT_MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= PDF_TEXT_MAX_CHARS:
                break
    except Exception:  # noqa: BLE001 - pypdf raises many kinds; an unreadable text is just not indexed
        logger.warning("Could not read the text of a published PDF", exc_info=True)
        return ""
    return " ".join(" ".join(parts).split())[:PDF_TEXT_MAX_CHARS]


def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


@transaction.atomic
def published_document_create(*, kind: str, title: str, date: dt.date, upload, summary: str = "",
                              publishable: bool = False, case_ids: list[int] = (),
                              asset_ids: list[int] = (), decision_ids: list[int] = ()) -> PublishedDocument:
    """Record a document with its PDF (validated by parsing it) and the PDF's text for the search."""
    document = PublishedDocument(kind=kind, title=title, date=date, summary=summary, publishable=publishable,
                                 file=upload, text=pdf_text(_read(upload)))
    document.full_clean()
    document.save()
    document.cases.set(case_ids)
    document.assets.set(asset_ids)
    document.decisions.set(decision_ids)
    return document


def published_documents() -> QuerySet[PublishedDocument]:
    """The documents the public may see."""
    return PublishedDocument.objects.filter(publishable=True)


def public_order_ids() -> QuerySet:
    """Court orders the public may read: marked publishable and covering an asset of the record."""
    return CourtOrder.objects.filter(publishable=True).filter(
        Exists(public_record_assets().filter(orders=OuterRef("pk")))).values("pk")
