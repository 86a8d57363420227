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

from custody.storage import private_storage
from custody.validators import validate_document

from .blocks import BodyBlock, LinkBlock
from .figures import all_figures_as_of, figure_by_slug, method_notes
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
    subpage_types = ["cms.StandardPage", "cms.AssetIndexPage", "cms.StatisticsPage", "cms.DispositionIndexPage"]

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


# --------------------------------------------------------------------------------------------
# The public record: one page per public asset under the asset index, and published documents.
# The figures on these pages are read from the register, the ledger and the sales when the page is
# served (cms.record); the pages hold only what editors write (the story) and the link to the asset.
# --------------------------------------------------------------------------------------------


class AssetIndexPage(Page):
    """The public record of assets, at /assets/: every asset the public sees one by one, filterable by
    `stage`, `category`, `country` (of origin, ISO code) and `year` (the statistics page links here
    with these parameters), with counts. One per site, under the home page."""

    introduction = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    base_form_class = PublicPageForm

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.AssetPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("asset index page")

    def get_context(self, request, *args, **kwargs):
        from .record import asset_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(asset_index_context(index_page=self, params=request.GET))
        return context


class AssetPage(Page):
    """The public page of one asset, made and kept live or not by `cms.record.asset_page_sync` as the
    asset moves through its life cycle. Editors write the story (introduction and body); every figure
    (dates, days per stage, values, prices, costs, where the money went, photos, documents) comes
    from the records when the page is served, and is never copied into the page."""

    asset = models.OneToOneField("custody.Asset", on_delete=models.PROTECT, related_name="public_page",
                                 verbose_name=_("asset"), editable=False)
    introduction = StreamField(BodyBlock(), blank=True, verbose_name=_("introduction"),
                               help_text=_("Optional: what this asset was and why it matters."))
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("story"),
                       help_text=_("Optional: the story of the asset since its confiscation. The figures are "
                                   "added from the records: do not type them here, and never name a person."))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body"),
                     index.SearchField("public_facts_text")]

    parent_page_types = ["cms.AssetIndexPage"]
    subpage_types: list[str] = []
    is_creatable = False  # made by the sync for each public asset, never by hand

    class Meta:
        verbose_name = _("asset page")

    def public_facts_text(self) -> str:
        """What a search for a category, an area or a country should find this page by."""
        from .record import asset_search_text

        return asset_search_text(asset_id=self.asset_id)

    def get_context(self, request, *args, **kwargs):
        from .record import asset_facts, page_title

        context = super().get_context(request, *args, **kwargs)
        context["facts"] = asset_facts(asset_id=self.asset_id)
        context["shown_title"] = page_title(page=self, asset=context["facts"].asset)
        context["index_page"] = self.get_parent()
        return context

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        from .record import asset_is_public

        # The page is unpublished when its asset leaves the public stages; until the sync has run,
        # the page refuses to show an asset the record no longer shows.
        if not asset_is_public(asset_id=self.asset_id):
            raise Http404
        return super().serve(request, *args, **kwargs)


class DispositionIndexPage(Page):
    """What became of the assets and the money, at /dispositions/: every decision carried out (executed,
    being monitored, completed) or revoked after it was, filterable by `kind`, `beneficiary` (type) and
    `year` (of execution). One per site, under the home page. Anyone may see it."""

    introduction = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    base_form_class = PublicPageForm

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.DispositionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("disposition index page")

    def get_context(self, request, *args, **kwargs):
        from .dispositions import disposition_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(disposition_index_context(index_page=self, params=request.GET))
        return context


class DispositionPage(Page):
    """The public page of one disposition decision, made and kept live by
    `cms.dispositions.disposition_page_sync` as the decision is carried out, monitored, completed or
    revoked. Editors write the story; the facts (kind, beneficiary, assets, money, project, monitoring
    reports, documents) come from the records when the page is served. Anyone may see it."""

    decision = models.OneToOneField("disposition.DispositionDecision", on_delete=models.PROTECT,
                                    related_name="public_page", verbose_name=_("decision"), editable=False)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("story"),
                       help_text=_("Optional: the story of this decision. The figures are added from the records: "
                                   "do not type them here, and never name a person."))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["cms.DispositionIndexPage"]
    subpage_types: list[str] = []
    is_creatable = False  # made by the sync for each decision carried out, never by hand

    class Meta:
        verbose_name = _("disposition page")

    def get_context(self, request, *args, **kwargs):
        from .dispositions import decision_page_facts, public_title

        context = super().get_context(request, *args, **kwargs)
        context["facts"] = decision_page_facts(decision_id=self.decision_id)
        # The title as the records give it now (the asset's own title gives way if it names a party).
        context["shown_title"] = public_title(type(self.decision).objects.select_related(
            "asset__case", "proceeds_asset__case").get(pk=self.decision_id))
        context["index_page"] = self.get_parent()
        return context

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        from .dispositions import decision_is_public

        if not decision_is_public(decision_id=self.decision_id):
            raise Http404
        return super().serve(request, *args, **kwargs)


class DocumentKind(models.TextChoices):
    COURT_DECISION = "court_decision", _("Court decision")
    RETURN_AGREEMENT = "return_agreement", _("Return agreement")
    MEMORANDUM = "memorandum", _("Memorandum of understanding")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


def validate_pdf(upload) -> None:
    """A published document is a PDF that pypdf parses (as court orders' documents are checked)."""
    validate_document(upload)
    if upload is None or getattr(upload, "size", None) is None:
        return
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("Upload the document as a PDF file."), code="bad_type")


class PublishedDocument(index.Indexed, models.Model):
    """A court decision, a return agreement, a memorandum of understanding… that the public record may
    show: only when marked publishable, and then served by `cms.views.document_file`. Its text is
    read from the PDF at upload (`cms.record.pdf_text`) so that the site search finds words inside it."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255,
                             help_text=_("A public title: never the name of a person who is not a public figure."))
    date = models.DateField(_("date"))
    file = models.FileField(_("file (PDF)"), storage=private_storage, upload_to="published/%Y/%m/",
                            validators=[validate_pdf])
    summary = models.TextField(_("summary"), blank=True, max_length=2000)
    text = models.TextField(_("text of the PDF"), blank=True, editable=False)
    cases = models.ManyToManyField("custody.Case", blank=True, related_name="published_documents",
                                   verbose_name=_("cases"))
    assets = models.ManyToManyField("custody.Asset", blank=True, related_name="published_documents",
                                    verbose_name=_("assets"))
    decisions = models.ManyToManyField("disposition.DispositionDecision", blank=True,
                                       related_name="published_documents", verbose_name=_("disposition decisions"))
    publishable = models.BooleanField(
        _("may be published"), default=False,
        help_text=_("Only documents marked publishable appear on the public site and in its search."),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("text"),
        index.FilterField("publishable"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["publishable", "-date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cms:document_file", args=[self.pk])


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
        figures, as_of = all_figures_as_of()
        for figure in figures:
            figure.csv_url = self._route_url(request, "table_csv", figure.slug)
        return self.render(request, context_overrides={
            "figures": figures, "as_of": as_of, "dictionary_url": self._route_url(request, "data_dictionary")})

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
