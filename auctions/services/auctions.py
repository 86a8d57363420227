"""Auctions, their lots and the increment tables: an auction manager prepares a draft auction and
its lots of for-sale assets, schedules it, and an approver publishes it; lots open at the opening
time. Closing lives in `closing`."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.transitions import require_perm, save_or_conflict, transition_run
from custody.models import Asset, AssetStatus, category_rule

from .. import selectors
from ..events import auction_log_write
from ..exceptions import NotPermitted, TransitionRefused
from ..models import Auction, AuctionStatus, IncrementTable, IncrementTier, Lot, LotAsset, LotStatus
from . import closing

# Fields of an auction that may change while it is a draft (everything but the life cycle).
AUCTION_EDITABLE_FIELDS = (
    "title", "slug", "description", "terms", "opens_at", "closes_at", "time_zone", "currency",
    "buyers_premium_percent", "deposit_rule", "deposit_amount", "deposit_percent", "pickup_info", "viewing_info",
    "soft_close_minutes", "soft_close_cap_minutes", "stagger_seconds",
)


@transaction.atomic
def auction_create(*, actor, **fields: Any) -> Auction:
    require_perm(actor, "auctions.add_auction")
    auction = Auction(created_by=actor, **fields)
    auction.full_clean(exclude=["status"])
    auction.save()
    auction_log_write(subject="auction", obj=auction, action="create", to_state=auction.status, actor=actor,
                      auction_id=auction.pk)
    return auction


@transaction.atomic
def auction_update(*, auction_id: int, actor, **fields: Any) -> Auction:
    """An auction manager edits a draft auction."""
    require_perm(actor, "auctions.change_auction")
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    if auction.status != AuctionStatus.DRAFT:
        raise TransitionRefused(_("Only a draft auction can be edited; unschedule it first."))
    unknown = set(fields) - set(AUCTION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(auction, name, value)
    auction.full_clean(exclude=["status", "created_by", "published_by"])
    auction.save()
    auction_log_write(subject="auction", obj=auction, action="update", actor=actor, auction_id=auction.pk)
    return auction


# --------------------------------------------------------------------------------------------
# Lots
# --------------------------------------------------------------------------------------------


def _check_assets_for_sale(assets: list[Asset]) -> None:
    wrong = [a.reference for a in assets if a.status != AssetStatus.FOR_SALE]
    if wrong:
        raise TransitionRefused(
            _("Only assets that are for sale can be auctioned; not: %(refs)s.") % {"refs": ", ".join(wrong)})
    # custody's CATEGORY_RULES: cash, bank accounts, securities and bullion never go to the public auction.
    never = [f"{a.reference} ({a.get_category_display()})" for a in assets if not category_rule(a.category).auctioned]
    if never:
        raise TransitionRefused(
            _("These assets are not sold at public auction because of their category: %(refs)s.")
            % {"refs": ", ".join(never)})


def _assets_in_other_lots(asset_ids: list[int], lot_id: int | None) -> list[str]:
    qs = LotAsset.objects.filter(asset_id__in=asset_ids).exclude(
        lot__status__in=[LotStatus.UNSOLD, LotStatus.CANCELLED])
    if lot_id is not None:
        qs = qs.exclude(lot_id=lot_id)
    return list(qs.values_list("asset__reference", flat=True))


@transaction.atomic
def lot_create(*, actor, auction: Auction, title: str, starting_price: Decimal, asset_ids: list[int],
               reserve_price: Decimal | None = None, increment_table=None, number: int | None = None,
               description: str = "") -> Lot:
    """Add a lot of for-sale assets to a draft auction."""
    require_perm(actor, "auctions.add_lot")
    auction = Auction.objects.select_for_update().get(pk=auction.pk)
    if auction.status != AuctionStatus.DRAFT:
        raise TransitionRefused(_("Lots can only be added while the auction is a draft."))
    if not asset_ids:
        raise ValidationError(_("A lot holds at least one asset."))
    assets = list(Asset.objects.filter(pk__in=asset_ids).order_by("pk"))
    if len(assets) != len(set(asset_ids)):
        raise ValidationError(_("Some of these assets do not exist."))
    _check_assets_for_sale(assets)
    taken = _assets_in_other_lots(asset_ids, None)
    if taken:
        raise TransitionRefused(_("Already in another lot: %(refs)s.") % {"refs": ", ".join(taken)})
    if number is None:
        number = (auction.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    table = increment_table or selectors.default_increment_table()
    by_id = {a.pk: a for a in assets}
    lot = Lot(auction=auction, number=number, title=title, description=description,
              category=by_id[asset_ids[0]].category, currency=auction.currency, starting_price=starting_price,
              reserve_price=reserve_price, increment_table=table)
    lot.full_clean(exclude=["status"])
    if reserve_price is not None and reserve_price < starting_price:
        raise ValidationError({"reserve_price": _("The reserve cannot be below the starting price.")})
    lot.save()
    LotAsset.objects.bulk_create([LotAsset(lot=lot, asset_id=a, position=i) for i, a in enumerate(asset_ids)])
    auction_log_write(subject="lot", obj=lot, action="create", to_state=lot.status, actor=actor, auction_id=auction.pk,
                      lot_id=lot.pk)
    return lot


@transaction.atomic
def lot_cancel(*, lot_id: int, actor, reason: str) -> Lot:
    if not (reason or "").strip():
        raise TransitionRefused(_("Give a reason for cancelling the lot."))
    lot = Lot.objects.select_for_update().get(pk=lot_id)
    moved = transition_run(lot, "cancel", actor=actor, save=False)
    lot.version += 1
    save_or_conflict(lot)
    auction_log_write(subject="lot", obj=lot, action="cancel", moved=moved, actor=actor, note=reason.strip(),
                      auction_id=lot.auction_id, lot_id=lot.pk)
    closing.auction_finalise_enqueue(auction_id=lot.auction_id)
    return lot


# --------------------------------------------------------------------------------------------
# Scheduling, publishing, opening
# --------------------------------------------------------------------------------------------


def auction_schedule_refusal(*, auction: Auction, lots: list[Lot] | None = None) -> str | None:
    """Why a draft auction cannot be scheduled now (no lot, or its closing time has passed), or None.
    `lots`: its lots that are not cancelled, if the caller holds them already."""
    has_lots = bool(lots) if lots is not None else auction.lots.exclude(status=LotStatus.CANCELLED).exists()
    if not has_lots:
        return _("An auction needs at least one lot.")
    if auction.closes_at <= timezone.now():
        return _("The closing time has already passed.")
    return None


@transaction.atomic
def auction_schedule(*, auction_id: int, actor) -> Auction:
    """An auction manager schedules a draft auction: every lot gets its staggered end (lot N ends
    `stagger_seconds` after lot N-1) and waits for an approver to publish it."""
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    lots = list(auction.lots.select_for_update().exclude(status=LotStatus.CANCELLED).order_by("number"))
    if why := auction_schedule_refusal(auction=auction, lots=lots):
        raise TransitionRefused(why)
    _check_assets_for_sale(list(Asset.objects.filter(lot_assets__lot__in=lots).distinct()))
    moved = transition_run(auction, "schedule", actor=actor)
    auction_log_write(subject="auction", obj=auction, action="schedule", moved=moved, actor=actor,
                      auction_id=auction.pk)
    for i, lot in enumerate(lots):
        lot.ends_at = lot.original_ends_at = auction.closes_at + timedelta(seconds=i * auction.stagger_seconds)
        lot_moved = transition_run(lot, "schedule", actor=actor)
        auction_log_write(subject="lot", obj=lot, action="schedule", moved=lot_moved, actor=actor,
                          auction_id=auction.pk, lot_id=lot.pk)
    return auction


@transaction.atomic
def auction_unschedule(*, auction_id: int, actor) -> Auction:
    """An auction manager takes a scheduled auction back to draft (to edit it, or its lots) before
    an approver publishes it; its lots lose their ends, given again when it is scheduled."""
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    lots = list(auction.lots.select_for_update().filter(status=LotStatus.SCHEDULED).order_by("number"))
    moved = transition_run(auction, "unschedule", actor=actor)
    auction_log_write(subject="auction", obj=auction, action="unschedule", moved=moved, actor=actor,
                      auction_id=auction.pk)
    for lot in lots:
        lot.ends_at = lot.original_ends_at = None
        lot_moved = transition_run(lot, "unschedule", actor=actor)
        auction_log_write(subject="lot", obj=lot, action="unschedule", moved=lot_moved, actor=actor,
                          auction_id=auction.pk, lot_id=lot.pk)
    return auction


def auction_publish_refusal(*, auction: Auction, actor) -> str | None:
    """The four-eyes rule: why `actor` may not publish `auction` (they prepared it), or None."""
    if auction.created_by_id == actor.pk:
        return _("You prepared this auction: another approver must publish it.")
    return None


@transaction.atomic
def auction_publish(*, auction_id: int, actor, now: datetime | None = None) -> Auction:
    """An approver — never the auction's creator — publishes a scheduled auction. Its lots open at
    the opening time (at once if it has passed); a closing task is scheduled for each lot."""
    now = now or timezone.now()
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    if why := auction_publish_refusal(auction=auction, actor=actor):
        raise NotPermitted(why)
    lots = list(auction.lots.select_for_update().filter(status=LotStatus.SCHEDULED))
    _check_assets_for_sale(list(Asset.objects.filter(lot_assets__lot__in=lots).distinct()))
    auction.published_by = actor
    moved = transition_run(auction, "publish", actor=actor)
    auction_log_write(subject="auction", obj=auction, action="publish", moved=moved, actor=actor, auction_id=auction.pk)
    if auction.opens_at <= now:
        _open_lots(lots, actor=actor)
    from .. import tasks

    ends = [(lot.pk, lot.ends_at) for lot in lots]
    opens_at = auction.opens_at
    transaction.on_commit(lambda: tasks.schedule_lot_tasks(auction_id=auction_id, opens_at=opens_at, ends=ends))
    return auction


def _open_lots(lots: list[Lot], *, actor=None) -> None:
    for lot in lots:
        moved = transition_run(lot, "open")
        auction_log_write(subject="lot", obj=lot, action="open", moved=moved, actor=actor, auction_id=lot.auction_id,
                          lot_id=lot.pk)


CANCELLABLE_LOT_STATES = (LotStatus.DRAFT, LotStatus.SCHEDULED, LotStatus.OPEN, LotStatus.CLOSED)


@transaction.atomic
def auction_cancel(*, auction_id: int, actor, reason: str) -> Auction:
    """An auction manager calls off a whole auction that has not ended (draft, scheduled or
    published): every lot is cancelled with it, and the deposits are released once it commits.
    Refused when a lot has been won already: those lots are settled, the rest cancelled one by one."""
    if not (reason or "").strip():
        raise TransitionRefused(_("Give a reason for cancelling the auction."))
    auction = Auction.objects.select_for_update().get(pk=auction_id)
    lots = list(auction.lots.select_for_update().order_by("number"))
    if any(lot.status == LotStatus.AWAITING_PAYMENT for lot in lots):
        raise TransitionRefused(_("A lot of this auction has been won: cancel its other lots one by one."))
    moved = transition_run(auction, "cancel", actor=actor)
    auction_log_write(subject="auction", obj=auction, action="cancel", moved=moved, actor=actor,
                      note=reason.strip(), auction_id=auction.pk)
    for lot in lots:
        if lot.status in CANCELLABLE_LOT_STATES:
            lot_moved = transition_run(lot, "cancel", save=False)
            lot.version += 1
            save_or_conflict(lot)
            auction_log_write(subject="lot", obj=lot, action="cancel", moved=lot_moved, actor=actor,
                              note=reason.strip(), auction_id=auction.pk, lot_id=lot.pk)
    closing.auction_finalise_enqueue(auction_id=auction.pk)
    return auction


@transaction.atomic
def lots_open_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Open the scheduled lots of published auctions whose opening time has come."""
    now = now or timezone.now()
    lots = list(Lot.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=LotStatus.SCHEDULED, auction__status=AuctionStatus.PUBLISHED,
                        auction__opens_at__lte=now)
                .order_by("id")[:batch])
    _open_lots(lots)
    return len(lots)


