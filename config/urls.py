from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.api import api, no_such_address
from config.ops import metrics, readyz
from config.views import favicon, healthz, robots_txt, serve_page, set_language

# Wagtail's admin without its "failwhale" view, which raises an error on purpose for staff to see a 500.
wagtailadmin_urlpatterns = [
    p for p in wagtailadmin_urls.urlpatterns if getattr(p, "name", "") != "wagtailadmin_error_test"]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("language/", set_language, name="set_language"),
    path("django-admin/", admin.site.urls),
    # The audit trail (Wagtail's site history) for its readers only, ahead of Wagtail's own (common.admin.audit).
    path("admin/reports/", include("common.admin.audit")),
    path("admin/", include(wagtailadmin_urlpatterns)),
    path("documents/", include(wagtaildocs_urls)),
    path("custody/", include("custody.urls")),
    path("api/v1/", api.urls),
    # The auction site (/auctions/…), bidders' accounts (/account/…) and the bidder API (/api/v1/…).
    path("", include("auctions.urls")),
    # Settlement: the buyer's invoices (/account/invoices/…).
    path("", include("disposition.urls")),
    # The public record: site search, published documents, public files (/search/, /published-documents/…).
    path("", include("cms.urls")),
    # Every other /api/ address (after the apps': the Stripe webhook is one): 404 in the API's error body.
    re_path(r"^api/", no_such_address),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the rest: the site's home page at / and the editorial pages under it (cms). It catches
# every address, so it comes last; cms refuses page slugs that the patterns above answer. The default
# language's pages keep their addresses; their translations are under /fr/… and /es/… (Wagtail's
# localisation; config.middleware.LanguageMiddleware picks the language, config.views.serve_page
# falls back to the default tree for a page not translated yet).
urlpatterns += i18n_patterns(
    re_path(wagtail_urls.serve_pattern, serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
