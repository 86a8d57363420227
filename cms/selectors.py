"""Reads for the public site: the menu at the top of every public page.

Every public page shows the menu, the auction catalogue included, whose whole page costs a few
queries: finding the site, its menu setting and the chosen pages would add three. The links are
therefore cached per host, under a generation number that every change to the menu, a site or a
published page bumps (see cms.apps), at once and again after commit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from wagtail.models import Site

_GENERATION_KEY = "cms:menu-generation"
# A minute at most: where the cache is per process (no Redis), the other processes see a change that late.
_MENU_SECONDS = 60


@dataclass(frozen=True)
class MenuLink:
    text: str
    href: str


def _menu_key(host: str) -> str:
    return f"cms:menu:v1:{host}"


def site_menu_links(request: HttpRequest) -> list[MenuLink]:
    """The links of the menu of the site answering `request`, in the editors' order; a link to a page
    that is not published is left out."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return []  # the 400 page for a forged Host header: no site to speak of
    key = _menu_key(host)
    found = cache.get_many([_GENERATION_KEY, key])
    generation, stamped = found.get(_GENERATION_KEY), found.get(key)
    if generation is not None and isinstance(stamped, tuple) and len(stamped) == 2 and stamped[0] == generation:
        return [MenuLink(text, href) for text, href in stamped[1]]
    links = _read_menu(request)
    if generation is None:
        cache.add(_GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(_GENERATION_KEY)
    cache.set(key, (generation, [(link.text, link.href) for link in links]), _MENU_SECONDS)
    return links


def _read_menu(request: HttpRequest) -> list[MenuLink]:
    from .models import SiteMenu

    site = Site.find_for_request(request)
    if site is None:
        return []
    links = []
    for block in SiteMenu.for_site(site).links:
        href = block.value.href(request)
        if href and block.value.text:
            links.append(MenuLink(block.value.text, href))
    return links


def forget_site_menus() -> None:
    """Make every cached menu stale (a menu, a site or a page's title or address changed)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:  # never read yet, or evicted
        cache.set(_GENERATION_KEY, _fresh_generation(), timeout=None)


def _fresh_generation() -> int:
    """A generation no entry can carry yet, even after the counter was evicted: the clock's."""
    return time.time_ns()