# --------------------------------------------------------------------------------------------
# Increment tables
# --------------------------------------------------------------------------------------------


def _check_tiers(tiers: list[tuple[Decimal | None, Decimal]]) -> None:
    if not tiers:
        raise ValidationError(_("An increment table needs at least one tier."))
    tops = [t for t in tiers if t[0] is None]
    if len(tops) != 1:
        raise ValidationError(_("Exactly one tier must have no upper bound (the top tier)."))
    bounds = [t[0] for t in tiers if t[0] is not None]
    if len(set(bounds)) != len(bounds):
        raise ValidationError(_("Two tiers have the same upper bound."))
    for _bound, increment in tiers:
        if increment is None or increment <= 0:
            raise ValidationError(_("Every increment must be positive."))


@transaction.atomic
def increment_table_save(*, actor, name: str, tiers: list[tuple[Decimal | None, Decimal]],
                         table_id: int | None = None, is_default: bool = False) -> IncrementTable:
    """Create or replace an increment table with its tiers (price below `up_to` → increment; the
    top tier has no bound). Lots already bidding pick up the change at their next bid."""
    require_perm(actor, "auctions.change_incrementtable" if table_id else "auctions.add_incrementtable")
    _check_tiers(tiers)
    if table_id:
        table = IncrementTable.objects.select_for_update().get(pk=table_id)
        table.name = name.strip()
    else:
        table = IncrementTable(name=name.strip())
    if is_default:
        IncrementTable.objects.filter(is_default=True).exclude(pk=table.pk).update(is_default=False)
    table.is_default = is_default or (table.pk is not None and table.is_default)
    table.full_clean()
    table.save()
    table.tiers.all().delete()
    for up_to, increment in tiers:
        IncrementTier.objects.create(table=table, up_to=up_to, increment=increment)
    return table


