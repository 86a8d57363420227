"""Charts drawn on the server as SVG by pygal, inlined in the page: they show their numbers without
JavaScript (values printed on the bars, no tooltips script) and scale to the width of a phone (the
SVG has a viewBox and no fixed size). Each chart sits next to the table it is drawn from."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#1d2733", foreground_strong="#1d2733",
    foreground_subtle="#c9d1da", colors=("#0a5796",), font_family="system-ui, sans-serif",
    label_font_size=17, major_label_font_size=17, value_font_size=17, value_label_font_size=17,
    title_font_size=16,
)


# pygal always adds a small inline script holding its tooltips' configuration: not needed without them.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _formatted(value, formatter: Callable[[float], str]) -> str:
    # pygal hands back floats: a count of 3 is written "3", not "3.0".
    if value is None:
        return ""
    return formatter(int(value) if float(value).is_integer() else value)


def bars(items: Sequence[tuple[str, float]], formatter: Callable[[float], str]) -> SafeString:
    """A horizontal bar chart of (label, number) pairs, each bar labelled with its formatted value."""
    chart = pygal.HorizontalBar(
        style=STYLE, js=[], disable_xml_declaration=True, show_legend=False, print_values=True,
        print_values_position="top", value_formatter=lambda v: _formatted(v, formatter),
        width=720, height=max(160, 56 * len(items) + 60), margin=8, show_y_guides=False,
        x_labels_major_count=4, show_minor_x_labels=False, truncate_label=-1,
    )
    chart.x_labels = [label for label, _value in items]
    chart.add("", [float(value) for _label, value in items])
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # an attribute rather than an inline style, which the Content-Security-Policy refuses
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    # the table beside the chart says the same to a screen reader
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return mark_safe(svg)  # noqa: S308 - pygal's SVG of our own numbers and labels (escaped by pygal)
