"""The public record of dispositions: /dispositions/ (the decisions carried out, filterable), a page per
decision kept in step with disposition's records, and what those pages and the asset pages show.

The facts are read from `disposition.selectors` when a page is served (never copied into a page);
what reaches the public is chosen there: the beneficiary's type and sector (its name only when it is
marked public), never a contact, a payee's name, a staff member or a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils.translation import gettext as _
from wagtail.models import Site

from common.money import format_money
from disposition.models import BeneficiaryKind, DecisionKind, DecisionStatus, DispositionDecision
from disposition.selectors import asset_disposition_public, decision_public, decisions_executed_public

from .facets import Facet, FacetedListing, clean_year
from .models import AssetPage, DispositionIndexPage, DispositionPage, HomePage, PublishedDocument
from .statistics import agency_zone

PAGE_SIZE = 25


# --------------------------------------------------------------------------------------------
# Which decisions are public
# --------------------------------------------------------------------------------------------


def decision_is_public(*, decision_id: int) -> bool:
    return decisions_executed_public().filter(pk=decision_id).exists()


def _asset_pages(asset_ids) -> dict[int, AssetPage]:
    """The live public pages of these assets, by asset id (an asset without one is not linked)."""
    ids = [pk for pk in asset_ids if pk]
    if not ids:
        return {}
    return {page.asset_id: page for page in AssetPage.objects.live().filter(asset_id__in=ids)
            .only("id", "title", "url_path", "asset_id")}


def _decision_pages(decision_ids) -> dict[int, DispositionPage]:
    ids = [pk for pk in decision_ids if pk]
    if not ids:
        return {}
    return {page.decision_id: page for page in DispositionPage.objects.live().filter(decision_id__in=ids)
            .only("id", "title", "url_path", "decision_id")}


# --------------------------------------------------------------------------------------------
# The asset page's "What became of it"
# --------------------------------------------------------------------------------------------


def asset_disposition(*, asset_id: int) -> dict | None:
    """The asset's disposition as `disposition.selectors.asset_disposition_public` gives it, with the
    links to the pages of its decision and of the decisions over its proceeds."""
    record = asset_disposition_public(asset_id)
    if record is None:
        return None
    ids = list(record["money_decision_ids"])
    if record["decision"]:
        ids.append(record["decision"]["id"])
    pages = _decision_pages(ids)
    record["page"] = pages.get(record["decision"]["id"]) if record["decision"] else None
    record["money_pages"] = [pages[pk] for pk in record["money_decision_ids"] if pk in pages]
    return record


# --------------------------------------------------------------------------------------------
# A decision's page
# --------------------------------------------------------------------------------------------


@dataclass
class DecisionFacts:
    record: dict
    revoked: bool
    subject_pages: list[AssetPage]  # the assets concerned, as their public pages
    proceeds_page: AssetPage | None  # the sold asset whose proceeds the decision assigns
    documents: list[PublishedDocument] = field(default_factory=list)
    replaced_by: DispositionPage | None = None


def decision_page_facts(*, decision_id: int) -> DecisionFacts | None:
    """Everything a decision's public page shows, read from the records."""
    record = decision_public(decision_id)
    if record is None:
        return None
    decision = record["decision"]
    pages = _asset_pages([decision["asset_id"], decision["proceeds_asset_id"]])
    asset_ids = [pk for pk in (decision["asset_id"], decision["proceeds_asset_id"]) if pk]
    documents = list(PublishedDocument.objects.filter(publishable=True)
                     .filter(Q(decisions=decision_id) | Q(assets__in=asset_ids)).distinct()
                     .only("id", "kind", "title", "date").order_by("-date", "-id"))
    replaced_by = None
    if decision["status"] == DecisionStatus.REVOKED:
        following = (DispositionDecision.objects.filter(previous_id=decision_id).values_list("pk", flat=True)
                     .order_by("pk"))
        replaced_by = next(iter(_decision_pages(list(following)).values()), None)
    return DecisionFacts(
        record=record, revoked=decision["status"] == DecisionStatus.REVOKED,
        subject_pages=[pages[decision["asset_id"]]] if decision["asset_id"] in pages else [],
        proceeds_page=pages.get(decision["proceeds_asset_id"]), documents=documents, replaced_by=replaced_by)


# --------------------------------------------------------------------------------------------
# The index (/dispositions/)
# --------------------------------------------------------------------------------------------


def _year():
    return ExtractYear("executed_at", tzinfo=agency_zone())


def disposition_index_rows() -> QuerySet[DispositionDecision]:
    """The decisions with a live page, newest carried out first, with what the listing shows."""
    return (decisions_executed_public().filter(public_page__live=True)
            .annotate(year=_year())
            .select_related("beneficiary", "public_page")
            .defer(None)
            .order_by("-executed_at", "-id"))


