"""Reconciliation: the ledger checked against itself, read-only.

`ledger_reconcile()` returns what it checked and every mismatch it found; the management command
`ledger_reconcile` prints it and the nightly task (ledger.tasks) e-mails finance when something is
wrong. Every check is an aggregate in the database, so it stays one query each however large the
books grow. Balances are never cached in this project (they are sums of postings), so there is no
cached balance to compare.

The ledger knows nothing of invoices or Stripe (they live in apps above it): those apps register
their own checks (`register_check`, from their AppConfig.ready). A check returns what it counted,
the mismatches it found, and what it expects each case's escrow to hold from its own records (an
invoice paid for an asset sold early): check 5 adds that to the early-sale proceeds the ledger
itself knows of (direct sales' escrow-in entries), so that the expected side of the comparison
never comes from the escrow postings themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.utils.translation import gettext as _

from custody.models import Case

from .models import Account, AccountPurpose, EntryKind, JournalEntry, Posting

NOT_YET_CHECKED = ("invoices", "Stripe charges")

EscrowKey = tuple[int, str]  # (case id, currency)


@dataclass
class CheckResult:
    """What a registered check found: `counts` (what it checked, by a plural noun: "paid invoices"),
    the sentence saying what it checked, its mismatches, and the escrow it expects per case and
    currency from its own records (money into escrow positive)."""

    counts: dict[str, int] = field(default_factory=dict)
    checked: str = ""
    mismatches: list[str] = field(default_factory=list)
    escrow_expected: dict[EscrowKey, Decimal] = field(default_factory=dict)


_CHECKS: dict[str, Callable[[], CheckResult]] = {}


def register_check(name: str, check: Callable[[], CheckResult]) -> None:
    """Add a check to every reconciliation (registering a name again replaces its check)."""
    _CHECKS[name] = check


def registered_checks() -> dict[str, Callable[[], CheckResult]]:
    return dict(_CHECKS)


@dataclass
class Reconciliation:
    entries: int = 0
    postings: int = 0
    accounts: int = 0
    cases: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def lines(self) -> list[str]:
        out = [_("Checked %(entries)s entries, %(postings)s postings, %(accounts)s accounts, %(cases)s cases.")
               % {"entries": self.entries, "postings": self.postings, "accounts": self.accounts,
                  "cases": self.cases},
               _("Checked: the books balance per currency; every entry balances per currency; every posting is "
                 "in its account's currency; no entry is reversed twice; each case's escrow equals its open "
                 "early-sale proceeds."),
               _("Cached balances: none are kept (every balance is a sum of postings), so none to compare.")]
        if self.counts:
            counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
            out.append(_("Checked %(counts)s.") % {"counts": counted})
        out.extend(self.checked)
        if not self.checked:
            out.append(_("Not yet checked: %(what)s.") % {"what": ", ".join(NOT_YET_CHECKED)})
        if self.ok:
            out.append(_("No mismatch."))
        else:
            out.append(_("%(count)s mismatch(es):") % {"count": len(self.mismatches)})
            out.extend(f"  - {m}" for m in self.mismatches)
        return out


def _kind_of(prefix_of: str):
    """The kind of an entry (or, for a reversal, of the entry it reverses): its idempotency key's prefix."""
    return Substr(F(prefix_of), 1, StrIndex(F(prefix_of), Value(":")) - 1, output_field=CharField())


