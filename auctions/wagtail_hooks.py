"""The "Auctions" menu of the Wagtail admin: auctions, lots, bidders, the screening list and the
increment tables, one viewset each on the shared kit (common.admin).

Who may do what is in auctions/roles.py (auditors, approvers and finance officers read; auction
managers prepare, schedule and review; approvers publish and cancel lots). Forms and life-cycle
actions call auctions.services, where the rules are: four eyes on publishing, lots only of assets
for sale, a reason for every cancellation and rejection. Bidder profiles are personal data: only
the roles holding `view_bidderprofile` see them, and only reviewers (`review_bidder`) open the
identity document.
"""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup

from common.admin.actions import Action, RequiredReasonForm
from common.admin.columns import DateTimeColumn, MoneyColumn, StatusColumn, YesNoColumn
from common.admin.dashboard import queue_panel_hook
from common.admin.responses import refuse_with_403, require_perms
from common.admin.viewsets import (
    RecordIndexView,
    RecordInspectView,
    RecordViewSet,
    ServiceCreateView,
    ServiceEditView,
)
from common.formats import format_day
from common.identifiers import national_id_format
from common.money import format_money
from common.search import ListingSearch, code, words
from custody.models import AssetPhoto

from . import dashboard, events
from .forms import (
    AuctionForm,
    CancelForm,
    IncrementTableForm,
    LotForm,
    RejectBidderForm,
    ScreeningEntryForm,
)
from .models import (
    Auction,
    AuctionLogEntry,
    AuctionStatus,
    Bid,
    BidderProfile,
    BidderStatus,
    IdentityDocumentType,
    IncrementTable,
    Lot,
    LotPseudonym,
    LotStatus,
    ScreeningEntry,
)
from .selectors import bidders_to_review_q, lot_public_history
from .services import auctions, bidders


def _fsm_allows(obj, transition: str) -> bool:
    """Whether the life cycle (the model's table of allowed moves) has `transition` from obj's state."""
    meta = getattr(obj, transition)._django_fsm
    return meta.has_transition(meta.field.get_state(obj))


def _url_or_none(name: str, *args) -> str | None:
    """A link to another app's screen, if that screen exists under this name."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class AuctionsViewSet(RecordViewSet):
    """The app's viewsets: a default order for each listing."""

    default_ordering: str | tuple[str, ...] | None = None

    def get_index_view_kwargs(self, **kwargs):
        if self.default_ordering:
            kwargs.setdefault("default_ordering", self.default_ordering)
        return super().get_index_view_kwargs(**kwargs)


# --------------------------------------------------------------------------------------------
# Auctions: prepared by an auction manager, scheduled, published by another approver
# --------------------------------------------------------------------------------------------


def _auction_create(request, form) -> Auction:
    return auctions.auction_create(actor=request.user, **form.cleaned_data)


def _auction_update(request, form, auction: Auction) -> Auction:
    fields = {name: form.cleaned_data[name] for name in auctions.AUCTION_EDITABLE_FIELDS}
    return auctions.auction_update(auction_id=auction.pk, actor=request.user, **fields)


def _schedule_blocked(user, auction: Auction) -> str | None:
    if auction.status != AuctionStatus.DRAFT:
        return None
    return auctions.auction_schedule_refusal(auction=auction)


def _publish_blocked(user, auction: Auction) -> str | None:
    if auction.status != AuctionStatus.SCHEDULED:
        return None
    return auctions.auction_publish_refusal(auction=auction, actor=user)


