"""Request bodies are capped per route (config.middleware.RequestBodyLimitMiddleware, the table in
config/settings/security.py): a body over its route's cap is answered 413 without being read, a forged
post is refused before its body is read, and uploads still work where they belong, for whom they belong."""

from __future__ import annotations

import inspect
import io

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from custody.models import AssetPhoto
from tests.auctions.test_public_accounts import sign_up_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class GuardedInput:
    """A request body of `size` bytes that fails the test when more than `allowed` of them are read."""

    def __init__(self, size: int, allowed: int, content: bytes = b"a"):
        self.size, self.allowed, self.position, self.content = size, allowed, 0, content

    def read(self, size: int = -1) -> bytes:
        left = self.size - self.position
        size = left if size is None or size < 0 else min(size, left)
        if self.position + size > self.allowed:
            raise AssertionError(f"the body was read past {self.allowed} bytes")
        self.position += size
        return (self.content * (size // len(self.content) + 1))[:size]

    readline = read


def post_unread(client, path: str, size: int, *, allowed: int = 0, content_type: str = "multipart/form-data; "
                "boundary=xyz", chunked: bool = False, **extra):
    """POST a body of `size` bytes as a WSGI server hands it over (with a Content-Length, or chunked as
    gunicorn marks it), failing if more than `allowed` bytes are read."""
    body = GuardedInput(size, allowed)
    environ = {"wsgi.input": body, "CONTENT_TYPE": content_type, **extra}
    if chunked:
        environ.update({"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    else:
        environ["CONTENT_LENGTH"] = str(size)
    response = client.generic("POST", path, b"", **environ)
    return response, body


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


# ---- over the cap: refused unread ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/account/sign-up/", "/auctions/lots/1/bid/", "/admin/login/",
                                  "/account/sign-in/", "/django-admin/login/"])
def test_a_200_mb_post_to_a_form_is_a_413_and_is_never_read(client, path):
    response, body = post_unread(client, path, 200 * MB)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Request too large" in page and "larger than this address accepts" in page
    assert body.position == 0


def test_an_over_cap_body_to_the_api_is_a_json_413_never_read(client):
    response, body = post_unread(client, "/api/v1/lots/1/bids/", 200 * MB, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert "64.0" in response.json()["detail"]  # the cap, said
    assert body.position == 0


def test_a_form_without_a_file_is_refused_over_64_kb(client):
    response, body = post_unread(client, "/account/sign-in/", 64 * 1024 + 1,
                                 content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and body.position == 0


def test_a_chunked_body_is_read_no_further_than_its_cap(client):
    # Given a chunked body (no Content-Length) far larger than a form's cap
    response, body = post_unread(client, "/account/sign-in/", 10 * MB, allowed=64 * 1024 + 1, chunked=True,
                                 content_type="application/x-www-form-urlencoded")
    # Then it is refused as too large once the cap is passed, and read no further
    assert response.status_code == 413
    assert "Request too large" in response.content.decode()
    assert body.position == 64 * 1024 + 1


def test_a_chunked_body_to_the_api_over_its_cap_is_a_json_413(client):
    response, body = post_unread(client, "/api/v1/auth/token/", 10 * MB, allowed=64 * 1024 + 1, chunked=True,
                                 content_type="application/json")
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_a_small_chunked_body_is_read_whole(client):
    # gunicorn hands over a chunked body without Content-Length: read, it is a sign-in like any other
    response = client.generic("POST", "/api/v1/auth/token/", b"", CONTENT_TYPE="application/json",
                              **{"wsgi.input": io.BytesIO(b'{"username": "nobody", "password": "wrong"}'),
                                 "wsgi.input_terminated": True})
    assert response.status_code == 401, response.content


# ---- CSRF before the body -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/account/sign-up/", "/account/sign-in/", "/admin/login/"])
def test_a_post_without_csrf_cookie_is_a_403_and_its_body_is_never_read(path):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    # a body each route would take by its size (a form of 60 kB; a sign-up's identity document)
    size = 20 * MB if path == "/account/sign-up/" else 60 * 1024
    response, body = post_unread(client, path, size)
    assert response.status_code == 403
    assert body.position == 0


# ---- uploads where they belong ------------------------------------------------------------------------


def noisy_jpeg(name: str = "document.jpg") -> SimpleUploadedFile:
    """A photo of some 200 kB: noise does not compress."""
    buffer = io.BytesIO()
    Image.effect_noise((500, 400), 80).convert("RGB").save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 128 * 1024
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_new_bidder_still_uploads_an_identity_document_larger_than_a_form(client):
    response = client.post(reverse("auctions:sign_up"), {**sign_up_data(), "id_document_file": noisy_jpeg()})
    assert response.status_code == 302 and response["Location"] == reverse("auctions:sign_up_done")


def test_staff_upload_a_photo_in_the_admin_but_a_bidder_may_not_post_as_much(client, asset, custodian):
    url = reverse("custody_assets:action_photo_add", args=[asset.pk])
    client.force_login(custodian)
    response = client.post(url, {"image": noisy_jpeg("front.jpg"), "caption": "Front"})
    assert response.status_code == 302
    assert AssetPhoto.objects.filter(asset=asset).count() == 1
    # a signed-in member of the public, who may not use the admin: a form's cap
    client.force_login(UserFactory(is_staff=False))
    response = client.post(url, {"image": noisy_jpeg("back.jpg"), "caption": "Back"})
    assert response.status_code == 413
    assert AssetPhoto.objects.filter(asset=asset).count() == 1


def test_a_file_posted_where_none_belongs_is_refused(client):
    response = client.post("/account/sign-in/", {"username": "x", "password": "y", "file": noisy_jpeg()})
    assert response.status_code == 413


# ---- the table ----------------------------------------------------------------------------------------


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, pattern.callback


def _has_file_field(form_class) -> bool:
    fields = getattr(form_class, "base_fields", None) or {}
    return any(isinstance(field, forms.FileField) for field in fields.values())


def _model_has_file(model) -> bool:
    return isinstance(model, type) and issubclass(model, models.Model) and any(
        isinstance(field, models.FileField) for field in model._meta.get_fields())


def takes_a_file(callback) -> bool:
    """Whether a view takes an upload: a function view of ours that reads request.FILES, an admin action
    sent as multipart, a form with a file field, or a create/edit view of a model that holds a file."""
    view_class = getattr(callback, "view_class", None)
    options = getattr(callback, "view_initkwargs", None) or {}
    action = options.get("action")
    if action is not None and getattr(action, "multipart", False):
        return True
    if _has_file_field(options.get("form_class") or getattr(view_class, "form_class", None)):
        return True
    if view_class is not None:
        editing = any(base.__name__ in ("CreateView", "EditView", "CopyView") for base in view_class.__mro__)
        return editing and _model_has_file(options.get("model") or getattr(view_class, "model", None))
    module = inspect.getmodule(callback)
    ours = module is not None and module.__name__.split(".")[0] in {
        "common", "custody", "ledger", "valuation", "auctions", "disposition", "cms", "config"}
    return ours and "request.FILES" in inspect.getsource(inspect.unwrap(callback))


def test_every_view_that_takes_a_file_is_listed_with_its_cap():
    listed = {route for route, _cap, _who in settings.REQUEST_BODY_LIMITS}
    prefixes = tuple(route for route in listed if route.endswith("/"))
    found = {name for name, callback in _patterns(get_resolver().url_patterns) if takes_a_file(callback)}
    # Django's admin (superusers only) is listed by its prefix
    found = {name for name in found if not (name or "").startswith("admin:")}
    assert {"auctions:sign_up", "disposition:claim_new", "custody_assets:action_photo_add"} <= found
    unlisted = sorted(str(name) for name in found if name not in listed)
    assert not unlisted, (f"these views take a file: list them in REQUEST_BODY_LIMITS "
                          f"(config/settings/security.py): {unlisted}")
    assert prefixes  # the staff admin's own


def test_every_listed_route_exists():
    names = {name for name, _callback in _patterns(get_resolver().url_patterns)}
    for route, cap, who in settings.REQUEST_BODY_LIMITS:
        assert route.endswith("/") or route in names, route
        assert who in {"anyone", "signed_in", "staff"} and cap > settings.REQUEST_BODY_MAX_BYTES


def test_the_readme_asks_the_proxy_for_the_largest_cap():
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert f"client_max_body_size {settings.REQUEST_BODY_LARGEST_BYTES // MB}m" in readme
