"""Staff screens of the auctions in the Wagtail admin ("Auctions" menu).

Every view states the permission it needs (the role tables are in auctions/roles.py) and answers
403 without it. Views are thin: forms parse, `auctions.services` changes the world, domain errors
become a message (never a 500). Auditors, approvers and finance officers hold the view
permissions only, so they get the same pages without the buttons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from custody.admin_views import require_perm
from custody.forms import apply_validation_error
from custody.models import AssetPhoto

from . import events
from .exceptions import DomainError
from .forms import (
    AuctionForm,
    CancelLotForm,
    IncrementTableForm,
    IncrementTierFormSet,
    LotForm,
    RejectForm,
    ScreeningEntryForm,
    for_sale_assets,
)
from .models import (
    Auction,
    AuctionLogEntry,
    AuctionStatus,
    Bid,
    BidderProfile,
    BidderStatus,
    IncrementTable,
    Lot,
    LotStatus,
    ScreeningEntry,
)
from .services import auctions, bidders

PER_PAGE = 50
MAX_ID = 2**63 - 1


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    crumbs = [{"url": reverse("wagtailadmin_home"), "label": _("Home")}]
    return crumbs + [{"url": url, "label": label} for url, label in items]


def _page(request, template: str, *, title: str, crumbs: list[tuple[str, str]] = (), icon: str = "tag",
          status: int = 200, **context: Any) -> HttpResponse:
    context.update({"page_title": title, "header_title": title, "header_icon": icon,
                    "breadcrumbs_items": _crumbs(*crumbs, ("", title))})
    return render(request, template, context, status=status)


def _form_page(request, form, *, title: str, submit_label: str, crumbs, status: int = 200, **extra) -> HttpResponse:
    template = extra.pop("template", "custody/form_page.html")
    return _page(request, template, title=title, crumbs=crumbs, form=form, submit_label=submit_label,
                 status=status if not form.errors else 400, **extra)


def _paginate(request, qs):
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def _id(value: int) -> int:
    if value > MAX_ID:
        raise Http404
    return value


def _auctions_crumb() -> tuple[str, str]:
    return reverse("auctions_admin_auction_index"), _("Auctions")


# --------------------------------------------------------------------------------------------
# Auctions: view_auction to see; add/change/schedule_auction to prepare; publish_auction to publish
# --------------------------------------------------------------------------------------------


@require_GET
def auction_index(request: HttpRequest) -> HttpResponse:
    require_perm(request, "auctions.view_auction")
    status = request.GET.get("status") or ""
    qs = Auction.objects.select_related("created_by").annotate(n_lots=Count("lots")).order_by("-opens_at", "-id")
    if status in AuctionStatus.values:
        qs = qs.filter(status=status)
    return _page(request, "auctions/admin/auction_index.html", title=_("Auctions"), icon="tag",
                 page=_paginate(request, qs), status_choices=AuctionStatus.choices, current_status=status,
                 can_add=request.user.has_perm("auctions.add_auction"))


def auction_create(request: HttpRequest) -> HttpResponse:
    require_perm(request, "auctions.add_auction")
    form = AuctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            auction = auctions.auction_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Auction “%(title)s” created. Add its lots.") % {"title": auction.title})
            return redirect("auctions_admin_auction_detail", auction.pk)
    return _form_page(request, form, title=_("New auction"), submit_label=_("Create"), crumbs=[_auctions_crumb()])


def auction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "auctions.change_auction")
    auction = get_object_or_404(Auction, pk=_id(pk))
    if auction.status != AuctionStatus.DRAFT:
        messages.error(request, _("Only a draft auction can be edited."))
        return redirect("auctions_admin_auction_detail", auction.pk)
    form = AuctionForm(request.POST or None, instance=auction)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in auctions.AUCTION_EDITABLE_FIELDS}
        try:
            auctions.auction_update(auction_id=auction.pk, actor=request.user, **fields)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("auctions_admin_auction_detail", auction.pk)
        else:
            messages.success(request, _("Saved."))
            return redirect("auctions_admin_auction_detail", auction.pk)
    return _form_page(request, form, title=_("Edit %(title)s") % {"title": auction.title}, submit_label=_("Save"),
                      crumbs=[_auctions_crumb(), (reverse("auctions_admin_auction_detail", args=[auction.pk]),
                                                  auction.title)])


@require_GET
def auction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "auctions.view_auction")
    auction = get_object_or_404(Auction.objects.select_related("created_by", "published_by"), pk=_id(pk))
    user = request.user
    lots = list(auction.lots.select_related("increment_table").order_by("number"))
    draft = auction.status == AuctionStatus.DRAFT
    publish_blocked = None
    if auction.status == AuctionStatus.SCHEDULED and user.has_perm("auctions.publish_auction") \
            and auction.created_by_id == user.pk:
        publish_blocked = _("You prepared this auction: another approver must publish it.")
    return _page(request, "auctions/admin/auction_detail.html", title=auction.title, icon="tag",
                 crumbs=[_auctions_crumb()], auction=auction, lots=lots,
                 log=AuctionLogEntry.objects.filter(auction=auction).select_related("actor")[:50],
                 can_edit=draft and user.has_perm("auctions.change_auction"),
                 can_add_lot=draft and user.has_perm("auctions.add_lot"),
                 can_schedule=draft and bool(lots) and user.has_perm("auctions.schedule_auction"),
                 can_publish=(auction.status == AuctionStatus.SCHEDULED and user.has_perm("auctions.publish_auction")
                              and publish_blocked is None),
                 publish_blocked=publish_blocked, public_url=reverse("auctions:auction_detail", args=[auction.slug]))


AUCTION_ACTIONS = {
    "schedule": ("auctions.schedule_auction", auctions.auction_schedule, _("Scheduled: an approver can publish it.")),
    "publish": ("auctions.publish_auction", auctions.auction_publish, _("Published.")),
}


@require_POST
def auction_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Schedule (auction manager) or publish (approver, never the creator)."""
    if name not in AUCTION_ACTIONS:
        raise Http404
    perm, service, done = AUCTION_ACTIONS[name]
    require_perm(request, "auctions.view_auction", perm)
    auction = get_object_or_404(Auction, pk=_id(pk))
    try:
        service(auction_id=auction.pk, actor=request.user)
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, str(done))
    return redirect("auctions_admin_auction_detail", auction.pk)


