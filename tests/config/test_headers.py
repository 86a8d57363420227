"""The security headers every answer carries (config/settings/security.py): a Content-Security-Policy
that runs only the site's own scripts and styles (inline ones with the answer's nonce), a looser one in
the staff admin, Permissions-Policy, X-Frame-Options DENY but for the admin's previews."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", ["/", "/auctions/", "/auctions/lots/", "/account/sign-in/", "/account/sign-up/",
                                  "/no-such-page/"])
def test_public_pages_run_only_their_own_scripts(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


def test_every_inline_script_and_style_of_a_public_page_carries_the_nonce(client):
    # the plain error page has an inline style: it must carry this answer's nonce
    response = client.get("/account/sign-in/", HTTP_HOST="unknown.example.org")  # a 400, on the plain page
    assert response.status_code == 400
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    assert tags and all(f'nonce="{nonce}"' in tag or "src=" in tag for tag in tags), tags


def test_a_statistics_chart_carries_the_nonce_of_its_answer(rf):
    # Given a chart as the statistics page draws it (pygal's SVG has a <style> of its own)
    from django.http import HttpResponse
    from django.template import Context, Template

    from cms.charts import bars
    from config.middleware import ContentSecurityPolicyMiddleware

    request = rf.get("/statistics/")
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    template = Template("{% load cms_tags %}{{ chart|with_csp_nonce:request.csp_nonce }}")
    html = template.render(Context({"chart": bars([("Cars", 3), ("Boats", 1)], str), "request": request}))
    # When the answer goes out
    response = middleware.process_response(request, HttpResponse(html))
    # Then its styles carry the nonce the policy names, and it has no style attribute the policy refuses
    nonce = re.search(r"'nonce-([^']+)'", policy(response)["style-src"][-1]).group(1)
    styles = re.findall(r"<style\b[^>]*>", html)
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles), styles
    assert 'style="' not in html


def test_the_staff_admin_has_its_own_looser_policy(client, case_officer):
    client.force_login(case_officer)
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = policy(response)
    # Wagtail's admin writes inline scripts without a nonce: allowed there, from this origin only
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_page_preview_may_be_framed_by_the_admin_only(client, editor):
    client.force_login(editor)
    home = Site.objects.get(is_default_site=True).root_page
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[home.pk])
    response = client.get(url)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_json_answers_carry_the_headers_too(client):
    response = client.get("/api/v1/lots/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response


def test_the_invoice_page_lets_stripe_in_only_where_a_card_is_taken(settings):
    from disposition.views import stripe_csp_sources

    settings.STRIPE_API_BASE, settings.STRIPE_JS_URL = "", ""
    assert stripe_csp_sources()["script-src"] == ["https://js.stripe.com"]
    assert stripe_csp_sources()["connect-src"] == ["https://api.stripe.com"]
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    assert stripe_csp_sources()["script-src"] == ["http://127.0.0.1:8420"]
