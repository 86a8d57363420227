"""Absolute links for what leaves the site (e-mails): always on the one configured base URL."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`settings.PUBLIC_BASE_URL` + an absolute path (`/account/…`)."""
    return f"{settings.PUBLIC_BASE_URL}{path if path.startswith('/') else '/' + path}"


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