# --------------------------------------------------------------------------------------------
# Lots: view_lot to see; add_lot to create; cancel_lot to cancel
# --------------------------------------------------------------------------------------------


@require_GET
def lot_index(request: HttpRequest) -> HttpResponse:
    require_perm(request, "auctions.view_lot")
    qs = Lot.objects.select_related("auction").only(
        "id", "number", "title", "status", "currency", "starting_price", "current_price", "bid_count", "ends_at",
        "reserve_met", "auction__id", "auction__title", "auction__status").order_by("-ends_at", "-id")
    status = request.GET.get("status") or ""
    if status in LotStatus.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(auction__title__icontains=q))
    return _page(request, "auctions/admin/lot_index.html", title=_("Lots"), icon="list-ul",
                 page=_paginate(request, qs), status_choices=LotStatus.choices, current_status=status, q=q,
                 can_add=request.user.has_perm("auctions.add_lot"))


def lot_create(request: HttpRequest) -> HttpResponse:
    """Who: auctions.add_lot. Assets come from those for sale and in no live lot."""
    require_perm(request, "auctions.add_lot")
    drafts = Auction.objects.filter(status=AuctionStatus.DRAFT).order_by("-opens_at")
    initial = {}
    if (request.GET.get("auction") or "").isdigit():
        initial["auction"] = request.GET["auction"]
    form = LotForm(request.POST or None, initial=initial, auctions=drafts, assets=for_sale_assets())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lot = auctions.lot_create(
                actor=request.user, auction=data["auction"], title=data["title"], description=data["description"],
                starting_price=data["starting_price"], reserve_price=data["reserve_price"],
                increment_table=data["increment_table"], asset_ids=[a.pk for a in data["assets"]])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Lot %(n)s added.") % {"n": lot.number})
            return redirect("auctions_admin_auction_detail", lot.auction_id)
    return _form_page(request, form, title=_("New lot"), submit_label=_("Add the lot"),
                      crumbs=[(reverse("auctions_admin_lot_index"), _("Lots"))])


