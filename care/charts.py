"""A small inline-SVG line chart for progress over time (no JavaScript), in the style of
``reports.charts``: role="img" with <title> and <desc>, and the same numbers always in a table."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from reports.charts import PALETTE, WIDTH

HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 12, 28

_ids = itertools.count(1)


def _n(value: float) -> str:
    return f"{value:.1f}"


def line_chart(
    *,
    title: str,
    desc: str,
    points: Sequence[tuple[str, float]],
    y_min: float,
    y_max: float,
    ticks: Sequence[float],
) -> SafeString:
    """One point per (label, value), left to right in the given order, joined by a line."""
    n = next(_ids)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = (y_max - y_min) or 1.0

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (min(max(value, y_min), y_max) - y_min) / span)

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e4e7eb"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#616e7c">{}</text>',
        ((LEFT, _n(y(t)), WIDTH - RIGHT, _n(y(t)), LEFT - 6, _n(y(t) + 4), f"{t:g}") for t in ticks),
    )
    coords = [(x(i), y(value)) for i, (_label, value) in enumerate(points)]
    line = format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
        " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in coords),
        PALETTE[0],
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" fill="{}" data-point="{}"><title>{}: {}</title></circle>',
        (
            (_n(cx), _n(cy), PALETTE[0], f"{v:g}", label, f"{v:g}")
            for (cx, cy), (label, v) in zip(coords, points, strict=True)
        ),
    )
    # Only the first and the last date under the axis: a phone has no room for more.
    ends = [(0, points[0][0])] if points else []
    if len(points) > 1:
        ends.append((len(points) - 1, points[-1][0]))
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="#616e7c">{}</text>',
        (
            (_n(x(i)), HEIGHT - 8, "start" if i == 0 and len(points) > 1 else "end" if i else "middle", label)
            for i, label in ends
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="care-chart-{n}-title care-chart-{n}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="care-chart-{n}-title">{title}</title><desc id="care-chart-{n}-desc">{desc}</desc>'
        "{grid}{line}{dots}{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        n=n,
        title=title,
        desc=desc,
        grid=grid,
        line=line,
        dots=dots,
        labels=labels,
    )
