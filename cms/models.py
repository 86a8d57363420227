"""The public site's pages and its menu.

The page tree: Wagtail's root, then one `HomePage` per site (the site's root, served at `/`), and
under it `StandardPage`s (about the agency, how auctions work, how to claim), which may nest. The
auction site is not in the tree: Django serves it under /auctions/ and the menu links to it.
"""

from __future__ import annotations

import csv
import functools
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock, LinkBlock
from .figures import all_figures, figure_by_slug, method_notes
from .open_data import RESOURCES


@functools.cache
def reserved_slugs() -> frozenset[str]:
    """The first path segments that Django views answer (auctions, account, admin, api…): a page
    with one of these slugs directly under a site's home page would never be served."""
    import wagtail.urls
    from django.urls import URLResolver, get_resolver

    found: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^")
            if isinstance(pattern, URLResolver):
                if pattern.urlconf_module is wagtail.urls:
                    continue  # the pages themselves
                if "/" not in route:
                    walk(pattern.url_patterns, route)
                    continue
            segment = re.match(r"[\w-]+", route)
            if segment:
                found.add(segment.group(0))

    walk(get_resolver().url_patterns, "")
    return frozenset(found)


def check_slug_is_served(slug: str, parent: Page | None) -> None:
    if parent is not None and slug in reserved_slugs() and parent.is_site_root():
        raise ValidationError({"slug": _("“/%(slug)s/” belongs to another part of the site (such as the auctions "
                                         "or bidders' accounts); choose another slug.") % {"slug": slug}})


class PublicPageForm(WagtailAdminPageForm):
    """Refuses, as a form error, a slug that another part of the site answers. A page not yet in the
    tree has no parent for the model's clean() to look at; the form knows where it is being added."""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            try:
                check_slug_is_served(cleaned_data.get("slug") or "", self.parent_page)
            except ValidationError as error:
                self.add_error("slug", error.error_dict["slug"])
        return cleaned_data


class HomePage(Page):
    """A site's home page, at `/`: a main heading, an introduction and a body that editors compose."""

    heading = models.CharField(_("main heading"), max_length=150,
                               help_text=_("The largest heading of the page, saying what the agency does."))
    introduction = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("heading"), FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("heading"), index.SearchField("introduction"),
                     index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]  # the root of the tree only
    subpage_types = ["cms.StandardPage", "cms.StatisticsPage"]

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    """An editorial page: about the agency, how auctions work, how to claim…"""

    introduction = models.TextField(_("introduction"), blank=True, max_length=600,
                                    help_text=_("One or two sentences shown under the title."))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    base_form_class = PublicPageForm

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def clean(self):
        super().clean()
        check_slug_is_served(self.slug, self.get_parent())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = self.get_ancestors().filter(depth__gt=1).live()
        context["children"] = self.get_children().live().public().only("id", "title", "url_path", "path", "depth")
        return context


@register_setting(icon="list-ul")
class SiteMenu(BaseSiteSetting):
    """The links at the top of every public page of the site, editable in Settings → Site menu."""

    links = StreamField([("link", LinkBlock())], blank=True, verbose_name=_("links"),
                        help_text=_("Shown in this order at the top of every public page, the auctions' included."))

    panels = [FieldPanel("links")]

    class Meta:
        verbose_name = _("site menu")


class StatisticsPage(RoutablePageMixin, Page):
    """The public record in figures, at /statistics/: each figure a chart drawn on the server, the table
    behind it with a link per row to the assets it counts, its CSV, and how it is computed; and the data
    dictionary of the open data at /statistics/data-dictionary/. Anyone may see it: aggregates, and
    assets only as the public record shows them. The figures come from cms.statistics, as the API's
    and the open data's do."""

    introduction = models.TextField(_("introduction"), blank=True, max_length=600,
                                    help_text=_("One or two sentences shown under the title."))

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    base_form_class = PublicPageForm
    template = "cms/statistics_page.html"

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("statistics page")

    def clean(self):
        super().clean()
        check_slug_is_served(self.slug, self.get_parent())

    def _route_url(self, request, name: str, *args) -> str:
        return self.get_url(request) + self.reverse_subpage(name, args=args)

    @path("")
    def figures(self, request):
        figures = all_figures()
        for figure in figures:
            figure.csv_url = self._route_url(request, "table_csv", figure.slug)
        return self.render(request, context_overrides={
            "figures": figures, "dictionary_url": self._route_url(request, "data_dictionary")})

    # (Wagtail serves page addresses of words and slashes only: no ".csv" in it; the download is named so.)
    @path("tables/<slug:slug>/")
    def table_csv(self, request, slug: str):
        """One figure's table as CSV: codes and plain numbers, amounts with a decimal point."""
        figure = figure_by_slug(slug)
        if figure is None:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{figure.slug}.csv"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(figure.raw_headers)
        writer.writerows(row.raw for row in figure.rows)
        return response

    @path("data-dictionary/")
    def data_dictionary(self, request):
        return self.render(request, template="cms/statistics_data_dictionary.html",
                           context_overrides={"resources": RESOURCES, "methods": method_notes()})
