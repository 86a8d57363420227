"""ledger's share of each staff role: finance keeps the books, the others who need to can read them."""

from custody import roles

_VIEW = ["view_account", "view_journalentry", "view_posting"]

LEDGER_ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.FINANCE_OFFICER: _VIEW + ["add_journalentry", "add_account"],
    roles.CASE_OFFICER: list(_VIEW),
    roles.APPROVER: list(_VIEW),
    roles.AUDITOR: list(_VIEW),
}
