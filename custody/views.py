"""The register's private files, served only through these permission-checked views (mounted under
/custody/, see custody/urls.py): photo renditions to staff who may see assets, court orders'
documents to staff who may see orders. Never served straight from storage."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import AssetPhoto, CourtOrder

PHOTO_RENDITIONS = {"thumbnail", "medium", "original"}
_DOCUMENT_TYPES = ((b"%PDF-", "application/pdf", "pdf"), (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
                   (b"\xff\xd8\xff", "image/jpeg", "jpg"))


def _refuse(request, perm: str) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return None


def _file_response(fieldfile, content_type: str, *, attachment_name: str | None = None,
                   cache: str = "private, max-age=600") -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=attachment_name is not None,
                            filename=attachment_name or "")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def photo_file(request, pk: int, rendition: str) -> HttpResponse:
    """A photo rendition. Who: custody.view_asset."""
    if (refused := _refuse(request, "custody.view_asset")) is not None:
        return refused
    if rendition not in PHOTO_RENDITIONS:
        raise Http404
    photo = get_object_or_404(AssetPhoto, pk=pk)
    fieldfile = getattr(photo, "image" if rendition == "original" else rendition)
    if not fieldfile:
        raise Http404
    content_type = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    if content_type not in {"image/jpeg", "image/png", "image/webp"}:
        content_type = "application/octet-stream"
    return _file_response(fieldfile, content_type)


@require_GET
def order_document(request, pk: int) -> HttpResponse:
    """A court order's document, as a download. Who: custody.view_courtorder."""
    if (refused := _refuse(request, "custody.view_courtorder")) is not None:
        return refused
    order = get_object_or_404(CourtOrder, pk=pk)
    if not order.document:
        raise Http404
    try:
        with order.document.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise Http404 from None
    content_type, ext = "application/octet-stream", "bin"
    for signature, ctype, extension in _DOCUMENT_TYPES:
        if head.startswith(signature):
            content_type, ext = ctype, extension
            break
    safe_ref = "".join(c if c.isalnum() or c in "-_." else "-" for c in order.reference) or f"order-{order.pk}"
    return _file_response(order.document, content_type, attachment_name=f"{safe_ref}.{ext}",
                          cache="private, no-store")