@require_GET
def lot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "auctions.view_lot")
    lot = get_object_or_404(Lot.objects.select_related("auction", "leader", "winner", "increment_table"), pk=_id(pk))
    photos = list(AssetPhoto.objects.filter(asset__lot_assets__lot=lot).order_by("uploaded_at", "id"))
    bids = None
    if request.user.has_perm("auctions.view_bid"):
        bids = list(Bid.objects.filter(lot=lot).select_related("bidder").order_by("-placed_at", "-id")[:200])
    can_cancel = (request.user.has_perm("auctions.cancel_lot")
                  and lot.status in (LotStatus.DRAFT, LotStatus.SCHEDULED, LotStatus.OPEN, LotStatus.CLOSED))
    return _page(request, "auctions/admin/lot_detail.html", title=str(lot), icon="list-ul",
                 crumbs=[_auctions_crumb(), (reverse("auctions_admin_auction_detail", args=[lot.auction_id]),
                                             lot.auction.title)],
                 lot=lot, photos=photos, bids=bids, assets=list(lot.assets.select_related("case")),
                 can_view_assets=request.user.has_perm("custody.view_asset"),
                 tiers=lot.increment_table.tiers.all(), can_cancel=can_cancel,
                 cancel_form=CancelLotForm() if can_cancel else None,
                 public_url=reverse("auctions:lot_detail", args=[lot.pk]) if lot.status != LotStatus.DRAFT else None)


@require_POST
def lot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "auctions.view_lot", "auctions.cancel_lot")
    lot = get_object_or_404(Lot, pk=_id(pk))
    form = CancelLotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for cancelling the lot."))
    else:
        try:
            auctions.lot_cancel(lot_id=lot.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Lot cancelled."))
    return redirect("auctions_admin_lot_detail", lot.pk)


# --------------------------------------------------------------------------------------------
# Increment tables: view_incrementtable; add/change_incrementtable to edit
# --------------------------------------------------------------------------------------------


@require_GET
def increment_index(request: HttpRequest) -> HttpResponse:
    require_perm(request, "auctions.view_incrementtable")
    tables = IncrementTable.objects.prefetch_related("tiers").annotate(n_lots=Count("lots"))
    return _page(request, "auctions/admin/increment_index.html", title=_("Increment tables"), icon="table",
                 tables=tables, can_add=request.user.has_perm("auctions.add_incrementtable"),
                 can_change=request.user.has_perm("auctions.change_incrementtable"))


def increment_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    table = None
    if pk is not None:
        require_perm(request, "auctions.change_incrementtable")
        table = get_object_or_404(IncrementTable, pk=_id(pk))
    else:
        require_perm(request, "auctions.add_incrementtable")
    if request.method == "POST":
        form = IncrementTableForm(request.POST)
        formset = IncrementTierFormSet(request.POST, prefix="tiers")
    else:
        form = IncrementTableForm(initial={"name": table.name, "is_default": table.is_default} if table else None)
        initial = [{"up_to": t.up_to, "increment": t.increment} for t in table.tiers.all()] if table else [
            {"up_to": "500.00", "increment": "10.00"}, {"up_to": "1000.00", "increment": "25.00"},
            {"up_to": None, "increment": "50.00"}]
        formset = IncrementTierFormSet(prefix="tiers", initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            tiers = [(f.cleaned_data.get("up_to"), f.cleaned_data.get("increment")) for f in formset
                     if f.cleaned_data and f.cleaned_data.get("increment") is not None]
            try:
                saved = auctions.increment_table_save(
                    actor=request.user, name=form.cleaned_data["name"], tiers=tiers,
                    table_id=table.pk if table else None, is_default=form.cleaned_data["is_default"])
            except ValidationError as exc:
                form.add_error(None, exc)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Increment table “%(name)s” saved.") % {"name": saved.name})
                return redirect("auctions_admin_increment_index")
        status = 400
    title = _("Edit %(name)s") % {"name": table.name} if table else _("New increment table")
    return _page(request, "auctions/admin/increment_form.html", title=title, icon="table", status=status,
                 crumbs=[(reverse("auctions_admin_increment_index"), _("Increment tables"))],
                 form=form, formset=formset)


# --------------------------------------------------------------------------------------------
# Bidder profiles: view_bidderprofile to see; review_bidder to decide and to open identity papers
# --------------------------------------------------------------------------------------------


@require_GET
def bidder_index(request: HttpRequest) -> HttpResponse:
    """The review queue: pending profiles first (and rejected ones corrected since their review)."""
    require_perm(request, "auctions.view_bidderprofile")
    status = request.GET.get("status") or "queue"
    qs = BidderProfile.objects.select_related("user", "reviewed_by")
    if status == "queue":
        from django.db.models import F

        qs = qs.filter(Q(status=BidderStatus.PENDING)
                       | Q(status=BidderStatus.REJECTED, updated_at__gt=F("reviewed_at"))).order_by("created_at")
    elif status in BidderStatus.values:
        qs = qs.filter(status=status).order_by("-created_at")
    else:
        qs = qs.order_by("-created_at")
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(legal_name__icontains=q) | Q(user__username__icontains=q) | Q(user__email__icontains=q))
    return _page(request, "auctions/admin/bidder_index.html", title=_("Bidders"), icon="user",
                 page=_paginate(request, qs), current_status=status, q=q,
                 status_choices=[("queue", _("To review"))] + list(BidderStatus.choices) + [("all", _("All"))])


def _screening_hits(profile: BidderProfile) -> list[ScreeningEntry]:
    conditions = Q(name_normalised=profile.name_normalised, date_of_birth=profile.date_of_birth)
    if profile.id_number_normalised:
        conditions |= Q(id_number_normalised=profile.id_number_normalised)
    return list(ScreeningEntry.objects.filter(conditions).select_related("case"))


@require_GET
def bidder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "auctions.view_bidderprofile")
    profile = get_object_or_404(BidderProfile.objects.select_related("user", "reviewed_by"), pk=_id(pk))
    can_review = request.user.has_perm("auctions.review_bidder")
    return _page(request, "auctions/admin/bidder_detail.html", title=profile.legal_name, icon="user",
                 crumbs=[(reverse("auctions_admin_bidder_index"), _("Bidders"))], profile=profile,
                 can_review=can_review, can_see_document=can_review and bool(profile.id_document_file),
                 reject_form=RejectForm() if can_review else None, screening_hits=_screening_hits(profile),
                 log=AuctionLogEntry.objects.filter(subject="bidder", subject_id=profile.pk).select_related("actor"))