AUCTION_ACTIONS = [
    Action(name="schedule", label=_("Schedule"), permission="auctions.schedule_auction",
           call=lambda request, auction, data: auctions.auction_schedule(auction_id=auction.pk, actor=request.user),
           available=lambda user, a: _fsm_allows(a, "schedule") and _schedule_blocked(user, a) is None,
           blocked=_schedule_blocked,
           intro=_("Each lot gets its end, staggered after the first lot's closing time, and an approver can "
                   "then publish the auction. Until then you can take it back to draft."),
           success=_("Scheduled: an approver can publish it.")),
    Action(name="unschedule", label=_("Back to draft"), permission="auctions.schedule_auction",
           call=lambda request, auction, data: auctions.auction_unschedule(auction_id=auction.pk, actor=request.user),
           available=lambda user, a: _fsm_allows(a, "unschedule"),
           intro=_("The auction and its lots become drafts again, to be edited and scheduled anew."),
           success=_("Back to draft: it can be edited again.")),
    Action(name="publish", label=_("Publish"), permission="auctions.publish_auction",
           call=lambda request, auction, data: auctions.auction_publish(auction_id=auction.pk, actor=request.user),
           available=lambda user, a: _fsm_allows(a, "publish") and _publish_blocked(user, a) is None,
           blocked=_publish_blocked,
           intro=_("Bidders see the auction at once; its lots open for bids at the opening time."),
           success=_("Published.")),
    Action(name="cancel", label=_("Cancel the auction"), permission="auctions.schedule_auction",
           call=lambda request, auction, data: auctions.auction_cancel(auction_id=auction.pk, actor=request.user,
                                                                       reason=data["reason"]),
           available=lambda user, a: _fsm_allows(a, "cancel"), form_class=CancelForm, danger=True,
           intro=_("Its lots are cancelled with it and the bidders' deposits released. Once a lot has been won, "
                   "cancel the other lots one by one instead."),
           success=_("Auction cancelled.")),
]


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"


class AuctionInspectView(RecordInspectView):
    labels = {"stagger_seconds": _("Stagger"), "soft_close_minutes": _("Soft close"),
              "buyers_premium_percent": _("Buyer's premium"), "created_by": _("Prepared by")}

    def get_field_label(self, field_name, field):
        return self.labels.get(field_name) or super().get_field_label(field_name, field)

    def get_edit_url(self):
        # Only a draft is edited (see AuctionEditView).
        return super().get_edit_url() if self.object.status == AuctionStatus.DRAFT else None

    def get_deposit_rule_display_value(self):
        auction = self.object
        rule = auction.get_deposit_rule_display()
        if auction.deposit_rule == "fixed":
            return f"{rule}: {format_money(auction.deposit_amount, auction.currency)}"
        if auction.deposit_rule == "percent":
            return f"{rule}: {auction.deposit_percent} %"
        return rule

    def get_stagger_seconds_display_value(self):
        return _("%(s)s s between lots") % {"s": self.object.stagger_seconds}

    def get_soft_close_minutes_display_value(self):
        return _("%(m)s min, capped at %(cap)s min") % {"m": self.object.soft_close_minutes,
                                                       "cap": self.object.soft_close_cap_minutes}

    def get_buyers_premium_percent_display_value(self):
        return f"{self.object.buyers_premium_percent} %"

    def get_created_by_display_value(self):
        return _person(self.object.created_by)

    def get_published_by_display_value(self):
        return _person(self.object.published_by)


class AuctionEditView(ServiceEditView):
    """Only a draft is edited (the service says so too): a scheduled one goes back to draft first."""

    def not_a_draft(self):
        messages.error(self.request, _("Only a draft auction can be edited; take it back to draft first."))
        return redirect(self.inspect_url_name, self.object.pk)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != AuctionStatus.DRAFT:
            return self.not_a_draft()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.status != AuctionStatus.DRAFT:
            return self.not_a_draft()
        return super().post(request, *args, **kwargs)


class AuctionViewSet(AuctionsViewSet):
    model = Auction
    name = "auctions_auctions"
    url_prefix = "auctions/auctions"
    icon = "tag"
    menu_label = _("Auctions")
    menu_order = 100
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: Auction.objects.select_related("created_by", "published_by")
                            .annotate(n_lots=Count("lots")))
    create_service = _auction_create
    update_service = _auction_update
    actions = AUCTION_ACTIONS
    inspect_view_class = AuctionInspectView
    edit_view_class = AuctionEditView
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    default_ordering = "-opens_at"
    list_display = ["title", StatusColumn(waiting=(AuctionStatus.SCHEDULED,)),
                    DateTimeColumn("opens_at", label=_("Opens"), sort_key="opens_at"),
                    DateTimeColumn("closes_at", label=_("First lot closes"), sort_key="closes_at"),
                    Column("n_lots", label=_("Lots"), sort_key="n_lots"),
                    Column("created_by", label=_("Prepared by"), accessor=lambda a: _person(a.created_by))]
    inspect_view_fields = ["status", "opens_at", "closes_at", "time_zone", "currency", "stagger_seconds",
                           "soft_close_minutes", "buyers_premium_percent", "deposit_rule", "created_by",
                           "published_by", "published_at", "description", "terms", "viewing_info", "pickup_info"]
    inspect_template_name = "auctions/admin/auction_inspect.html"

    def get_form_class(self, for_update=False):
        return AuctionForm

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=_("Auction “%(object)s” created. Add its lots."), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(success_message=_("Saved."), **kwargs)

    def inspect_context(self, request, obj) -> dict:
        user = request.user
        draft = obj.status == AuctionStatus.DRAFT
        return {
            "lots": list(obj.lots.select_related("increment_table").order_by("number")),
            "log": list(AuctionLogEntry.objects.filter(auction=obj).select_related("actor")[:50]),
            "add_lot_url": (reverse(LotViewSet.name + ":add") + f"?auction={obj.pk}"
                            if draft and user.has_perm("auctions.add_lot") else None),
            "public_url": (reverse("auctions:auction_detail", args=[obj.slug])
                           if obj.status in (AuctionStatus.PUBLISHED, AuctionStatus.CLOSED) else None),
        }


