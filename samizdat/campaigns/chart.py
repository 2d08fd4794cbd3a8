"""Server-rendered SVG charts of a running total over time (money raised, followers): no chart
library, no script."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 16, 32


def raised_chart(points: list[tuple[datetime.date, int]], goal: int, label) -> SafeString:
    """A step line of the running total by day, a dot (titled with date and total) on each day
    money moved, and the goal as a dashed line.

    `label` turns minor units into text ("€1,200"). Empty campaigns get a short sentence instead.
    """
    if not points:
        return mark_safe(f'<p class="help-text">{escape(_("No money received yet."))}</p>')
    return step_chart(points, label=label, title=_("Money raised over time"), name="raised", goal=goal)


def step_chart(points: list[tuple[datetime.date, int]], *, label: Callable[[int], str], title: str,
               name: str, goal: int | None = None) -> SafeString:
    """A step line of a running total by day (`points`: the days it changed, oldest first, never
    empty), a dot titled with date and total on each of those days, and the `goal` as a dashed line
    (without one, the highest total labels the top of the axis).

    `name` prefixes the SVG's classes and title id ("raised" → `raised-chart`, `raised-day`)."""
    first, last = points[0][0], points[-1][0]
    if first == last:
        first = last - datetime.timedelta(days=1)
    span = max(1, (last - first).days)
    highest = max(total for _day, total in points)
    top_value = max(goal if goal is not None else 0, highest, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return LEFT + plot_w * (day - first).days / span

    def y(value: int) -> float:
        return TOP + plot_h * (1 - max(0, value) / top_value)

    path = [f"M{x(first):.1f},{y(0):.1f}"]
    previous = 0
    for day, total in points:
        path.append(f"H{x(day):.1f}V{y(total):.1f}")
        previous = total
    path.append(f"H{x(last):.1f}V{y(previous):.1f}")
    marks = [
        f'<circle class="{name}-day" cx="{x(day):.1f}" cy="{y(total):.1f}" r="3.5" fill="#1565c0">'
        f'<title>{escape(date_format(day, "SHORT_DATE_FORMAT"))}: {escape(label(total))}</title></circle>'
        for day, total in points
    ]
    if goal is not None:
        scale = [
            f'<line x1="{LEFT}" y1="{y(goal):.1f}" x2="{WIDTH - RIGHT}" y2="{y(goal):.1f}" stroke="#c62828" '
            f'stroke-dasharray="6 4"/>',
            f'<text x="{LEFT - 6}" y="{y(goal) + 4:.1f}" text-anchor="end" font-size="12">'
            f'{escape(label(goal))}</text>',
        ]
    else:
        scale = [f'<text x="{LEFT - 6}" y="{y(top_value) + 4:.1f}" text-anchor="end" font-size="12">'
                 f'{escape(label(top_value))}</text>']
    parts = [
        f'<svg class="{name}-chart" role="img" aria-labelledby="{name}-chart-title" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{name}-chart-title">{escape(title)}: {escape(label(previous))}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#888"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#888"/>',
        *scale,
        f'<text x="{LEFT - 6}" y="{TOP + plot_h + 4}" text-anchor="end" font-size="12">'
        f'{escape(label(0))}</text>',
        f'<path d="{"".join(path)}" fill="none" stroke="#1565c0" stroke-width="2.5"/>',
        *marks,
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="12">'
        f'{escape(date_format(first, "SHORT_DATE_FORMAT"))}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="12">'
        f'{escape(date_format(last, "SHORT_DATE_FORMAT"))}</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
