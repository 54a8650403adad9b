"""Server-side inline SVG charts: horizontal bars and stacked bars, no JavaScript.

Each chart has a <title> and <desc> (role="img"); the same figures are always in a table next to
it. A withheld figure is never drawn to scale: it gets a fixed-width hatched bar labelled with its
text ("<5" or "*"), and the scale is taken from the shown figures only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reports.suppression import Cell

WIDTH = 480  # a phone shows the chart at about 0.75 of this: 13-unit text stays readable
LABEL_WIDTH = 140
# The bar area leaves room after the longest bar for its figure ("123 (100%)"), so that no
# figure is cut at the right edge.
BAR_AREA = 240
ROW_HEIGHT = 28
BAR_HEIGHT = 18
WITHHELD_WIDTH = 26
TOP = 8
PALETTE = ["#1d4ed8", "#0e9384", "#b54708", "#7a5af8", "#c11574", "#087443", "#616e7c", "#b42318"]

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    color: str


def _frame(title: str, desc: str, height: int, body: SafeString, legend: SafeString | str = "") -> SafeString:
    n = next(_ids)
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="chart-{n}-title chart-{n}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-{n}-title">{title}</title><desc id="chart-{n}-desc">{desc}</desc>'
        '<defs><pattern id="hatch-{n}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eef2f6"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#9aa5b1" stroke-width="3"/></pattern></defs>'
        "{body}{legend}</svg>",
        w=WIDTH,
        h=height,
        n=n,
        title=title,
        desc=desc,
        body=mark_safe(body.replace("__HATCH__", f"hatch-{n}")),  # noqa: S308 - built by format_html
        legend=legend,
    )


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(text: str, room: int) -> str:
    """Cut a label to about ``room`` half-width characters (CJK counts two)."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0x2E80 else 1
        if used > room:
            return text[: max(i - 1, 1)] + "…"
    return text


def _label(y: int, text: str) -> SafeString:
    """The bar's label, cut to fit; the whole label is its tooltip (and in the table)."""
    return format_html(
        '<text x="{x}" y="{y}" text-anchor="end" font-size="13" fill="#1f2933" class="bar-label">'
        "<title>{full}</title>{t}</text>",
        x=LABEL_WIDTH - 8,
        y=y + BAR_HEIGHT - 4,
        full=text,
        t=_short(text, 20),
    )


def _scale(values: Sequence[float], fixed_max: float | None) -> float:
    top = fixed_max if fixed_max is not None else max([*values, 0])
    return BAR_AREA / top if top else 0.0


def bar_chart(
    *, title: str, desc: str, bars: Sequence[tuple[str, Cell]], fixed_max: float | None = None
) -> SafeString:
    """One horizontal bar per (label, cell)."""
    scale = _scale([c.value for _, c in bars if c.value is not None], fixed_max)
    parts = []
    for i, (label, cell) in enumerate(bars):
        y = TOP + i * ROW_HEIGHT
        parts.append(_label(y, label))
        width: float
        if cell.suppressed:
            width, fill, kind = WITHHELD_WIDTH, "url(#__HATCH__)", "withheld"
        elif cell.value is None:
            width, fill, kind = 0, PALETTE[0], "none"
        else:
            width, fill, kind = max(cell.value * scale, 1 if cell.value else 0), PALETTE[0], "value"
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}" data-bar="{k}"/>'
                '<text x="{tx}" y="{ty}" font-size="13" fill="#1f2933">{t}</text>',
                x=LABEL_WIDTH,
                y=y,
                w=_n(width),
                h=BAR_HEIGHT,
                f=fill,
                k=kind,
                tx=_n(LABEL_WIDTH + width + 6),
                ty=y + BAR_HEIGHT - 4,
                t=cell.text,
            )
        )
    height = TOP * 2 + max(len(bars), 1) * ROW_HEIGHT
    return _frame(title, desc, height, SafeString("".join(parts)))


def stacked_bar_chart(
    *, title: str, desc: str, series: Sequence[str], bars: Sequence[tuple[str, Sequence[Cell]]]
) -> SafeString:
    """One horizontal bar per label, one segment per series; withheld segments are hatched."""
    colors = [Series(label, PALETTE[i % len(PALETTE)]) for i, label in enumerate(series)]
    totals = [sum(c.value or 0 for c in cells) for _, cells in bars]
    withheld_room = max((sum(1 for c in cells if c.value is None) for _, cells in bars), default=0)
    scale = _scale(totals, None) * (BAR_AREA - withheld_room * WITHHELD_WIDTH) / BAR_AREA
    parts = []
    for i, (label, cells) in enumerate(bars):
        y = TOP + i * ROW_HEIGHT
        parts.append(_label(y, label))
        x = float(LABEL_WIDTH)
        for s, cell in zip(colors, cells, strict=True):
            if cell.value == 0:
                continue
            if cell.value is None:
                width, fill = float(WITHHELD_WIDTH), "url(#__HATCH__)"
            else:
                width, fill = cell.value * scale, s.color
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}" stroke="#fff" '
                    'data-series="{s}"><title>{s}: {t}</title></rect>',
                    x=_n(x),
                    y=y,
                    w=_n(width),
                    h=BAR_HEIGHT,
                    f=fill,
                    s=s.label,
                    t=cell.text,
                )
            )
            if cell.value is None:
                parts.append(
                    format_html(
                        '<text x="{x}" y="{y}" font-size="10" fill="#1f2933">{t}</text>',
                        x=_n(x + 3),
                        y=y + BAR_HEIGHT - 5,
                        t=cell.text,
                    )
                )
            x += width
    legend_top = TOP * 2 + max(len(bars), 1) * ROW_HEIGHT
    columns = 2 if max((len(s.label) for s in colors), default=0) > 12 else 3
    step = (WIDTH - 16) // columns
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12" fill="#1f2933"><title>{}</title>{}</text>',
        (
            (
                8 + (k % columns) * step,
                legend_top + (k // columns) * 18,
                s.color,
                26 + (k % columns) * step,
                legend_top + (k // columns) * 18 + 11,
                s.label,
                _short(s.label, (step - 24) // 7),
            )
            for k, s in enumerate(colors)
        ),
    )
    height = legend_top + ((len(colors) + columns - 1) // columns) * 18 + 6
    return _frame(title, desc, height, SafeString("".join(parts)), legend)
