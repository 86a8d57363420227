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

LOGIN_PATHS = ("/admin/login/", "/account/sign-in/", "/django-admin/login/")

# fmt: off
TABLE: dict[str, str] = {
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


@pytest.mark.skipif(not TABLE, reason="TABLE is not filled in yet: run with PERMISSION_MATRIX_DUMP=1, review, paste")
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
                if by_role[role][key] not in WAGTAIL_RULES[role]:
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
