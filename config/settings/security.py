"""Security headers and request limits: what every answer says to the browser, and how much of a
request the site reads.

- Request bodies are capped per route (config.middleware.RequestBodyLimitMiddleware): small for
  forms and the JSON API, larger only where an upload belongs, and only for whom it belongs to. The
  reverse proxy in front must allow at least the largest cap here (README, "Production").
- Content-Security-Policy (django-csp 4): the public site runs only its own scripts and styles, and
  inline ones that carry the answer's nonce (`request.csp_nonce`). The staff admin gets a looser
  policy: Wagtail's admin writes inline scripts and style attributes of its own that we cannot
  nonce, so there it allows inline code, still only from this origin.
- Permissions-Policy (django-permissions-policy): no page needs a camera, a microphone or a place.
- X-Frame-Options DENY (and frame-ancestors 'none'): no page is framed, except the admin's previews,
  which Wagtail shows in an iframe of the same origin (config.middleware.PreviewFrameOptionsMiddleware).
"""

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from . import base
from .base import DEBUG, PRODUCTION
from .storages import MAX_DOCUMENT_BYTES

if PRODUCTION and DEBUG:
    # DEBUG shows stack traces, settings and SQL to whoever causes an error.
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or set DEBUG=0)")

# ---- request bodies ---------------------------------------------------------------------------------

KB = 1024
MB = 1024 * KB
# Every route not listed below: forms and the JSON API.
REQUEST_BODY_MAX_BYTES = 64 * KB
# A single document or photo (MAX_DOCUMENT_BYTES, the larger of the two file caps) and its form.
_ONE_FILE = MAX_DOCUMENT_BYTES + 1 * MB
# A claim carries several supporting documents.
_SEVERAL_FILES = 50 * MB
# The routes that accept more: URL name ("namespace:name") or path prefix (ending in "/"), the cap, and
# who may send that much: "anyone", "signed_in" or "staff" (may use the Wagtail admin). Anyone else gets
# REQUEST_BODY_MAX_BYTES. The first entry that matches wins. A new view that takes a file must be listed
# (tests/config/test_bodies.py finds them).
REQUEST_BODY_LIMITS = [
    # The public site
    ("auctions:sign_up", _ONE_FILE, "anyone"),  # the copy of the identity document
    ("auctions:profile", _ONE_FILE, "signed_in"),  # a new copy of it
    ("disposition:claim_new", _SEVERAL_FILES, "signed_in"),  # supporting documents
    ("disposition:my_claim", _SEVERAL_FILES, "signed_in"),  # more documents, in answer to the agency
    ("auctions:stripe-webhook", 1 * MB, "anyone"),  # Stripe's events (signed; some carry long lists)
    # The staff admin: the register's, valuation's and disposition's uploads
    ("custody_cases:action_record_order", _ONE_FILE, "staff"),
    ("custody_assets:action_record_order", _ONE_FILE, "staff"),
    ("custody_assets:action_photo_add", _ONE_FILE, "staff"),
    ("custody_orders:edit", _ONE_FILE, "staff"),
    ("valuation_appraisals:add", _ONE_FILE, "staff"),
    ("disposition_invoices:action_handover", _ONE_FILE, "staff"),
    ("disposition_projects:action_report", _ONE_FILE, "staff"),
    ("disposition_projects:action_photo", _ONE_FILE, "staff"),
    ("disposition_claims:add", _SEVERAL_FILES, "staff"),
    ("published_documents:add", _ONE_FILE, "staff"),
    ("published_documents:edit", _ONE_FILE, "staff"),
    ("published_documents:copy", _ONE_FILE, "staff"),
    # Wagtail's own: images, documents, the account's avatar, redirects imported from a file
    ("wagtailimages:add", _ONE_FILE, "staff"),
    ("wagtailimages:edit", _ONE_FILE, "staff"),
    ("wagtailimages:add_multiple", _ONE_FILE, "staff"),
    ("wagtailimages_chooser:create", _ONE_FILE, "staff"),
    ("wagtaildocs:add", _ONE_FILE, "staff"),
    ("wagtaildocs:edit", _ONE_FILE, "staff"),
    ("wagtaildocs:add_multiple", _ONE_FILE, "staff"),
    ("wagtaildocs_chooser:create", _ONE_FILE, "staff"),
    ("wagtailadmin_account", _ONE_FILE, "staff"),
    ("wagtailredirects:start_import", _ONE_FILE, "staff"),
    # The rest of the staff admin: a page's editor posts every block of a long page at once.
    ("/admin/", 2 * MB, "staff"),
    # Django's admin (superusers only) edits images and documents too.
    ("/django-admin/", _ONE_FILE, "staff"),
]
# What the reverse proxy must let through at least (nginx: client_max_body_size 50m).
REQUEST_BODY_LARGEST_BYTES = max(cap for _route, cap, _who in REQUEST_BODY_LIMITS)

# ---- headers ----------------------------------------------------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The staff admin (/admin/ and /django-admin/): Wagtail writes inline scripts and style attributes it
# gives no nonce to (and a nonce would switch 'unsafe-inline' off), shows previews in a frame of its own
# origin and images as blobs while they upload. Everything still comes from this origin only.
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "frame-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
# Staff avatars from Gravatar would send a hash of each e-mail address to a third party (and break the
# admin's policy): Wagtail shows its default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

PERMISSIONS_POLICY = {
    "accelerometer": [], "autoplay": [], "camera": [], "display-capture": [], "encrypted-media": [],
    "fullscreen": [], "geolocation": [], "gyroscope": [], "magnetometer": [], "microphone": [], "midi": [],
    "payment": ["self", "https://js.stripe.com"],  # paying an invoice by card (Stripe Elements)
    "publickey-credentials-get": [], "screen-wake-lock": [], "usb": [], "xr-spatial-tracking": [],
}

X_FRAME_OPTIONS = "DENY"
# The admin's previews of pages, snippets and settings are framed by the admin itself.
X_FRAME_SAMEORIGIN_URL_NAMES = ("preview_on_add", "preview_on_edit", "preview_on_create", "workflow_preview",
                                "wagtailadmin_block_preview")

if PRODUCTION:
    # Browsers may learn HTTPS-only from their preload list (hstspreload.org), before the first visit.
    SECURE_HSTS_PRELOAD = base.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365
    LANGUAGE_COOKIE_SECURE = base.SESSION_COOKIE_SECURE
