"""What the apps above the register import to add buttons to the asset page.

custody's admin screens are viewsets now (custody/wagtail_hooks.py) and its private file views are
in custody/views.py; no view lives here. `action_button` stays at the address the
`custody_asset_actions` hook's documented contract has always given (see custody/wagtail_hooks.py).
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString


def action_button(label: str, url: str, *, danger: bool = False) -> SafeString:
    """A button for apps adding actions through the custody_asset_actions hook."""
    classes = "button button-small" + (" no" if danger else " button-secondary")
    return format_html('<a class="{}" href="{}">{}</a>', classes, url, label)