# --------------------------------------------------------------------------------------------
# Lots: made of assets for sale while their auction is a draft; cancelled with a reason
# --------------------------------------------------------------------------------------------


def _lot_create(request, form) -> Lot:
    data = form.cleaned_data
    return auctions.lot_create(
        actor=request.user, auction=data["auction"], title=data["title"], description=data["description"],
        starting_price=data["starting_price"], reserve_price=data["reserve_price"],
        increment_table=data["increment_table"], asset_ids=[a.pk for a in data["assets"]])


LOT_ACTIONS = [
    Action(name="cancel", label=_("Cancel the lot"), permission="auctions.cancel_lot",
           call=lambda request, lot, data: auctions.lot_cancel(lot_id=lot.pk, actor=request.user,
                                                               reason=data["reason"]),
           available=lambda user, lot: _fsm_allows(lot, "cancel"), form_class=CancelForm, danger=True,
           intro=_("The lot leaves the auction for good; its bids stand in the record."),
           success=_("Lot cancelled.")),
]


class LotCreateView(ServiceCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if (self.request.GET.get("auction") or "").isdigit():
            initial["auction"] = self.request.GET["auction"]
        return initial

    def get_success_url(self):
        # Back to the auction, where the next lot is added and the auction scheduled.
        return reverse(AuctionViewSet.name + ":inspect", args=[self.object.auction_id])


class LotInspectView(RecordInspectView):
    def _money(self, value):
        return format_money(value, self.object.currency)

    def get_starting_price_display_value(self):
        return self._money(self.object.starting_price)

    def get_reserve_price_display_value(self):
        return self._money(self.object.reserve_price)

    def get_current_price_display_value(self):
        return self._money(self.object.current_price)

    def get_hammer_price_display_value(self):
        return self._money(self.object.hammer_price)

    def _bidder(self, user_id, pseudonym, username) -> str:
        """A bidder as the public sees them (their pseudonym on this lot), and who they are for the
        roles that may see the bids (view_bid)."""
        if user_id is None:
            return "—"
        label = str(_("Bidder %(n)s") % {"n": pseudonym}) if pseudonym else str(_("A bidder"))
        if self.request.user.has_perm("auctions.view_bid"):
            label = f"{label} ({username})"
        return label

    def get_leader_display_value(self):
        lot = self.object
        return self._bidder(lot.leader_id, lot.leader_pseudonym, lot.leader.username if lot.leader_id else "")

    def get_winner_display_value(self):
        lot = self.object
        if lot.winner_id is None:
            return "—"
        pseudonym = LotPseudonym.objects.filter(lot=lot, bidder_id=lot.winner_id).values_list("number",
                                                                                            flat=True).first()
        return self._bidder(lot.winner_id, pseudonym, lot.winner.username)

    def get_increment_table_display_value(self):
        table = self.object.increment_table
        return f"{table.name}: {_tiers_text(table)}"


def _tiers_text(table: IncrementTable) -> str:
    return "; ".join(
        str(_("%(inc)s below %(bound)s") % {"inc": t.increment, "bound": t.up_to}) if t.up_to is not None
        else str(_("%(inc)s above") % {"inc": t.increment}) for t in table.tiers.all())


class LotViewSet(AuctionsViewSet):
    model = Lot
    name = "auctions_lots"
    url_prefix = "auctions/lots"
    icon = "list-ul"
    menu_label = _("Lots")
    menu_order = 200
    policy_actions = ("add", "view")
    queryset = staticmethod(lambda: Lot.objects.select_related("auction", "leader", "winner", "increment_table"))
    create_service = _lot_create
    actions = LOT_ACTIONS
    add_view_class = LotCreateView
    inspect_view_class = LotInspectView
    list_filter = ["status", "auction"]
    search_fields = ["title", "auction__title"]
    default_ordering = "-ends_at"
    list_display = ["__str__", Column("auction", label=_("Auction")),
                    StatusColumn(waiting=(LotStatus.AWAITING_PAYMENT,)),
                    MoneyColumn("starting_price", label=_("Starting price"), sort_key="starting_price"),
                    MoneyColumn("current_price", label=_("Current price"), sort_key="current_price"),
                    Column("bid_count", label=_("Bids"), sort_key="bid_count"),
                    YesNoColumn("reserve_met", label=_("Reserve met")),
                    DateTimeColumn("ends_at", label=_("Ends"), sort_key="ends_at")]
    inspect_view_fields = ["status", "auction", "category", "starting_price", "reserve_price", "current_price",
                           "bid_count", "reserve_met", "leader", "ends_at", "original_ends_at", "winner",
                           "hammer_price", "closed_at", "increment_table", "description"]
    inspect_template_name = "auctions/admin/lot_inspect.html"

    def get_form_class(self, for_update=False):
        return LotForm

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=_("Lot “%(object)s” added."),
                                           submit_button_label=_("Add the lot"), **kwargs)

    def inspect_context(self, request, obj) -> dict:
        user = request.user
        assets = []
        for asset in obj.assets.select_related("case").order_by("lot_assets__position"):
            url = _url_or_none("custody_asset_detail", asset.pk) if user.has_perm("custody.view_asset") else None
            assets.append({"asset": asset, "url": url})
        photos = []
        if user.has_perm("custody.view_asset"):
            for photo in AssetPhoto.objects.filter(asset__lot_assets__lot=obj).order_by("uploaded_at", "id"):
                if url := _url_or_none("custody:photo", photo.pk, "thumbnail"):
                    photos.append({"url": url, "caption": photo.caption})
        bids = None
        if user.has_perm("auctions.view_bid"):
            bids = list(Bid.objects.filter(lot=obj).select_related("bidder").order_by("-placed_at", "-id")[:200])
        return {
            "assets": assets, "photos": photos, "bids": bids,
            "history": lot_public_history(obj.pk),
            "auction_url": reverse(AuctionViewSet.name + ":inspect", args=[obj.auction_id]),
            "public_url": reverse("auctions:lot_detail", args=[obj.pk]) if obj.status != LotStatus.DRAFT else None,
        }


