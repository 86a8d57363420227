"""The audit trail: staff changes made through the admin appear in Wagtail's log, which auditors (and
only they, besides superusers) read and filter in the "Site history" report. Every admin view that may
change data is accounted for (built on the admin kit, which logs, or declared below), and one change of
each kind is followed from the POST to the auditor's report."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views import generic
from wagtail.models import ModelLogEntry

from auctions.models import ScreeningEntry
from common.admin.actions import ActionView
from common.admin.listings import ListingActionView
from common.admin.viewsets import ServiceDeleteView, ServiceFormMixin
from custody.models import Asset, StorageLocation
from tests.custody.admin_helpers import order_for
from tests.factories import CaseFactory, StorageLocationFactory, UserFactory
from valuation.models import DepreciationProfile, EarlySaleRun

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"


def _edit_storage(client, custodian, location: StorageLocation) -> None:
    client.force_login(custodian)
    response = client.post(reverse("custody_storage:edit", args=[location.pk]), {
        "name": "North warehouse", "kind": location.kind, "address": "Quai 4", "public_area": "Antwerp",
        "daily_rate": "14.00", "currency": "EUR", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _restrain(client, case_officer, asset: Asset) -> None:
    client.force_login(case_officer)
    order = order_for(asset, "restraint")
    response = client.post(reverse("custody_assets:action_restrain", args=[asset.pk]),
                           {"expected_status": "identified", "order": order.pk, "reason": "Freezing order served"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_edit_and_a_transition_in_the_admin_are_in_the_auditors_report(client, asset, case_officer, custodian,
                                                                           auditor):
    # Given a custodian corrects a storage site and a case officer restrains an asset, in the admin
    location = StorageLocationFactory(name="Warehouse A")
    _edit_storage(client, custodian, location)
    _restrain(client, case_officer, asset)

    # Then both are in Wagtail's log: who, what, which record, and the reason of the step
    edit = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(location.pk))
    assert (edit.user, edit.label) == (custodian, "North warehouse")
    step = ModelLogEntry.objects.get(action="common.transition", object_id=str(asset.pk))
    assert step.user == case_officer
    assert step.data == {"transition": "restrain", "from": "identified", "to": "restrained",
                         "reason": "Freezing order served"}

    # And the auditor reads them in the report
    client.force_login(auditor)
    html = client.get(REPORT).content.decode()
    assert "North warehouse" in html and str(asset) in html
    assert "Freezing order served" in html
    # filtered by user: only the case officer's step
    html = client.get(REPORT, {"user": case_officer.pk}).content.decode()
    assert str(asset) in html and "North warehouse" not in html
    # by action: only the edit
    html = client.get(REPORT, {"action": "wagtail.edit"}).content.decode()
    assert "North warehouse" in html and str(asset) not in html
    # by date: nothing before today
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    html = client.get(REPORT, {"timestamp_to": yesterday}).content.decode()
    assert "North warehouse" not in html and str(asset) not in html
    # and the Reports menu names it for them
    assert REPORT in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_refused_step_leaves_no_entry(client, asset, case_officer):
    client.force_login(case_officer)
    response = client.post(reverse("custody_assets:action_restrain", args=[asset.pk]),
                           {"expected_status": "identified", "reason": "No order cited"})
    assert response.status_code == 400
    assert not ModelLogEntry.objects.filter(object_id=str(asset.pk), action="common.transition").exists()


def test_other_staff_cannot_open_the_report(client, case_officer, editor):
    for user in (case_officer, editor):
        client.force_login(user)
        assert client.get(REPORT).status_code == 403
        assert client.get(REPORT + "results/").status_code == 403
        assert REPORT not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()
    assert client.get(REPORT).status_code == 302


# --------------------------------------------------------------------------------------------
# Every staff view that changes data writes the trail
# --------------------------------------------------------------------------------------------
# The admin's views write Wagtail's log by construction when they are built on the kit (common.admin:
# action, create, edit, delete and listing-step views) or are Wagtail's own model views, which log their
# saves. Anything else under /admin/ is either read-only (a class-based view with no POST handler, or
# declared below with why) or writes the log by hand (declared below, and tested in the next table).

LOGGED_BY_THE_KIT = (ActionView, ServiceFormMixin, ServiceDeleteView, ListingActionView,
                     generic.CreateView, generic.EditView, generic.DeleteView, generic.CopyView)
CHANGES_NOTHING = {
    "audit_trail": "the report itself",
    "audit_trail_results": "the report itself",
    "custody_chain:index": "its POST recomputes the custody chain's hashes and changes nothing",
    "disposition_release_note": "a download",
    "disposition_invoices:pdf": "a download",
    "disposition_claims:document": "a download",
    "auctions_bidders:document": "a download (each opening is in the auctions log)",
    "cooperation_report:csv": "a download",
    "simple_translation:submit_page_translation": "Wagtail's: it logs the copy (wagtail.copy_for_translation)",
    "simple_translation:submit_snippet_translation": "Wagtail's: no snippet here is translatable (404)",
    "two_factor_verify": "a step of signing in (the staff member's own session), like the sign-in itself",
    "two_factor_setup": "a step of signing in: the staff member's own authenticator, not agency data",
}
LOGGED_BY_HAND = {
    "unlock_sign_in": "common.security.services.sign_in_lock_release",
    "two_factor_remove": "common.security.services.totp_device_remove",
}


def _admin_views(patterns=None, prefix="", namespace=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _admin_views(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            wagtails = name.split(":")[0].startswith("wagtail") if name else \
                (_view_of(p.callback).__module__ or "").startswith("wagtail")
            if route.startswith("admin/") and not wagtails:
                yield name or route, p.callback


def _view_of(callback):
    while getattr(callback, "view_class", None) is None and hasattr(callback, "__wrapped__"):
        callback = callback.__wrapped__
    return getattr(callback, "view_class", None) or callback


def test_every_admin_view_that_may_change_data_writes_the_audit_trail(db):
    unaccounted = []
    for key, callback in _admin_views():
        view = _view_of(callback)
        if key in CHANGES_NOTHING or key in LOGGED_BY_HAND:
            continue
        if isinstance(view, type):
            if issubclass(view, LOGGED_BY_THE_KIT):
                continue
            if not any(hasattr(view, method) for method in ("post", "put", "patch", "delete")):
                continue  # answers GET only: it changes nothing
        elif getattr(view, "__qualname__", "") == "RecordViewSet.get_urlpatterns.<locals>.<lambda>":
            continue  # the record's address, a redirect to its page
        unaccounted.append(f"{key} ({getattr(view, '__module__', '')}.{getattr(view, '__qualname__', view)})")
    assert not unaccounted, (
        "These admin views may change data but are not built on the admin kit (common.admin), which writes "
        "the audit trail. Build them on it; or write Wagtail's log in the change's transaction and add them to "
        "LOGGED_BY_HAND and to STAFF_CHANGES below; or, if they change nothing, to CHANGES_NOTHING with why:\n  "
        + "\n  ".join(unaccounted))


# One valid POST per kind of data-changing staff view: (who, the request, the record it changes).

def _listing_step(users):
    return users["approver"], reverse("valuation_candidates:listing_run"), {}, lambda: EarlySaleRun.objects.get()


def _sign_in_unlock(users):
    attempt = AccessAttempt.objects.create(username="locked-out", ip_address="203.0.113.5", user_agent="test",
                                           failures_since_start=5, get_data="", post_data="", http_accept="",
                                           path_info="/admin/login/")
    return users["superuser"], reverse("unlock_sign_in"), {"kind": "username", "value": "locked-out"}, \
        lambda: attempt


def _two_factor_off(users):
    device = TOTPDevice.objects.create(user=users["case_officer"], name="Authenticator app", confirmed=True)
    return users["case_officer"], reverse("two_factor_remove"), {}, lambda: device


def _action_without_transition(users):
    case = CaseFactory(case_officer=users["case_officer"])
    return users["case_officer"], reverse("custody_cases:action_party_add", args=[case.pk]), \
        {"role": "owner", "name": "Ann Owner"}, lambda: case


def _create(users):
    return users["valuer"], reverse("valuation_profiles:add"), \
        {"category": "vehicle", "yearly_rate_percent": "22.5", "daily_upkeep": "0", "currency": "EUR"}, \
        lambda: DepreciationProfile.objects.get(category="vehicle")


def _edit(users):
    profile = DepreciationProfile.objects.create(category="vehicle", yearly_rate_percent="20", daily_upkeep="0",
                                                 currency="EUR")
    return users["valuer"], reverse("valuation_profiles:edit", args=[profile.pk]), \
        {"category": "vehicle", "yearly_rate_percent": "30", "daily_upkeep": "1.50", "currency": "EUR"}, \
        lambda: profile


def _delete(users):
    entry = ScreeningEntry.objects.create(name="Owner's Brother", identity_number="AB 123", reason="Family",
                                          added_by=users["auction_manager"])
    return users["auction_manager"], reverse("auctions_screening:delete", args=[entry.pk]), {}, lambda: entry


STAFF_CHANGES = {
    "a step on a listing (valuation_candidates:listing_run)": _listing_step,
    "unlocking a sign-in (unlock_sign_in)": _sign_in_unlock,
    "turning off one's own two-factor authentication (two_factor_remove)": _two_factor_off,
    "an action that is no transition (custody_cases:action_party_add)": _action_without_transition,
    "a create form (valuation_profiles:add)": _create,
    "an edit form (valuation_profiles:edit)": _edit,
    "a delete (auctions_screening:delete)": _delete,
}


@pytest.fixture
def staff(case_officer, valuer, auction_manager, approver, auditor):
    return {"case_officer": case_officer, "valuer": valuer, "auction_manager": auction_manager,
            "approver": approver, "auditor": auditor,
            "superuser": UserFactory(username="audit-root", is_superuser=True, is_staff=True)}


@pytest.mark.parametrize("change", list(STAFF_CHANGES))
def test_each_kind_of_staff_change_is_in_the_trail_and_the_auditor_finds_it_by_user(client, staff, change):
    # Given a staff member makes the change in the admin
    user, url, data, record = STAFF_CHANGES[change](staff)
    before = set(ModelLogEntry.objects.values_list("pk", flat=True))
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    # Then a new entry in Wagtail's log names them and the record changed
    obj = record()
    entries = ModelLogEntry.objects.exclude(pk__in=before).filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    assert [entry.user for entry in entries] and all(entry.user == user for entry in entries), change
    entry = entries.first()

    # And the auditor finds it in the report, filtering by that staff member
    client.force_login(staff["auditor"])
    html = client.get(REPORT, {"user": user.pk}).content.decode()
    assert escape(entry.label) in html, change
    assert escape(str(entry.formatter.format_message(entry))) in html, change