def ledger_reconcile() -> Reconciliation:
    report = Reconciliation(
        entries=JournalEntry.objects.count(),
        postings=Posting.objects.count(),
        accounts=Account.objects.count(),
        cases=JournalEntry.objects.exclude(case=None).values("case").distinct().count(),
    )
    found = report.mismatches

    # 1. The books balance overall, per currency.
    for row in Posting.objects.values("currency").annotate(total=Sum("amount")).exclude(total=0).order_by("currency"):
        found.append(_("The books do not balance in %(cur)s: postings sum to %(total)s.")
                     % {"cur": row["currency"], "total": f"{row['total']:+}"})

    # 2. Every entry balances, per currency.
    rows = (Posting.objects.values("entry_id", "currency").annotate(total=Sum("amount")).exclude(total=0)
            .order_by("entry_id", "currency"))
    for row in rows:
        found.append(_("Entry #%(id)s does not balance in %(cur)s: its postings sum to %(total)s.")
                     % {"id": row["entry_id"], "cur": row["currency"], "total": f"{row['total']:+}"})

    # 3. Each posting is in its account's currency.
    for p in Posting.objects.exclude(currency=F("account__currency")).values("id", "entry_id", "currency",
                                                                            "account__code").order_by("id"):
        found.append(_("Posting %(id)s of entry #%(entry)s is in %(cur)s, but account %(code)s is not.")
                     % {"id": p["id"], "entry": p["entry_id"], "cur": p["currency"], "code": p["account__code"]})

    # 4. No entry reversed twice (the database refuses it; this checks the constraint is still there).
    for row in (JournalEntry.objects.exclude(reverses=None).values("reverses_id").annotate(n=Count("id"))
                .filter(n__gt=1).order_by("reverses_id")):
        found.append(_("Entry #%(id)s is reversed %(n)s times.") % {"id": row["reverses_id"], "n": row["n"]})

    # The checks of the apps above (invoices, payments, Stripe charges), and what they expect in escrow.
    expected: dict[EscrowKey, Decimal] = defaultdict(Decimal)
    for _name, check in sorted(_CHECKS.items()):
        result = check()
        for what, n in result.counts.items():
            report.counts[what] = report.counts.get(what, 0) + n
        if result.checked:
            report.checked.append(result.checked)
        found.extend(result.mismatches)
        for key, amount in result.escrow_expected.items():
            expected[key] += amount

    # 5. Each case's escrow equals its open early-sale proceeds: those the registered checks expect
    # from their records (paid invoices), plus, from the other side of the ledger's own escrow
    # entries, money received into the bank by escrow-in entries, less what escrow-state and
    # escrow-owner entries paid out to the state or the owner (a reversal counts as its original's
    # kind, with its mirrored amounts).
    kinds = (Posting.objects.exclude(entry__case=None)
             .annotate(kind=Coalesce(_kind_of("entry__reverses__idempotency_key"),
                                     _kind_of("entry__idempotency_key")))
             .filter(Q(kind=EntryKind.ESCROW_IN, account__purpose=AccountPurpose.BANK)
                     | Q(kind__in=[EntryKind.ESCROW_STATE, EntryKind.ESCROW_OWNER],
                         account__purpose__in=[AccountPurpose.STATE_PROCEEDS, AccountPurpose.OWNER_REFUND]))
             .values("entry__case_id", "entry__case__reference", "currency").annotate(total=Sum("amount"))
             .order_by())
    references: dict[int, str] = {}
    for row in kinds:
        expected[(row["entry__case_id"], row["currency"])] += row["total"]
        references[row["entry__case_id"]] = row["entry__case__reference"]
    held: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in (Posting.objects.filter(account__purpose=AccountPurpose.ESCROW)
                .values("account__case_id", "account__case__reference", "currency").annotate(total=Sum("amount"))
                .order_by()):
        held[(row["account__case_id"], row["currency"])] -= row["total"]
        references[row["account__case_id"]] = row["account__case__reference"]
    missing = {case_id for case_id, _cur in expected} - set(references)
    references.update(Case.objects.filter(pk__in=missing).values_list("pk", "reference"))
    for key in sorted(set(expected) | set(held), key=lambda k: (references.get(k[0]) or "", k[1])):
        if expected.get(key, Decimal("0")) != held.get(key, Decimal("0")):
            found.append(_("Case %(ref)s: escrow holds %(held)s %(cur)s, but its open early-sale proceeds are "
                           "%(open)s %(cur)s.")
                         % {"ref": references.get(key[0]), "cur": key[1], "held": held.get(key, Decimal("0.00")),
                            "open": expected.get(key, Decimal("0.00"))})
    return report