# --------------------------------------------------------------------------------------------
# Bidder profiles: the review queue, approve or reject, the identity document
# --------------------------------------------------------------------------------------------


class BidderFilterSet(WagtailFilterSet):
    to_review = django_filters.BooleanFilter(label=_("To review"), method="filter_to_review")

    class Meta:
        model = BidderProfile
        fields = ["to_review", "status"]

    def filter_to_review(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(bidders_to_review_q()) if value else queryset.exclude(bidders_to_review_q())


def _bidders():
    return (BidderProfile.objects.select_related("user", "reviewed_by")
            .annotate(queued=ExpressionWrapper(bidders_to_review_q(), output_field=BooleanField())))


BIDDER_ACTIONS = [
    Action(name="approve", label=_("Approve"), permission="auctions.review_bidder",
           call=lambda request, p, data: bidders.bidder_profile_approve(profile_id=p.pk, actor=request.user),
           available=lambda user, p: _fsm_allows(p, "approve") and not bidders.bidder_age_refusal(profile=p),
           blocked=lambda user, p: _fsm_allows(p, "approve") and bidders.bidder_age_refusal(profile=p) or None,
           intro=_("The bidder may bid once their e-mail address is verified and they accept an auction's terms."),
           success=lambda p: _("%(name)s approved.") % {"name": p.legal_name}),
    Action(name="reject", label=_("Reject"), permission="auctions.review_bidder",
           call=lambda request, p, data: bidders.bidder_profile_reject(profile_id=p.pk, actor=request.user,
                                                                       reason=data["reason"]),
           available=lambda user, p: _fsm_allows(p, "reject"), form_class=RejectBidderForm, danger=True,
           intro=_("The bidder is told the reason, and may correct their profile."),
           success=lambda p: _("%(name)s rejected.") % {"name": p.legal_name}),
    Action(name="lift_suspension", label=_("Lift the suspension"), permission="auctions.review_bidder",
           call=lambda request, p, data: bidders.bidder_suspension_lift(profile_id=p.pk, actor=request.user,
                                                                        reason=data["reason"]),
           available=lambda user, p: _fsm_allows(p, "lift_suspension"), form_class=RequiredReasonForm,
           intro=_("The bidder was suspended for won lots left unpaid. Lifted, they may bid again and their "
                   "count of defaults starts afresh."),
           success=lambda p: _("%(name)s may bid again.") % {"name": p.legal_name}),
]

_DOCUMENT_TYPES = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
                   (b"\xff\xd8\xff", "image/jpeg", "jpg"))


