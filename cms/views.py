"""The public record's files and documents list, served from private storage only when the record
says they are public. Who: anyone, without signing in; an unpublished document, an order not marked
publishable, or a photo not marked public answers 404 as if it did not exist."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from custody.models import AssetPhoto, CourtOrder

from .models import DocumentKind
from .record import public_order_ids, public_record_assets, published_documents

_PUBLIC_CACHE = "public, max-age=300"
PHOTO_RENDITIONS = ("thumbnail", "medium")


def _file(fieldfile, content_type: str, *, filename: str = "") -> FileResponse:
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = _PUBLIC_CACHE
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """The published documents, newest first, filterable by kind. Who: anyone."""
    kind = request.GET.get("kind", "")
    documents = published_documents().only("id", "kind", "title", "date", "summary")
    if kind in DocumentKind.values:
        documents = documents.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    return render(request, "cms/asset_documents.html", {"documents": page, "kinds": DocumentKind.choices,
                                                        "kind": kind})


@require_GET
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A published document's PDF. Who: anyone, if the document is marked publishable (else 404)."""
    document = published_documents().filter(pk=pk).only("id", "file", "title").first()
    if document is None or not document.file:
        raise Http404
    return _file(document.file, "application/pdf", filename=f"document-{document.pk}.pdf")


@require_GET
def order_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A court order's document. Who: anyone, if the order is marked publishable and covers an asset of
    the public record (else 404). Named by its id, never by its reference."""
    order = CourtOrder.objects.filter(pk=pk, pk__in=public_order_ids()).only("id", "document").first()
    if order is None or not order.document:
        raise Http404
    with order.document.open("rb") as handle:
        pdf = handle.read(5) == b"%PDF-"
    content_type = "application/pdf" if pdf else "application/octet-stream"
    return _file(order.document, content_type, filename=f"court-order-{order.pk}.{'pdf' if pdf else 'bin'}")


@require_GET
def photo_file(request: HttpRequest, pk: int, rendition: str) -> HttpResponse:
    """A thumbnail or medium rendition of an asset photo. Who: anyone, if the photo is marked public
    and its asset is on the public record (else 404); never the original upload."""
    if rendition not in PHOTO_RENDITIONS:
        raise Http404
    photo = (AssetPhoto.objects.filter(pk=pk, public=True, asset__in=public_record_assets())
             .only("id", rendition).first())
    if photo is None or not getattr(photo, rendition):
        raise Http404
    fieldfile = getattr(photo, rendition)
    content_type = "image/png" if fieldfile.name.endswith(".png") else "image/jpeg"
    return _file(fieldfile, content_type)
