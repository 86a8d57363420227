"""The site search (/search/): Wagtail search, on PostgreSQL's full text through Wagtail's database
backend, across the live public pages and the publishable documents (their PDF's text included).
Who: anyone; an unpublished page or document never appears."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from .record import published_documents

RESULTS_PER_PAGE = 20
MAX_RESULTS = 200  # per kind: no one reads further; refine the words instead
MAX_QUERY = 200


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    kind: str
    date: object = None
    summary: str = ""


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]
    results: list[Result] = []
    if query:
        pages = Page.objects.live().public().exclude(depth__lte=1).specific().search(query)[:MAX_RESULTS]
        for page in pages:
            url = page.get_url(request)
            if url:
                results.append(Result(page.title, url, str(page.specific_class._meta.verbose_name).capitalize(),
                                      summary=getattr(page, "search_description", "") or ""))
        for document in get_search_backend().search(query, published_documents())[:MAX_RESULTS]:
            results.append(Result(document.title, document.get_absolute_url(), document.get_kind_display(),
                                  date=document.date, summary=document.summary))
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms/asset_search.html", {"query": query, "results": page, "count": len(results)})
