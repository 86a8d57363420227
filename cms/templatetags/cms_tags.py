"""Template tags of the public site, for every public page (Wagtail's and the auctions')."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.selectors import site_menu_links

register = template.Library()


@register.inclusion_tag("cms/includes/site_menu.html", takes_context=True)
def site_menu(context) -> dict:
    """The site's menu; the link to where the visitor is marked as the current page, and the link
    to the section they are in (the auctions, for a lot page) as current too."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    path = request.path
    links = []
    for link in site_menu_links(request):
        if link.href == path:
            current = "page"
        elif link.href.startswith("/") and link.href != "/" and path.startswith(link.href.split("?")[0]):
            current = "true"
        else:
            current = None
        links.append({"text": link.text, "href": link.href, "current": current})
    return {"links": links}


@register.inclusion_tag("cms/includes/footer_links.html")
def footer_links() -> dict:
    """The information pages every public page links to (created by cms' migrations)."""
    paths = settings.INFO_PAGE_PATHS
    return {"links": [(paths["how_to_buy"], _("How to buy")), (paths["terms"], _("Terms of sale")),
                      (paths["privacy"], _("Privacy notice")), (paths["contact"], _("Contact"))],
            # where the public takes part (claims, consultations, calls for projects) and the agreements with states
            "take_part": [(reverse(name), label) for name, label in TAKE_PART]}


TAKE_PART = [
    ("disposition:notices", gettext_lazy("Notices to claimants")),
    ("disposition:consultations", gettext_lazy("Public consultations")),
    ("disposition:calls", gettext_lazy("Calls for projects")),
    ("disposition:agreements", gettext_lazy("Return agreements")),
]


@register.filter
def with_csp_nonce(svg: str, nonce: str) -> SafeString:
    """A chart's SVG (cms.charts) whose <style> elements carry the answer's CSP nonce, as the
    Content-Security-Policy asks of every inline style (config/settings/security.py)."""
    nonce = "" if nonce is None else str(nonce)  # django-csp's lazy nonce is falsy until first read
    if not nonce:
        return mark_safe(svg)  # noqa: S308 - the chart's own SVG, already safe
    return mark_safe(svg.replace("<style", f'<style nonce="{escape(nonce)}"'))  # noqa: S308 - as above
