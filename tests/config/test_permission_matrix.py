"""Who gets what at every address the project serves.

The test walks every URL pattern (django.urls.get_resolver(), recursively: the project's views, the
staff admin's viewsets, the API, the public site), fills each pattern's arguments from one set of
fixture objects, and requests it as every kind of user: anonymous, a bidder, a claimant, one user
per staff role (the groups of custody/roles.py) and a superuser. What each gets is compared with
the table below, one line per URL name:

    "custody_assets:inspect": "login login login 200 200 ...",

with one outcome per column of ROLES: 200, 400, 403, 404, 405, "login" (a redirect to a sign-in
page) or "3xx" (any other redirect). Wagtail's own admin URLs (names starting with "wagtail", and
Django's admin) are held to prefix rules instead (WAGTAIL_RULES): nobody outside the staff gets in.
Every page of the page tree must answer the public. And no POST by an anonymous visitor or a bidder
to a staff URL is ever accepted.

A URL without an entry fails the test, naming it. To add one: run

    PERMISSION_MATRIX_DUMP=1 .venv/bin/python -m pytest tests/config/test_permission_matrix.py

which prints the line each URL gets now (for all of them); check that the new line is what the
roles should get (who may see it: see each view's permission), and copy it into TABLE.

Templates are not rendered (SimpleTemplateResponse.rendered_content is stubbed): the outcome of a
request is decided before its page is drawn, and the test stays fast.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import models
from django.template.response import SimpleTemplateResponse
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Page

from auctions.models import BidderProfile
from custody import roles
from custody.models import AssetPhoto
from tests.auctions.factories import asset_for_sale, make_bidder, open_auction_with_lots
from tests.custody.admin_helpers import order_for
from tests.disposition.claims_helpers import claimant as make_claimant
from tests.factories import StorageLocationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "bidder", "claimant", "case_officer", "custodian", "valuer", "auction_manager",
         "finance_officer", "approver", "auditor", "editor", "superuser"]
STAFF_GROUPS = {"case_officer": roles.CASE_OFFICER, "custodian": roles.CUSTODIAN, "valuer": roles.VALUER,
                "auction_manager": roles.AUCTION_MANAGER, "finance_officer": roles.FINANCE_OFFICER,
                "approver": roles.APPROVER, "auditor": roles.AUDITOR, "editor": roles.EDITOR}
OUTSIDERS = ("anonymous", "bidder", "claimant")

# Wagtail's own admin and Django's admin: who is outside the staff never gets in (a redirect to the
# sign-in page, or a 403/404/405); staff get what Wagtail's permission policies give them (not asserted here).
WAGTAIL_RULES = {role: {"login", "403", "404", "405"} for role in OUTSIDERS}
# What the admin shows before anyone signs in: its sign-in and password-reset pages, its icons and its
# translations of the sign-in page's script; and Django admin's sign-out, which sends a visitor on.
WAGTAIL_PUBLIC = {"wagtailadmin_login", "wagtailadmin_password_reset", "wagtailadmin_password_reset_done",
                  "wagtailadmin_password_reset_confirm", "wagtailadmin_password_reset_complete",
                  "wagtailadmin_sprite", "wagtailadmin_javascript_catalog", "admin:logout"}

LOGIN_PATHS = ("/admin/login/", "/account/sign-in/", "/django-admin/login/")

# fmt: off
TABLE: dict[str, str] = {
    # url name (or route, unnamed): anonymous bidder claimant case_officer custodian valuer auction_manager
    #                               finance_officer approver auditor editor superuser
    "healthz": "200 200 200 200 200 200 200 200 200 200 200 200",
    "robots_txt": "200 200 200 200 200 200 200 200 200 200 200 200",
    "favicon": "3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "set_language": "405 405 405 405 405 405 405 405 405 405 405 405",
    "audit_trail": "login login login 403 403 403 403 403 403 200 403 200",
    "audit_trail_results": "login login login 403 403 403 403 403 403 200 403 200",
    # Readiness is for the load balancer (names what is down, no detail); metrics answer 404 until a token or
    # an address list is set (config/ops.py).
    "readyz": "200 200 200 200 200 200 200 200 200 200 200 200",
    "metrics": "404 404 404 404 404 404 404 404 404 404 404 404",
    # Two-factor: set up by whoever signs in to the admin; the approving roles (and superusers) already have
    # a verified device in these tests, so set-up sends them on and verification is theirs.
    "two_factor_setup": "login login login 200 200 200 200 200 200 200 200 200",
    "two_factor_remove": "login login login 405 405 405 405 405 405 405 405 405",
    "two_factor_verify": "login login login 3xx 3xx 3xx 3xx 200 200 3xx 3xx 200",
    "locked_sign_ins": "login login login 403 403 403 403 403 403 403 403 200",
    "unlock_sign_in": "login login login 405 405 405 405 405 405 405 405 405",
    # A signed-in user's own API tokens (listed and revoked: never anyone else's), and a bidder's own data.
    "api:token_list": "401 200 200 200 200 200 200 200 200 200 200 200",
    "api:token_revoke": "405 405 405 405 405 405 405 405 405 405 405 405",
    "auctions:api_tokens": "login 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:my_data": "login 200 200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:my_data_export": "login 200 200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:my_data_erase": "login 405 405 405 405 405 405 405 405 405 405 405",
    "custody_asset_detail": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_case_detail": "login login login 200 200 200 200 200 200 200 403 200",
    "disposition_release_note": "login login login 403 404 403 404 404 404 404 403 404",
    "simple_translation:submit_page_translation": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 200",
    "simple_translation:submit_snippet_translation": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 404",
    "custody_cases:index": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_cases:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_cases:inspect": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_cases:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_cases:add": "login login login 200 403 403 403 403 403 403 403 200",
    "custody_cases:edit": "login login login 200 403 403 403 403 403 403 403 200",
    "admin/register/cases/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_cases:action_party_add": "login login login 200 403 403 403 403 403 403 403 200",
    "custody_cases:action_record_order": "login login login 200 403 403 403 403 403 403 403 200",
    "custody_assets:index": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_assets:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_assets:inspect": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_assets:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_assets:add": "login login login 200 403 403 403 403 403 403 403 200",
    "custody_assets:edit": "login login login 200 200 403 403 403 403 403 403 200",
    "admin/register/assets/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_assets:action_restrain": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "custody_assets:action_seize": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "custody_assets:action_put_up_for_sale": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "custody_assets:action_withdraw_from_sale": "login login login 403 403 403 200 403 403 403 403 200",
    "custody_assets:action_confiscate": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "custody_assets:action_refer_for_disposition": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "custody_assets:action_dispose": "login login login 403 403 403 403 403 3xx 403 403 3xx",
    "custody_assets:action_release": "login login login 200 403 403 403 403 403 403 403 200",
    "custody_assets:action_return_to_state": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "custody_assets:action_destroy": "login login login 403 403 403 403 403 200 403 403 200",
    "custody_assets:action_declare_lost": "login login login 403 403 403 403 403 200 403 403 200",
    "custody_assets:action_end_approve": "login login login 403 403 403 403 403 3xx 403 403 3xx",
    "custody_assets:action_end_refuse": "login login login 403 403 403 403 403 3xx 403 403 3xx",
    "custody_assets:action_custody_event": "login login login 403 200 403 403 403 403 403 403 200",
    "custody_assets:action_photo_add": "login login login 200 200 403 403 403 403 403 403 200",
    "custody_assets:action_record_order": "login login login 200 403 403 403 403 403 403 403 200",
    "custody_orders:index": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_orders:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_orders:inspect": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_orders:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_orders:edit": "login login login 200 403 403 403 403 403 403 403 200",
    "admin/register/orders/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_storage:index": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_storage:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_storage:inspect": "login login login 200 200 200 200 200 200 200 403 200",
    "custody_storage:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_storage:add": "login login login 403 200 403 403 403 403 403 403 200",
    "custody_storage:edit": "login login login 403 200 403 403 403 403 403 403 200",
    "admin/register/storage/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "custody_chain:index": "login login login 200 200 200 200 200 200 200 403 200",
    "ledger_accounts:index": "login login login 200 403 403 403 200 200 200 403 200",
    "ledger_accounts:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "ledger_accounts:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "ledger_accounts:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "ledger_accounts:case_statement": "login login login 200 403 403 403 200 200 200 403 200",
    "ledger_entries:index": "login login login 200 403 403 403 200 200 200 403 200",
    "ledger_entries:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "ledger_entries:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "ledger_entries:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "ledger_entries:action_reverse": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_candidates:index": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_candidates:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_candidates:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_candidates:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "valuation_candidates:listing_run": "login login login 405 405 405 405 405 405 405 405 405",
    "valuation_early_sale:index": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_early_sale:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_early_sale:inspect": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_early_sale:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "valuation_early_sale:action_endorse": "login login login 403 403 403 403 403 3xx 403 403 3xx",
    "valuation_early_sale:action_reject": "login login login 403 403 403 403 403 3xx 403 403 3xx",
    "valuation_early_sale:action_notify": "login login login 200 403 403 403 403 403 403 403 200",
    "valuation_early_sale:action_authorise": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "valuation_early_sale:action_auction": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "valuation_early_sale:request": "login login login 3xx 403 403 403 403 403 403 403 3xx",
    "valuation_direct_sales:index": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_direct_sales:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_direct_sales:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_direct_sales:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "valuation_direct_sales:add": "login login login 200 403 403 200 403 403 403 403 200",
    "valuation_direct_sales:action_approve": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_direct_sales:action_reject": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_direct_sales:action_issue_invoice": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_appraisals:index": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_appraisals:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_appraisals:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_appraisals:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "valuation_appraisals:add": "login login login 403 403 200 403 403 403 403 403 200",
    "valuation_appraisals:action_submit": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_appraisals:action_approve": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_appraisals:action_reject": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_profiles:index": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_profiles:index_results": "login login login 200 200 200 200 200 200 200 403 200",
    "valuation_profiles:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "valuation_profiles:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "valuation_profiles:add": "login login login 403 403 200 403 200 403 403 403 200",
    "valuation_profiles:edit": "login login login 403 403 404 403 404 403 403 403 404",
    "admin/valuation/profiles/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_auctions:index": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_auctions:index_results": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_auctions:inspect": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_auctions:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_auctions:add": "login login login 403 403 403 200 403 403 403 403 200",
    "auctions_auctions:edit": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "admin/auctions/auctions/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_auctions:action_schedule": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "auctions_auctions:action_unschedule": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "auctions_auctions:action_publish": "login login login 403 403 403 403 403 3xx 403 403 3xx",
    "auctions_auctions:action_cancel": "login login login 403 403 403 200 403 403 403 403 200",
    "auctions_lots:index": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_lots:index_results": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_lots:inspect": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_lots:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_lots:add": "login login login 403 403 403 200 403 403 403 403 200",
    "auctions_lots:action_cancel": "login login login 403 403 403 200 403 200 403 403 200",
    "auctions_bidders:index": "login login login 403 403 403 200 200 200 200 403 200",
    "auctions_bidders:index_results": "login login login 403 403 403 200 200 200 200 403 200",
    "auctions_bidders:inspect": "login login login 403 403 403 200 200 200 200 403 200",
    "auctions_bidders:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_bidders:action_approve": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "auctions_bidders:action_reject": "login login login 403 403 403 200 403 403 403 403 200",
    "auctions_bidders:action_lift_suspension": "login login login 403 403 403 3xx 403 403 403 403 3xx",
    "auctions_bidders:document": "login login login 403 403 403 404 403 403 403 403 404",
    "auctions_screening:index": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_screening:index_results": "login login login 200 403 403 200 200 200 200 403 200",
    "auctions_screening:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "auctions_screening:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_screening:add": "login login login 200 403 403 200 403 403 403 403 200",
    "auctions_screening:delete": "login login login 404 404 404 404 404 404 404 404 404",
    "auctions_increments:index": "login login login 403 403 403 200 200 200 200 403 200",
    "auctions_increments:index_results": "login login login 403 403 403 200 200 200 200 403 200",
    "auctions_increments:inspect": "login login login 403 403 403 200 200 200 200 403 200",
    "auctions_increments:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions_increments:add": "login login login 403 403 403 200 403 403 403 403 200",
    "auctions_increments:edit": "login login login 403 403 403 200 403 403 403 403 200",
    "admin/auctions/increments/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_awards:index": "login login login 403 403 403 200 200 403 200 403 200",
    "disposition_awards:index_results": "login login login 403 403 403 200 200 403 200 403 200",
    "disposition_awards:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_awards:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_awards:action_release": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_awards:action_refuse": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_awards:action_second_chance": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_awards:action_relist": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_invoices:index": "login login login 403 200 403 200 200 200 200 403 200",
    "disposition_invoices:index_results": "login login login 403 200 403 200 200 200 200 403 200",
    "disposition_invoices:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_invoices:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_invoices:action_record_transfer": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_invoices:action_handover": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_invoices:pdf": "login login login 403 404 403 404 404 404 404 403 404",
    "disposition_payments:index": "login login login 403 403 403 200 200 200 200 403 200",
    "disposition_payments:index_results": "login login login 403 403 403 200 200 200 200 403 200",
    "disposition_payments:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_payments:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_payments:action_confirm": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_payments:action_reject": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_slots:index": "login login login 403 200 403 200 200 403 200 403 200",
    "disposition_slots:index_results": "login login login 403 200 403 200 200 403 200 403 200",
    "disposition_slots:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_slots:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_slots:add": "login login login 403 200 403 403 403 403 403 403 200",
    "disposition_slots:edit": "login login login 403 404 403 403 403 403 403 403 404",
    "admin/settlement/collection-slots/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_bookings:index": "login login login 403 200 403 200 200 403 200 403 200",
    "disposition_bookings:index_results": "login login login 403 200 403 200 200 403 200 403 200",
    "disposition_bookings:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_bookings:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_beneficiaries:index": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_beneficiaries:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_beneficiaries:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_beneficiaries:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_beneficiaries:add": "login login login 200 403 403 403 403 403 403 403 200",
    "disposition_beneficiaries:edit": "login login login 404 403 403 403 403 403 403 403 404",
    "admin/disposition/beneficiaries/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_decisions:index": "login login login 200 200 403 403 200 200 200 403 200",
    "disposition_decisions:index_results": "login login login 200 200 403 403 200 200 200 403 200",
    "disposition_decisions:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_decisions:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_decisions:add": "login login login 200 403 403 403 403 403 403 403 200",
    "disposition_decisions:action_approve": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_decisions:action_execute": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_decisions:action_allocate": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_decisions:action_project": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_decisions:action_complete": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_decisions:action_revoke": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_allocations:index": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_allocations:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_allocations:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_allocations:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_allocations:action_pay": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_calls:index": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_calls:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_calls:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_calls:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_calls:add": "login login login 200 403 403 403 403 403 403 403 200",
    "disposition_calls:edit": "login login login 404 403 403 403 403 403 403 403 404",
    "admin/disposition/calls/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_calls:action_open": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_calls:action_application": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_calls:action_close": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_calls:action_award": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_applications:index": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_applications:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_applications:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_applications:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_applications:action_score": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_projects:index": "login login login 200 200 403 403 200 200 200 403 200",
    "disposition_projects:index_results": "login login login 200 200 403 403 200 200 200 403 200",
    "disposition_projects:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_projects:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_projects:action_report": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_projects:action_photo": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_reports:index": "login login login 200 200 403 403 200 200 200 403 200",
    "disposition_reports:index_results": "login login login 200 200 403 403 200 200 200 403 200",
    "disposition_reports:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_reports:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_consultations:index": "login login login 200 403 403 403 403 200 200 403 200",
    "disposition_consultations:index_results": "login login login 200 403 403 403 403 200 200 403 200",
    "disposition_consultations:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultations:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_consultations:add": "login login login 200 403 403 403 403 403 403 403 200",
    "disposition_consultations:edit": "login login login 404 403 403 403 403 403 403 403 404",
    "admin/disposition/consultations/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_consultations:action_open": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultations:action_revise": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultations:action_close": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultations:action_respond": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultations:action_revise_response": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultations:action_withdraw": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultation_comments:index": "login login login 200 403 403 403 403 200 200 403 200",
    "disposition_consultation_comments:index_results": "login login login 200 403 403 403 403 200 200 403 200",
    "disposition_consultation_comments:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultation_comments:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_consultation_comments:action_publish": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_consultation_comments:action_reject": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_notices:index": "login login login 200 403 403 403 403 200 200 403 200",
    "disposition_notices:index_results": "login login login 200 403 403 403 403 200 200 403 200",
    "disposition_notices:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_notices:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_notices:add": "login login login 200 403 403 403 403 403 403 403 200",
    "disposition_notices:edit": "login login login 404 403 403 403 403 403 403 403 404",
    "admin/claims/notices/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_notices:action_publish": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_notices:action_close": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:index": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_claims:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "disposition_claims:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition_claims:add": "login login login 200 403 403 403 403 403 403 403 200",
    "disposition_claims:action_review": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:action_request_information": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:action_resume": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:action_recommend": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:action_decide": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:action_reconsider": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:action_pay": "login login login 404 404 404 404 404 404 404 404 404",
    "disposition_claims:document": "login login login 404 403 403 403 403 404 404 403 404",
    "cooperation_requests:index": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_requests:index_results": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_requests:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_requests:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "cooperation_requests:add": "login login login 200 403 403 403 403 403 403 403 200",
    "cooperation_requests:action_acknowledge": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_requests:action_answer": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_requests:action_refuse": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_requests:action_withdraw": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:index": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_foreign_orders:index_results": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_foreign_orders:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "cooperation_foreign_orders:add": "login login login 200 403 403 403 403 403 403 403 200",
    "cooperation_foreign_orders:action_item": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_check": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_register": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_serve": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_challenge": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_enforce": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_set_aside": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_foreign_orders:action_refuse": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_frozen_abroad:index": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_frozen_abroad:index_results": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_frozen_abroad:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_frozen_abroad:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "cooperation_frozen_abroad:add": "login login login 200 403 403 403 403 403 403 403 200",
    "cooperation_frozen_abroad:edit": "login login login 404 403 403 403 403 403 403 403 404",
    "admin/cooperation/frozen-abroad/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "cooperation_frozen_abroad:action_start_proceedings": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_frozen_abroad:action_confiscate": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_frozen_abroad:action_negotiate_return": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_frozen_abroad:action_repatriate": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_frozen_abroad:action_release": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_agreements:index": "login login login 200 403 403 403 200 200 200 403 200",
    "cooperation_agreements:index_results": "login login login 200 403 403 403 200 200 200 403 200",
    "cooperation_agreements:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_agreements:record": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "cooperation_agreements:add": "login login login 200 403 403 403 403 403 403 403 200",
    "cooperation_agreements:edit": "login login login 404 403 403 403 403 403 403 403 404",
    "admin/cooperation/agreements/<int:pk>/edit/": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "cooperation_agreements:action_share": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_agreements:action_sign": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_agreements:action_transfer": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_agreements:action_close": "login login login 404 404 404 404 404 404 404 404 404",
    "cooperation_report:index": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_report:csv": "login login login 200 403 403 403 403 200 200 403 200",
    "cooperation_map:index": "login login login 200 403 403 403 403 200 200 403 200",
    "published_documents:index": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 200 200 200",
    "published_documents:index_results": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 200 200 200",
    "published_documents:add": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 200 200",
    "published_documents:edit": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 404 404",
    "published_documents:delete": "login login login 404 404 404 404 404 404 404 404 404",
    "published_documents:history": "login login login 404 404 404 404 404 404 404 404 404",
    "published_documents:history_results": "login login login 404 404 404 404 404 404 404 404 404",
    "published_documents:usage": "login login login 404 404 404 404 404 404 404 404 404",
    "published_documents:inspect": "login login login 404 404 404 404 404 404 404 404 404",
    "published_documents:copy": "login login login 3xx 3xx 3xx 3xx 3xx 3xx 3xx 404 404",
    "custody:photo": "login 403 403 404 404 404 404 404 404 404 403 404",
    "custody:order_document": "login 403 403 404 404 404 404 404 404 404 403 404",
    "api:openapi-json": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:token_obtain": "405 405 405 405 405 405 405 405 405 405 405 405",
    "api:lot_list": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:lot_detail": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:lot_bid_history": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:lot_bid": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:statistics": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:statistics_cooperation": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:open_data_package": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:open_data_csv": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:open_data_json": "200 200 200 200 200 200 200 200 200 200 200 200",
    "api:api-root": "404 404 404 404 404 404 404 404 404 404 404 404",
    "auctions:stripe-webhook": "405 405 405 405 405 405 405 405 405 405 405 405",
    "auctions:home": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:catalogue": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:lot_detail": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:lot_state": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:lot_history": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:lot_bid": "405 405 405 405 405 405 405 405 405 405 405 405",
    "auctions:lot_bid_preview": "400 400 400 400 400 400 400 400 400 400 400 400",
    "auctions:lot_watch": "405 405 405 405 405 405 405 405 405 405 405 405",
    "auctions:photo": "404 404 404 404 404 404 404 404 404 404 404 404",
    "auctions:auction_detail": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:auction_terms": "login 200 200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:auction_deposit": "login 200 200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:sign_up": "200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:sign_up_done": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:verify_email": "400 400 400 400 400 400 400 400 400 400 400 400",
    "auctions:resend_verification": "login 405 405 405 405 405 405 405 405 405 405 405",
    "auctions:login": "200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:logout": "405 405 405 405 405 405 405 405 405 405 405 405",
    "auctions:password_reset": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:password_reset_done": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:password_reset_confirm": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:password_reset_complete": "200 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:password_change": "login 200 200 200 200 200 200 200 200 200 200 200",
    "auctions:email_change": "login 200 200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:email_change_confirm": "400 400 400 400 400 400 400 400 400 400 400 400",
    "auctions:profile": "login 200 200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "auctions:my_bids": "login 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:invoice": "login 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:invoice_pdf": "login 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:invoice_card_pay": "login 405 405 405 405 405 405 405 405 405 405 405",
    "disposition:invoice_status": "login 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:collection_booking": "login 405 405 405 405 405 405 405 405 405 405 405",
    "disposition:release_note": "login 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:offer": "login 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:calls": "200 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:call": "404 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:notices": "200 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:notice": "404 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:claim_new": "404 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:claimant_sign_up": "200 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx 3xx",
    "disposition:claimant_sign_up_done": "200 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:claimant_verify": "400 400 400 400 400 400 400 400 400 400 400 400",
    "disposition:claimant_verify_again": "405 405 405 405 405 405 405 405 405 405 405 405",
    "disposition:my_claims": "login 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:my_claim": "login 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:consultations": "200 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:consultation": "404 404 404 404 404 404 404 404 404 404 404 404",
    "disposition:consultation_confirm": "400 400 400 400 400 400 400 400 400 400 400 400",
    "disposition:agreements": "200 200 200 200 200 200 200 200 200 200 200 200",
    "disposition:agreement": "404 404 404 404 404 404 404 404 404 404 404 404",
    "cms:search": "200 200 200 200 200 200 200 200 200 200 200 200",
    "cms:documents": "200 200 200 200 200 200 200 200 200 200 200 200",
    "cms:document_file": "404 404 404 404 404 404 404 404 404 404 404 404",
    "cms:order_file": "404 404 404 404 404 404 404 404 404 404 404 404",
    "cms:photo": "404 404 404 404 404 404 404 404 404 404 404 404",
}
# fmt: on


# --------------------------------------------------------------------------------------------
# The URL patterns
# --------------------------------------------------------------------------------------------

def _patterns(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def _is_wagtails(route: str, name: str | None, pattern: URLPattern) -> bool:
    if route.startswith("django-admin/"):
        return True
    if name:
        return name.split(":")[0].startswith("wagtail")
    module = getattr(pattern.callback, "__module__", "") or ""
    return module.startswith(("wagtail", "django"))


def _key(route: str, name: str | None) -> str:
    return name or route


# --------------------------------------------------------------------------------------------
# Fixture objects and the arguments they fill
# --------------------------------------------------------------------------------------------

def _model_of(pattern: URLPattern):
    callback = pattern.callback
    for holder in (callback, getattr(callback, "__wrapped__", None)):
        if holder is None:
            continue
        model = (getattr(holder, "view_initkwargs", None) or {}).get("model")
        model = model or getattr(getattr(holder, "view_class", None), "model", None)
        if isinstance(model, type) and issubclass(model, models.Model):
            return model
    return None


def _first_pk(model) -> int:
    obj = model._default_manager.order_by("pk").first()
    return obj.pk if obj is not None else 0


class World:
    """One set of objects: a case with assets at several stages, an open auction with a lot, a bidder,
    a claimant, a storage site, a court order."""

    def __init__(self, users):
        officer, approver, manager = users["case_officer"], users["approver"], users["auction_manager"]
        from tests.factories import CaseFactory

        self.case = CaseFactory(case_officer=officer)
        sale_asset = asset_for_sale(case=self.case, officer=officer, approver=approver, manager=manager)
        self.auction, lots = open_auction_with_lots(manager=manager, approver=approver, assets=[sale_asset])
        self.lot = lots[0]
        self.order = order_for(sale_asset, "release")
        self.location = StorageLocationFactory(name="Matrix warehouse")
        self.home = Page.objects.filter(depth=2).first()
        users["bidder"] = make_bidder(reviewer=manager, auctions=[self.auction], username="matrix-bidder")
        users["claimant"] = make_claimant(username="matrix-claimant", email="matrix-claimant@example.net")

    def arguments(self, pattern: URLPattern) -> dict[str, str]:
        from django.urls.resolvers import RoutePattern

        if not isinstance(pattern.pattern, RoutePattern):
            return {}
        names = list(pattern.pattern.converters)
        values = {
            "lot_id": self.lot.pk, "slug": self.auction.slug, "case_id": self.case.pk, "page_id": self.home.pk,
            "rendition": "thumbnail", "token": "not-a-token", "uidb64": "MQ", "number": "2026-000001",
            "resource": "assets", "app_label": "custody", "model_name": "asset",
            "photo_id": _first_pk(AssetPhoto),
        }
        result = {}
        for name in names:
            if name in values:
                result[name] = str(values[name])
            elif name == "pk":
                model = _model_of(pattern)
                result[name] = str(_first_pk(model) if model is not None else 0)
            else:
                result[name] = "0"
        return result


def _fill(route: str, kwargs: dict[str, str]) -> str:
    import re

    def sub(match):
        return kwargs[match.group(2)]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------

def _outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "login" if any(p in location for p in LOGIN_PATHS) else "3xx"
    return str(code)


@pytest.fixture
def users(make_staff):
    made = {role: make_staff(group, username=f"matrix-{role}") for role, group in STAFF_GROUPS.items()}
    made["superuser"] = UserFactory(username="matrix-admin", is_superuser=True, is_staff=True)
    made["anonymous"] = None
    return made


@pytest.fixture
def no_rendering(monkeypatch):
    monkeypatch.setattr(SimpleTemplateResponse, "rendered_content", property(lambda self: ""))


def test_every_url_answers_each_role_as_the_table_says(client, users, no_rendering, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = World(users)
    assert BidderProfile.objects.filter(user=users["bidder"]).exists()

    seen: dict[str, str] = {}
    missing, wrong, wagtail_wrong, posts_accepted = [], [], [], []
    targets = []
    for route, name, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith("admin/^") or "(?P" in route or route.startswith("^"):
            continue  # regex catch-alls (Wagtail's 404 page, the page tree: checked below)
        targets.append((route, name, pattern, _fill(route, world.arguments(pattern))))

    by_role: dict[str, dict[str, str]] = {}
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        answers = by_role[role] = {}
        for route, name, pattern, url in targets:
            wagtails = _is_wagtails(route, name, pattern)
            if wagtails and role not in OUTSIDERS:
                continue
            answers[_key(route, name)] = _outcome(client.get(url))
            if users[role] is not None and name and name.endswith(("logout", "sign_out")):
                client.force_login(users[role])  # (signing out is what that address does)
            if role in ("anonymous", "bidder") and route.startswith("admin/") and not wagtails:
                posted = _outcome(client.post(url, {}))
                if posted not in ("login", "403", "404", "405"):
                    posts_accepted.append(f"POST {url} as {role}: {posted}")

    for route, name, pattern, url in targets:
        key = _key(route, name)
        if _is_wagtails(route, name, pattern):
            for role in OUTSIDERS:
                if key not in WAGTAIL_PUBLIC and by_role[role][key] not in WAGTAIL_RULES[role]:
                    wagtail_wrong.append(f"{key} ({url}) as {role}: {by_role[role][key]}")
            continue
        line = " ".join(by_role[role][key] for role in ROLES)
        seen[key] = line
        if key not in TABLE:
            missing.append(key)
        elif TABLE[key].split() != line.split():
            expected = dict(zip(ROLES, TABLE[key].split(), strict=False))
            diffs = ", ".join(f"{role}: expected {expected.get(role)}, got {got}"
                              for role, got in zip(ROLES, line.split(), strict=True) if expected.get(role) != got)
            wrong.append(f"{key} ({url}): {diffs}")

    if os.environ.get("PERMISSION_MATRIX_DUMP"):
        print("\n".join(f'    "{key}": "{line}",' for key, line in seen.items()))

    problems = []
    if missing:
        problems.append(
            "These URLs have no entry in TABLE (tests/config/test_permission_matrix.py). For each, decide who may "
            "see it and add a line `\"<url name>\": \"<one outcome per role in ROLES>\"`; "
            "PERMISSION_MATRIX_DUMP=1 prints what each gets now:\n  " + "\n  ".join(missing))
    if wrong:
        problems.append("These URLs answer a role otherwise than TABLE says:\n  " + "\n  ".join(wrong))
    if wagtail_wrong:
        problems.append("Wagtail's admin lets someone outside the staff in:\n  " + "\n  ".join(wagtail_wrong))
    if posts_accepted:
        problems.append("A staff URL accepted a POST from outside the staff:\n  " + "\n  ".join(posts_accepted))
    stale = sorted(set(TABLE) - set(seen))
    if stale:
        problems.append("TABLE names URLs the project no longer serves (remove them):\n  " + "\n  ".join(stale))
    assert not problems, "\n\n".join(problems)


def test_every_page_of_the_page_tree_answers_the_public(client):
    pages = [p.specific for p in Page.objects.live().public().filter(depth__gte=2)]
    assert pages, "the page tree has no live page"
    for page in pages:
        url = page.get_url()
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code == 200, (page.title, url, response.status_code)
    for page in Page.objects.filter(depth__gte=2, live=False):
        if (url := page.get_url()) is not None:
            assert client.get(url).status_code == 404, (page.title, url)
    assert settings.LOGIN_URL in LOGIN_PATHS
