"""Staff roles as Django groups. Each app lists the permissions its roles need; the app's data
migration calls `sync_roles` so that the groups exist in every database, demo or production."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.admin import policies

CASE_OFFICER = "Case officer"
CUSTODIAN = "Custodian"
VALUER = "Valuer"
AUCTION_MANAGER = "Auction manager"
FINANCE_OFFICER = "Finance officer"
APPROVER = "Approver"
AUDITOR = "Auditor"
EDITOR = "Editor"  # communications staff: the public site's pages only (see cms.roles)

ROLES = [CASE_OFFICER, CUSTODIAN, VALUER, AUCTION_MANAGER, FINANCE_OFFICER, APPROVER, AUDITOR, EDITOR]
ROLE_LABELS = {
    CASE_OFFICER: _("Case officer"),
    CUSTODIAN: _("Custodian"),
    VALUER: _("Valuer"),
    AUCTION_MANAGER: _("Auction manager"),
    FINANCE_OFFICER: _("Finance officer"),
    APPROVER: _("Approver"),
    AUDITOR: _("Auditor"),
    EDITOR: _("Editor"),
}

_VIEW_ALL = ["view_case", "view_party", "view_asset", "view_courtorder", "view_storagelocation",
             "view_assetidentifier", "view_assetphoto", "view_custodyevent"]

# custody's share of each role. Every staff role can read the register; the auditor only reads.
CUSTODY_ROLE_PERMISSIONS: dict[str, list[str]] = {
    CASE_OFFICER: _VIEW_ALL + [
        "add_case", "change_case", "add_party", "change_party", "delete_party",
        "add_asset", "change_asset", "add_courtorder", "change_courtorder",
        "add_assetidentifier", "change_assetidentifier", "delete_assetidentifier", "add_assetphoto",
        "restrain_asset", "confiscate_asset", "request_early_sale",
    ],
    CUSTODIAN: _VIEW_ALL + [
        "change_asset", "add_assetphoto", "record_custody_event", "add_storagelocation",
        "change_storagelocation",
    ],
    VALUER: list(_VIEW_ALL),
    AUCTION_MANAGER: _VIEW_ALL + ["sell_asset"],
    FINANCE_OFFICER: list(_VIEW_ALL),
    APPROVER: _VIEW_ALL + ["endorse_early_sale", "dispose_asset"],
    AUDITOR: list(_VIEW_ALL),
}


# The audit trail (Wagtail's log of every staff change, the "Site history" report) is the auditors':
# reading it is this permission of Wagtail's log model, granted to these roles (custody migration 0014).
AUDIT_TRAIL_PERMISSION = policies.AUDIT_TRAIL_PERMISSION
AUDIT_TRAIL_ROLES = [AUDITOR]
# Wagtail's report shows an entry only to those holding some permission on its record's model: the
# auditors also read these, whose models have no page in the admin (custody migration 0015): the
# failed sign-ins a superuser forgot by unlocking them (common.security.services).
# Custody migration 0017 adds staff turning off their own two-factor authentication (logged on the
# authenticator they forgot).
AUDIT_TRAIL_ALSO_READS = {"axes": ["view_accessattempt"], "otp_totp": ["view_totpdevice"]}
# Added after the mapping above was first applied (custody migration 0014 grants it: earlier migrations
# sync the mapping before the model exists): every role that reads the register reads the requests
# awaiting a second approver too.
END_REQUEST_VIEW = "view_custodyendrequest"


def ensure_permissions(apps, app_label: str) -> None:
    """Create `app_label`'s permissions now (Django makes them only after the whole migrate run)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True  # migration state apps lack it; create_permissions needs it set
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None


def sync_roles(apps, app_label: str, mapping: dict[str, list[str]]) -> None:
    """Create the groups and grant them `app_label`'s permissions (for use in data migrations)."""
    ensure_permissions(apps, app_label)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for role, codenames in mapping.items():
        group = Group.objects.get(name=role)
        perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Unknown {app_label} permissions for {role}: {sorted(missing)}")
        group.permissions.add(*perms)
    # Everyone on staff needs into the Wagtail admin.
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    for role in ROLES:
        Group.objects.get(name=role).permissions.add(*admin_access)
