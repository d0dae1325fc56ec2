"""Chart geometry for the dashboard: round axis ticks, SVG coordinates of the time charts, bar widths.

Only numbers and short strings come out of here; the markup is in dashboard.html.j2. SVG
cannot wrap or measure text, so the time charts estimate label widths (CHAR_WIDTH) and keep
every label inside the drawing; the bar charts are HTML, where the browser lays text out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Average advance of a character at 12 px in DejaVu Sans (0.6 em), the widest of the fonts
# the page asks for: labels estimated with it fit in the others too.
CHAR_WIDTH = 7.2
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def text_width(text: str, font_px: float = 12) -> float:
    return len(text) * CHAR_WIDTH * font_px / 12


def nice_step(span: float, target: int = 5, integer: bool = False) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) that cuts span into about target parts;
    for counts (integer) 1, 2 or 5 times a power of ten, and at least 1."""
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for multiple in (1, 2, 5) if integer else (1, 2, 2.5, 5):
        if multiple * magnitude >= raw * 0.999_999:
            step = multiple * magnitude
            break
    return max(step, 1) if integer else step


def nice_ticks(top_value: float, target: int = 5, integer: bool = False) -> list[float]:
    """Axis ticks from 0 to the first round number at or above top_value (at least 1)."""
    top_value = max(float(top_value), 0.0) or 1.0
    step = nice_step(top_value, target, integer)
    count = math.ceil(top_value / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def month_label(day: date) -> str:
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from first's month to last's month."""
    months = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


@dataclass
class Tick:
    position: float  # x or y in the drawing
    label: str
    anchor: str = "middle"


@dataclass
class Point:
    x: float
    y: float
    day: date
    value: Decimal


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    month: date
    value: Decimal
    partial: bool


@dataclass
class TimeChart:
    """A line (days) or column (months) chart in a width x height drawing."""

    width: int
    height: int
    left: float
    top: float
    plot_width: float
    plot_height: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    points: list[Point] = field(default_factory=list)
    line: str = ""  # SVG path of the complete days
    partial_line: str = ""  # dashed segment to a partial last day
    columns: list[Column] = field(default_factory=list)
    partial_label: Tick | None = None
    partial_label_y: float = 0.0
    first_day: date | None = None
    span_days: int = 1

    @property
    def bottom(self) -> float:
        return self.top + self.plot_height


def y_axis(
    values: Sequence[Decimal], top: float, plot_height: float, tick_label: Callable[[float], str]
) -> tuple[float, list[Tick], float]:
    """(axis top value, ticks, width of the widest tick label) for values >= 0."""
    ticks = nice_ticks(float(max(values, default=0)))
    axis_top = ticks[-1]
    placed = [Tick(top + plot_height * (1 - t / axis_top), tick_label(t), "end") for t in ticks]
    return axis_top, placed, max(text_width(t.label) for t in placed)


def thin_labels(count: int, spacing: float, label_width: float, steps: Sequence[int]) -> int:
    """The smallest step from steps that keeps labels `spacing` apart from overlapping."""
    for step in steps:
        if step * spacing >= label_width + 10:
            return step
    return max(count, 1)


def line_chart(
    days: Sequence[tuple[date, Decimal]],
    partial_last: bool,
    tick_label: Callable[[float], str],
    width: int = 960,
    height: int = 250,
) -> TimeChart:
    """One point per day with sales, x proportional to the date; month ticks on the x axis."""
    top, bottom = 14.0, 30.0
    plot_height = height - top - bottom
    axis_top, y_ticks, y_label_width = y_axis([v for _, v in days], top, plot_height, tick_label)
    first, last = days[0][0], days[-1][0]
    span = max((last - first).days, 1)
    left = y_label_width + 14
    months = [m for m in month_starts(first, last) if m >= first]
    label_width = text_width("Mmm 0000")
    partial_text = f"{last.isoformat()}: partial day"
    right = label_width / 2 + 4  # the last month label may sit at the right edge
    plot_width = width - left - right

    def x_of(day: date) -> float:
        return left + plot_width * (day - first).days / span

    def y_of(value: Decimal) -> float:
        return top + plot_height * (1 - max(float(value), 0) / axis_top)

    points = [Point(x_of(d), y_of(v), d, v) for d, v in days]
    complete = points[:-1] if partial_last and len(points) > 1 else points
    line = " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(complete))
    partial_line = ""
    partial_label = None
    if partial_last and len(points) > 1:
        a, b = points[-2], points[-1]
        partial_line = f"M{a.x:.1f},{a.y:.1f} L{b.x:.1f},{b.y:.1f}"
        partial_label = Tick(b.x - 6, partial_text, "end")  # ends left of the point: never past the edge
    month_px = plot_width * 30.4 / span
    step = thin_labels(len(months), month_px, label_width, (1, 2, 3, 4, 6, 12))
    x_ticks = [Tick(x_of(m), month_label(m)) for m in months if (m.year * 12 + m.month - 1) % step == 0]
    return TimeChart(
        width,
        height,
        left,
        top,
        plot_width,
        plot_height,
        y_ticks,
        x_ticks,
        points=points,
        line=line,
        partial_line=partial_line,
        partial_label=partial_label,
        partial_label_y=top + 10,
        first_day=first,
        span_days=span,
    )


def column_chart(
    months: Sequence[tuple[date, Decimal]],
    partial_last: bool,
    tick_label: Callable[[float], str],
    width: int = 960,
    height: int = 250,
) -> TimeChart:
    """One column per month with sales; the latest month is always labelled."""
    top, bottom = 22.0, 30.0
    plot_height = height - top - bottom
    axis_top, y_ticks, y_label_width = y_axis([v for _, v in months], top, plot_height, tick_label)
    left = y_label_width + 14
    label_width = text_width("Mmm 0000")
    count = len(months)
    # The last label is centred on the last column: the right margin holds its overhang.
    provisional_step = (width - left - label_width) / count
    right = max(8.0, label_width / 2 - provisional_step / 2 + 4)
    plot_width = width - left - right
    step_px = plot_width / count
    columns = []
    for i, (month, value) in enumerate(months):
        h = plot_height * max(float(value), 0) / axis_top
        columns.append(
            Column(
                left + i * step_px + step_px * 0.15,
                top + plot_height - h,
                step_px * 0.7,
                h,
                month,
                value,
                partial_last and i == count - 1,
            )
        )
    every = thin_labels(count, step_px, label_width, range(1, count + 1))
    x_ticks = [
        Tick(left + (i + 0.5) * step_px, month_label(m)) for i, (m, _) in enumerate(months) if (count - 1 - i) % every == 0
    ]
    partial_label, partial_label_y = None, 0.0
    if partial_last and columns:
        last = columns[-1]
        text = "partial"
        partial_label = Tick(min(last.x + last.width / 2, width - text_width(text) / 2 - 2), text)
        partial_label_y = max(last.y - 5, 12.0)
    return TimeChart(
        width,
        height,
        left,
        top,
        plot_width,
        plot_height,
        y_ticks,
        x_ticks,
        columns=columns,
        partial_label=partial_label,
        partial_label_y=partial_label_y,
    )


@dataclass
class Bar:
    label: str
    value: Decimal | int | None
    text: str
    percent: float  # bar length, percent of the axis
    key: str = ""
    css: str = ""


@dataclass
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]  # position: percent of the track


def bar_chart(
    rows: Sequence[tuple[str, Decimal | int | None, str]],
    tick_label: Callable[[float], str],
    keys: Sequence[str] | None = None,
    counts: bool = False,
) -> BarChart:
    """Horizontal bars (label, value, value text) on an axis from 0 to a round number."""
    ticks = nice_ticks(max((float(v or 0) for _, v, _ in rows), default=0), integer=counts)
    axis_top = ticks[-1]
    bars = [
        Bar(label, value, text, 100 * max(float(value or 0), 0) / axis_top, keys[i] if keys else label)
        for i, (label, value, text) in enumerate(rows)
    ]
    return BarChart(bars, [Tick(100 * t / axis_top, tick_label(t)) for t in ticks])
