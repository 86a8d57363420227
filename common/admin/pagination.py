"""The reader's choice of rows per page for the index views of RecordViewSets.

`PerPageMixin` lets the reader choose how many rows a page shows (`?per_page=25`) among
`per_page_choices`; any other value falls back to the viewset's `list_per_page`. Wagtail's page
links keep the query string, so the choice holds while paging, sorting and filtering; the choices are
offered under the page links (common/admin/index_results.html, which a listing's own results
template may extend). Use it as the first base of the index view:

    class AssetIndexView(PerPageMixin, RecordIndexView): ...
"""

from __future__ import annotations

from django.utils.functional import cached_property


class PerPageMixin:
    per_page_choices: tuple[int, ...] = (25, 50, 100)
    per_page_param = "per_page"
    results_template_name = "common/admin/index_results.html"

    @cached_property
    def per_page(self) -> int | None:
        default = super().get_paginate_by(None)
        try:
            chosen = int(self.request.GET.get(self.per_page_param, ""))
        except ValueError:
            return default
        return chosen if chosen in self.per_page_choices else default

    def get_paginate_by(self, queryset) -> int | None:
        return self.per_page

    def per_page_links(self) -> list[dict]:
        """For each choice: the rows per page, the listing's first page with that choice, and
        whether it is the current one."""
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        links = []
        for n in self.per_page_choices:
            query[self.per_page_param] = str(n)
            links.append({"n": n, "url": f"{self.index_url}?{query.urlencode()}", "current": n == self.per_page})
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["per_page_links"] = self.per_page_links()
        return context