def bidder_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A bidder's identity document, as a download, for reviewers (auctions.review_bidder) only. A
    private file: never cached, never sniffed or run by the browser, and each opening is logged."""
    require_perms(request, "auctions.review_bidder")
    profile = get_object_or_404(BidderProfile, pk=pk)
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


class BidderInspectView(RecordInspectView):
    def get_field_label(self, field_name, field):
        return _("Username") if field_name == "user" else super().get_field_label(field_name, field)

    def get_reviewed_by_display_value(self):
        return _person(self.object.reviewed_by)

    def get_id_document_number_display_value(self):
        """An identity card number as printed on the card (stored compact)."""
        profile = self.object
        if profile.id_document_type == IdentityDocumentType.ID_CARD:
            return national_id_format(str(profile.country), profile.id_document_number)
        return profile.id_document_number


class BidderProfileViewSet(AuctionsViewSet):
    model = BidderProfile
    name = "auctions_bidders"
    url_prefix = "auctions/bidders"
    icon = "user"
    menu_label = _("Bidders")
    menu_order = 300
    policy_actions = ("view",)
    queryset = staticmethod(_bidders)
    actions = BIDDER_ACTIONS
    inspect_view_class = BidderInspectView
    filterset_class = BidderFilterSet
    # Names with typos; username, e-mail, document number and phone however typed (common.search).
    listing_search = ListingSearch(words("legal_name"), code("user__username"), code("user__email"),
                                   code("id_document_number"), code("phone"))
    # The review queue first, oldest first; then the rest, newest first.
    default_ordering = ("-queued", "created_at")
    list_display = ["legal_name",
                    Column("user", label=_("Username")),
                    StatusColumn(waiting=(BidderStatus.PENDING,)),
                    YesNoColumn("email_verified", label=_("E-mail verified")),
                    DateTimeColumn("created_at", label=_("Signed up"), sort_key="created_at"),
                    Column("reviewed_by", label=_("Reviewed by"), accessor=lambda p: _person(p.reviewed_by))]
    inspect_view_fields = ["status", "rejection_reason", "suspension_reason", "defaults_count", "legal_name", "user",
                           "address", "country", "phone", "date_of_birth", "id_document_type", "id_document_number",
                           "reviewed_by", "reviewed_at", "created_at"]
    inspect_template_name = "auctions/admin/bidder_inspect.html"

    def inspect_context(self, request, obj) -> dict:
        conditions = Q(name_normalised=obj.name_normalised, date_of_birth=obj.date_of_birth)
        if obj.id_number_normalised:
            conditions |= Q(id_number_normalised=obj.id_number_normalised)
        may_open = request.user.has_perm("auctions.review_bidder") and bool(obj.id_document_file)
        return {
            "screening_hits": list(ScreeningEntry.objects.filter(conditions).select_related("case")),
            "age_refusal": bidders.bidder_age_refusal(profile=obj),
            "document_url": reverse(self.get_url_name("document"), args=[obj.pk]) if may_open else None,
            "log": list(AuctionLogEntry.objects.filter(subject="bidder", subject_id=obj.pk).select_related("actor")),
        }

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path(f"document/<{self.pk_path_converter}:pk>/", refuse_with_403(bidder_document), name="document")]


# --------------------------------------------------------------------------------------------
# Screening list: people who may not bid
# --------------------------------------------------------------------------------------------


def _screening_add(request, form) -> ScreeningEntry:
    return bidders.screening_entry_add(actor=request.user, **form.cleaned_data)


def _screening_remove(request, entry: ScreeningEntry) -> None:
    bidders.screening_entry_remove(actor=request.user, entry_id=entry.pk)


class ScreeningFilterSet(WagtailFilterSet):
    every_lot = django_filters.BooleanFilter(field_name="case", lookup_expr="isnull", label=_("Barred from every lot"))

    class Meta:
        model = ScreeningEntry
        fields = ["every_lot"]


class ScreeningIndexView(RecordIndexView):
    template_name = "auctions/admin/screening_index.html"


class ScreeningEntryViewSet(AuctionsViewSet):
    model = ScreeningEntry
    name = "auctions_screening"
    url_prefix = "auctions/screening"
    icon = "warning"
    menu_label = _("Screening list")
    menu_order = 400
    policy_actions = ("add", "delete", "view")
    queryset = staticmethod(lambda: ScreeningEntry.objects.select_related("case", "added_by"))
    create_service = _screening_add
    delete_service = _screening_remove
    index_view_class = ScreeningIndexView
    filterset_class = ScreeningFilterSet
    search_fields = ["name", "identity_number", "case__reference"]
    default_ordering = "name"
    list_display = ["name", Column("identity_number", label=_("Identity number")),
                    Column("date_of_birth", label=_("Date of birth"),
                           accessor=lambda e: format_day(e.date_of_birth)),
                    Column("case", label=_("Case"),
                           accessor=lambda e: e.case.reference if e.case_id else _("All lots")),
                    Column("reason", label=_("Reason")),
                    DateTimeColumn("added_at", label=_("Added")),
                    Column("added_by", label=_("By"), accessor=lambda e: _person(e.added_by))]
    inspect_view_fields = ["name", "identity_number", "date_of_birth", "case", "reason", "added_by", "added_at"]

    def get_form_class(self, for_update=False):
        return ScreeningEntryForm

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=_("Added to the screening list."),
                                           submit_button_label=_("Add"), **kwargs)

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(success_message=_("Removed from the screening list."), **kwargs)


# --------------------------------------------------------------------------------------------
# Increment tables and their tiers
# --------------------------------------------------------------------------------------------


def _increment_table_save(request, form, table: IncrementTable | None = None) -> IncrementTable:
    return auctions.increment_table_save(
        actor=request.user, name=form.cleaned_data["name"], tiers=form.cleaned_tiers(),
        table_id=table.pk if table else None, is_default=form.cleaned_data["is_default"])


class IncrementTableInspectView(RecordInspectView):
    def get_tiers_display_value(self):
        return _tiers_text(self.object)

    def get_field_label(self, field_name, field):
        if field_name == "tiers":
            return _("Tiers")
        return super().get_field_label(field_name, field)


class IncrementTableViewSet(AuctionsViewSet):
    model = IncrementTable
    name = "auctions_increments"
    url_prefix = "auctions/increments"
    icon = "table"
    menu_label = _("Increment tables")
    menu_order = 500
    policy_actions = ("add", "change", "view")
    queryset = staticmethod(lambda: IncrementTable.objects.prefetch_related("tiers").annotate(n_lots=Count("lots")))
    create_service = _increment_table_save
    update_service = _increment_table_save
    inspect_view_class = IncrementTableInspectView
    search_fields = ["name"]
    default_ordering = "name"
    list_display = ["name", Column("tiers", label=_("Tiers"), accessor=_tiers_text),
                    YesNoColumn("is_default", label=_("Default")),
                    Column("n_lots", label=_("Lots"), sort_key="n_lots")]
    inspect_view_fields = ["name", "is_default", "tiers"]
    create_template_name = edit_template_name = "auctions/admin/increment_form.html"

    def get_form_class(self, for_update=False):
        return IncrementTableForm

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(success_message=_("Increment table “%(object)s” saved."), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(success_message=_("Increment table “%(object)s” saved."), **kwargs)


class AuctionsGroup(ViewSetGroup):
    menu_label = _("Auctions")
    menu_name = "auctions"  # not the label's slug, which follows the first request's language
    menu_icon = "tag"
    menu_order = 250
    items = (AuctionViewSet, LotViewSet, BidderProfileViewSet, ScreeningEntryViewSet, IncrementTableViewSet)


@hooks.register("construct_homepage_panels")
def auctions_dashboard(request, panels):
    queue_panel_hook(request, panels, name="auctions", title=_("Auctions"), order=120, queues=dashboard.queues)


@hooks.register("register_admin_viewset")
def register_auctions():
    return AuctionsGroup()