@require_POST
def bidder_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require_perm(request, "auctions.view_bidderprofile", "auctions.review_bidder")
    profile = get_object_or_404(BidderProfile, pk=_id(pk))
    try:
        if decision == "approve":
            bidders.bidder_profile_approve(profile_id=profile.pk, actor=request.user)
            messages.success(request, _("%(name)s approved.") % {"name": profile.legal_name})
        elif decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the bidder a reason for the rejection."))
                return redirect("auctions_admin_bidder_detail", profile.pk)
            bidders.bidder_profile_reject(profile_id=profile.pk, actor=request.user,
                                          reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s rejected.") % {"name": profile.legal_name})
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("auctions_admin_bidder_detail", profile.pk)


_DOCUMENT_TYPES = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
                   (b"\xff\xd8\xff", "image/jpeg", "jpg"))


@require_GET
def bidder_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A bidder's identity document, as a download. Who: auctions.review_bidder (auction managers)."""
    require_perm(request, "auctions.review_bidder")
    profile = get_object_or_404(BidderProfile, pk=_id(pk))
    if not profile.id_document_file:
        raise Http404
    try:
        handle = profile.id_document_file.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404 from None
    head = handle.read(8)
    handle.seek(0)
    content_type, ext = "application/octet-stream", "bin"
    for signature, ctype, extension in _DOCUMENT_TYPES:
        if head.startswith(signature):
            content_type, ext = ctype, extension
            break
    response = FileResponse(handle, content_type=content_type, as_attachment=True,
                            filename=f"bidder-{profile.pk}-identity.{ext}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    events.auction_log_write(subject="bidder", obj=profile, action="view_document", actor=request.user)
    return response


# --------------------------------------------------------------------------------------------
# Screening list: view/add/delete_screeningentry
# --------------------------------------------------------------------------------------------


@require_GET
def screening_index(request: HttpRequest) -> HttpResponse:
    require_perm(request, "auctions.view_screeningentry")
    qs = ScreeningEntry.objects.select_related("case", "added_by").order_by("name")
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(identity_number__icontains=q) | Q(case__reference__icontains=q))
    return _page(request, "auctions/admin/screening_index.html", title=_("Screening list"), icon="warning",
                 page=_paginate(request, qs), q=q, can_add=request.user.has_perm("auctions.add_screeningentry"),
                 can_delete=request.user.has_perm("auctions.delete_screeningentry"))


def screening_add(request: HttpRequest) -> HttpResponse:
    require_perm(request, "auctions.add_screeningentry")
    form = ScreeningEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bidders.screening_entry_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added to the screening list."))
            return redirect("auctions_admin_screening_index")
    return _form_page(request, form, title=_("Add to the screening list"), submit_label=_("Add"),
                      crumbs=[(reverse("auctions_admin_screening_index"), _("Screening list"))])


@require_POST
def screening_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "auctions.delete_screeningentry")
    try:
        bidders.screening_entry_remove(actor=request.user, entry_id=_id(pk))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Removed from the screening list."))
    return redirect("auctions_admin_screening_index")