def _clean_filters(params: QueryDict) -> dict[str, str | int]:
    """The filters asked for that mean something; an unknown value is ignored, never a 500."""
    found: dict[str, str | int] = {}
    kind = (params.get("kind") or "").strip()
    if kind in DecisionKind.values:
        found["kind"] = kind
    beneficiary = (params.get("beneficiary") or "").strip()
    if beneficiary in BeneficiaryKind.values:
        found["beneficiary"] = beneficiary
    if (year := clean_year(params)) is not None:
        found["year"] = year
    return found


# The filters of /dispositions/ and the lookup each makes.
LOOKUPS = {"kind": "kind", "beneficiary": "beneficiary__kind", "year": "year"}


def disposition_index_context(*, index_page: DispositionIndexPage, params: QueryDict) -> dict:
    """The listing of /dispositions/ for the filters in `params`: one page of decisions and, for each
    filter, the count of decisions behind each of its values (given the other filters)."""
    listing = FacetedListing(base=disposition_index_rows(), lookups=LOOKUPS, filters=_clean_filters(params))
    paginator = Paginator(listing.rows(), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    year_counts = listing.counts("year")
    facets = [
        Facet("kind", _("Kind of decision"), listing.options("kind", listing.counts("kind"), DecisionKind.choices)),
        Facet("beneficiary", _("Beneficiary"), listing.options("beneficiary", listing.counts("beneficiary"),
                                                                BeneficiaryKind.choices)),
        Facet("year", _("Year carried out"),
              listing.options("year", year_counts, [(y, str(y)) for y in sorted(filter(None, year_counts),
                                                                                 reverse=True)])),
    ]
    return {"decisions": page, "paginator": paginator, "facets": facets, "filters": listing.filters,
            "total": paginator.count, "filter_query": listing.query()}


# --------------------------------------------------------------------------------------------
# Keeping the pages in step with the decisions
# --------------------------------------------------------------------------------------------


def public_title(decision: DispositionDecision) -> str:
    """The kind and what it is about: the asset as its public page names it, or the amount (of the
    proceeds of an asset, or of the fund). Never a reference, a beneficiary or a payee."""
    from .record import public_title as asset_title

    kind = decision.get_kind_display()
    if decision.asset_id:
        return _("%(kind)s: %(asset)s") % {"kind": kind, "asset": asset_title(decision.asset)}
    amount = format_money(decision.amount, decision.currency)
    if decision.proceeds_asset_id:
        return _("%(kind)s: %(amount)s from %(asset)s") % {"kind": kind, "amount": amount,
                                                          "asset": asset_title(decision.proceeds_asset)}
    return _("%(kind)s: %(amount)s") % {"kind": kind, "amount": amount}


def disposition_index_page(*, site: Site | None = None) -> DispositionIndexPage:
    """The disposition index under the (default) site's home page, made if missing."""
    site = site or Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page if site else HomePage.objects.order_by("path").first()
    found = DispositionIndexPage.objects.child_of(home).first()
    if found is not None:
        return found
    page = DispositionIndexPage(title=_("What became of them"), slug="dispositions",
                                introduction=_("Every decision on a confiscated asset or on confiscated money, once "
                                               "carried out: who received it, what it is used for, how it is "
                                               "monitored, and every cent allocated and paid."))
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def disposition_page_sync(*, decision_id: int) -> DispositionPage | None:
    """Bring the decision's public page in line with the record: made and published once the decision
    is carried out, kept (saying so) when it is revoked, unpublished if it is no longer public. Safe
    to run any number of times."""
    decision = (DispositionDecision.objects.select_for_update(of=("self",))
                .select_related("asset__case", "proceeds_asset__case").filter(pk=decision_id).first())
    if decision is None:
        return None
    page = DispositionPage.objects.filter(decision_id=decision.pk).first()
    if not decision_is_public(decision_id=decision.pk):
        if page is not None and page.live:
            page.unpublish(log_action=True)
        return page
    title = public_title(decision)
    if page is None:
        page = DispositionPage(title=title, slug=f"decision-{decision.pk}", decision=decision)
        disposition_index_page().add_child(instance=page)
        page.save_revision().publish()
    elif page.title != title:
        # The title follows the records (the asset's public title may change, e.g. when it names a party).
        page.title = page.draft_title = title
        page.save_revision().publish()
    elif not page.live:
        (page.get_latest_revision() or page.save_revision()).publish()
    return page


def disposition_pages_sync() -> dict[str, int]:
    """Sync every decision that is public or has a page (the management command)."""
    ids = set(decisions_executed_public().values_list("id", flat=True)) | set(
        DispositionPage.objects.values_list("decision_id", flat=True))
    counts = {"published": 0, "unpublished": 0}
    for decision_id in sorted(ids):
        page = disposition_page_sync(decision_id=decision_id)
        if page is not None:
            counts["published" if page.live else "unpublished"] += 1
    return counts


def disposition_page_schedule_sync(sender=None, *, decision_id: int, **kwargs) -> None:
    """Receiver of disposition's `decision_changed` (sent after the change commits): sync the decision's
    page in a Celery task."""
    from .tasks import disposition_page_sync_task

    disposition_page_sync_task.delay(decision_id)

