"""Bar charts as SVG, drawn without a plotting library or an external file.

A chart is data first (:class:`Chart`: its size, its title and its shapes in drawing order,
each placed here), then SVG through the ``chart.svg`` template, which escapes every label. The
monthly report draws its charts with these two functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from publisher.core.i18n import _
from publisher.reports.pages import render

BAR_COLOR = "#2f6db5"
WIDTH = 640


@dataclass(frozen=True)
class Rect:
    """A bar (its ``tip`` shown on hover) or a legend's colour key (no tip)."""

    kind: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    tip: str = ""


@dataclass(frozen=True)
class Line:
    kind: ClassVar[str] = "line"
    x1: float
    x2: float
    y1: float
    y2: float
    stroke: str


@dataclass(frozen=True)
class Text:
    kind: ClassVar[str] = "text"
    x: float
    y: float
    text: str
    fill: str
    anchor: str = ""


@dataclass(frozen=True)
class Group:
    """Shapes moved down by ``dy`` (the legend under the plot)."""

    kind: ClassVar[str] = "group"
    dy: int
    shapes: tuple[Rect | Text, ...]


Shape = Rect | Line | Text | Group


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    title: str
    #: the title drawn at the top too (the report's Markdown files); on a page it is a heading
    titled: bool
    shapes: tuple[Shape, ...]


def svg(chart: Chart) -> str:
    """The chart as an SVG document."""
    return render("chart_file.svg", chart=chart)


def _no_data(width: int, height: int) -> Text:
    return Text(width // 2, height // 2, _("No data for this month"), "#777", "middle")


def _step(top: int) -> int:
    """A whole-number tick step that gives at most five ticks."""
    return max(1, -(-top // 5))


Series = tuple[str, str, Sequence[int]]


def grouped_bar_chart(
    title: str, groups: Sequence[str], series: Sequence[Series], titled: bool = True
) -> Chart:
    """Vertical bars: one group per label, one bar per (name, colour, values) series."""
    legend, legend_h = _legend([(n, c) for n, c, _v in series], 40)
    top, plot_h = (36 if titled else 12), 180
    height = top + plot_h + 28 + legend_h
    peak = max((v for _n, _c, values in series for v in values), default=0)
    if peak == 0 or not groups:
        return Chart(WIDTH, height, title, titled, (_no_data(WIDTH, height),))
    step = _step(peak)
    scale = plot_h / (step * -(-peak // step))
    shapes: list[Shape] = _y_axis(40, top, WIDTH - 52, plot_h, step, scale)
    group_w = (WIDTH - 52) / len(groups)
    for index, name in enumerate(groups):
        shapes += _group(index, name, series, (40 + index * group_w, group_w), top + plot_h, scale)
    shapes.append(Group(top + plot_h + 32, tuple(legend)))
    return Chart(WIDTH, height, title, titled, tuple(shapes))


def _group(
    index: int,
    name: str,
    series: Sequence[Series],
    span: tuple[float, float],
    base: int,
    scale: float,
) -> list[Shape]:
    """One group's bars and its label under them."""
    left, width = span
    bar_w = min(28.0, (width - 8) / max(1, len(series)))
    x0 = left + (width - bar_w * len(series)) / 2
    shapes: list[Shape] = [
        _bar(
            x0 + s * bar_w,
            base,
            bar_w - 2,
            values[index] * scale,
            color,
            f"{series_name}, {name}: {values[index]}",
        )
        for s, (series_name, color, values) in enumerate(series)
    ]
    shapes.append(Text(left + width / 2, base + 16, name, "#333", "middle"))
    return shapes


def _y_axis(left: int, top: int, width: int, height: int, step: int, scale: float) -> list[Shape]:
    shapes: list[Shape] = []
    value = 0
    while value * scale <= height + 0.5:
        y = top + height - value * scale
        shapes.append(Line(left, left + width, y, y, "#e3e3e3"))
        shapes.append(Text(left - 6, y + 4, str(value), "#555", "end"))
        value += step
    return shapes


def _bar(x: float, base: int, width: float, height: float, color: str, tip: str) -> Rect:
    return Rect(x, base - height, float(max(width, 1)), float(height), color, tip)


def _legend(items: Sequence[tuple[str, str]], left: int) -> tuple[list[Rect | Text], int]:
    """Colour keys in rows that fit the chart's width, and the height they take."""
    shapes: list[Rect | Text] = []
    x, y = float(left), 0
    for name, color in items:
        width = 28 + 7.5 * len(name)
        if x + width > WIDTH and x > left:
            x, y = float(left), y + 18
        shapes.append(Rect(x, y, 12, 12, color))
        shapes.append(Text(x + 16, y + 10, name, "#333"))
        x += width
    return shapes, y + 20


def bar_chart(
    title: str, items: Sequence[tuple[str, int]], color: str = BAR_COLOR, titled: bool = True
) -> Chart:
    """Horizontal bars, one per (label, value), the value written after the bar."""
    left, top, row = 190, (36 if titled else 8), 28
    height = max(top + row * len(items) + 12, 100)
    peak = max((value for _label, value in items), default=0)
    if peak == 0:
        return Chart(WIDTH, height, title, titled, (_no_data(WIDTH, height),))
    scale = (WIDTH - left - 60) / peak
    shapes: list[Shape] = []
    for index, (name, value) in enumerate(items):
        y = top + index * row
        shapes += [
            Text(left - 8, y + 17, name, "#333", "end"),
            Rect(left, y + 5, float(max(value * scale, 1)), 18, color, f"{name}: {value}"),
            Text(left + value * scale + 6, y + 18, str(value), "#222"),
        ]
    return Chart(WIDTH, height, title, titled, tuple(shapes))