# --------------------------------------------------------------------------------------------
# After a default: the lot offered again (second chance) or relisted
# --------------------------------------------------------------------------------------------


def lot_mark_defaulted(*, lot_id: int, note: str = "") -> Lot:
    """Settlement's default sweep: the winner did not pay by the deadline (in its transaction)."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        moved = transition_run(lot, "mark_defaulted", save=False)
        lot.version += 1
        save_or_conflict(lot)
        auction_log_write(subject="lot", obj=lot, action="default", moved=moved, note=note[:500],
                          auction_id=lot.auction_id, lot_id=lot.pk)
    return lot


def lot_award_second_chance(*, lot_id: int, winner_id: int, price: Decimal, actor=None) -> Lot:
    """A second-chance offer accepted: the lot is won again, by that bidder at their own maximum."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        moved = transition_run(lot, "award_second_chance", save=False, winner_id=winner_id, price=price)
        lot.version += 1
        save_or_conflict(lot)
        auction_log_write(subject="lot", obj=lot, action="second_chance", moved=moved, actor=actor,
                          note=f"{price} {lot.currency}", auction_id=lot.auction_id, lot_id=lot.pk)
    return lot


def lot_give_up(*, lot_id: int, actor=None, note: str = "") -> Lot:
    """A defaulted lot given up as unsold: its assets are free for another lot."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        moved = transition_run(lot, "give_up", save=False)
        lot.version += 1
        save_or_conflict(lot)
        auction_log_write(subject="lot", obj=lot, action="give_up", moved=moved, actor=actor, note=note[:500],
                          auction_id=lot.auction_id, lot_id=lot.pk)
    return lot


RELIST_AUCTION_STATES = (AuctionStatus.DRAFT, AuctionStatus.SCHEDULED)


@transaction.atomic
def lot_relist(*, actor, lot_id: int, auction_id: int) -> Lot:
    """A defaulted lot given up and its assets put in a new draft lot of an auction still being
    prepared (draft, or scheduled: the new lot is scheduled with the others when the auction is
    scheduled again). The title, description, prices and increments are copied."""
    require_perm(actor, "auctions.add_lot")
    auction = Auction.objects.select_for_update().filter(pk=auction_id).first()
    if auction is None or auction.status not in RELIST_AUCTION_STATES:
        raise TransitionRefused(_("Choose an auction that is still a draft or scheduled."), field="auction")
    old = Lot.objects.select_for_update().get(pk=lot_id)
    if old.auction_id == auction.pk:
        raise TransitionRefused(_("Choose another auction than the lot's own."), field="auction")
    if auction.currency != old.currency:
        raise TransitionRefused(_("That auction is in %(cur)s, the lot in %(lot)s.")
                                % {"cur": auction.currency, "lot": old.currency}, field="auction")
    asset_ids = list(LotAsset.objects.filter(lot=old).order_by("position", "id").values_list("asset_id", flat=True))
    if old.status == LotStatus.DEFAULTED:
        lot_give_up(lot_id=old.pk, actor=actor, note=_("relisted in %(auction)s") % {"auction": auction.title})
    elif old.status != LotStatus.UNSOLD:
        raise TransitionRefused(_("Only a lot whose buyer defaulted, or an unsold one, can be relisted."))
    _check_assets_for_sale(list(Asset.objects.filter(pk__in=asset_ids)))
    taken = _assets_in_other_lots(asset_ids, old.pk)
    if taken:
        raise TransitionRefused(_("Already in another lot: %(refs)s.") % {"refs": ", ".join(taken)})
    number = (auction.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    lot = Lot.objects.create(auction=auction, number=number, title=old.title, description=old.description,
                             category=old.category, currency=old.currency, starting_price=old.starting_price,
                             reserve_price=old.reserve_price, increment_table_id=old.increment_table_id)
    LotAsset.objects.bulk_create([LotAsset(lot=lot, asset_id=a, position=i) for i, a in enumerate(asset_ids)])
    auction_log_write(subject="lot", obj=lot, action="relist", to_state=lot.status, actor=actor,
                      note=f"relisted from lot {old.pk} ({old.auction.title} no. {old.number})",
                      auction_id=auction.pk, lot_id=lot.pk)
    return lot
