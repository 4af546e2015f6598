"""Charts as data for inline SVG: geometry computed here, markup in the template (escaped
like any other), colours from static/css/insights.css. No script, no style attribute."""

from dataclasses import dataclass, field

from django.utils.formats import date_format

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 36
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def nice_ceiling(value):
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM
    grid: list = field(default_factory=list)  # (y, label)
    labels: list = field(default_factory=list)  # (x, text) under the axis
    bars: list = field(default_factory=list)
    lines: list = field(default_factory=list)


def _steps(top_value):
    """Grid steps that put every line on a whole number: 0-1, 0-2, 0-5 by one, 0-10 by two,
    0-20 by five, 0-50 by ten, and so on."""
    if top_value <= 2:
        return top_value
    return 4 if str(top_value)[0] == "2" else 5


def _grid(top_value, suffix="", steps=None):
    steps = steps or _steps(top_value)
    return [
        (round(TOP + PLOT_H - PLOT_H * n / steps, 1), f"{top_value * n // steps:,}{suffix}")
        for n in range(steps + 1)
    ]


def _x_labels(days, slot):
    every = 1 if len(days) <= 7 else 7 if len(days) <= 31 else 14
    return [
        (round(LEFT + slot * (i + 0.5), 1), date_format(d.day, "j M"))
        for i, d in enumerate(days)
        if (len(days) - 1 - i) % every == 0
    ]


def searches_chart(days):
    """Bars per day: searches that found something, with those that found nothing on top."""
    top = nice_ceiling(max((d.searches for d in days), default=0))
    slot = PLOT_W / max(len(days), 1)
    width = max(slot * 0.7, 1)
    chart = Chart(grid=_grid(top), labels=_x_labels(days, slot))
    for i, d in enumerate(days):
        x = round(LEFT + slot * i + (slot - width) / 2, 1)
        found_h = PLOT_H * d.found / top
        zero_h = PLOT_H * d.zero_results / top
        day = date_format(d.day, "j M Y")
        chart.bars.append(
            {
                "x": x,
                "width": round(width, 1),
                "found_y": round(TOP + PLOT_H - found_h, 1),
                "found_h": round(found_h, 1),
                "zero_y": round(TOP + PLOT_H - found_h - zero_h, 1),
                "zero_h": round(zero_h, 1),
                "label": f"{day}: {d.searches:,} searches, {d.zero_results:,} found nothing",
            }
        )
    return chart


def rates_chart(days):
    """Lines per day, 0 to 100 %: zero-result rate and click-through rate. Days without
    searches have no rate and break the line."""
    slot = PLOT_W / max(len(days), 1)
    chart = Chart(grid=_grid(100, " %", steps=4), labels=_x_labels(days, slot))
    for name, attr in (("zero", "zero_rate"), ("clicks", "click_rate")):
        segments, current, points = [], [], []
        for i, d in enumerate(days):
            value = getattr(d, attr)
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            x = round(LEFT + slot * (i + 0.5), 1)
            y = round(TOP + PLOT_H - PLOT_H * min(max(value, 0), 100) / 100, 1)
            current.append(f"{x},{y}")
            points.append({"x": x, "y": y})
        if current:
            segments.append(current)
        chart.lines.append(
            {
                "name": name,
                "segments": [" ".join(s) for s in segments],
                "points": points if len(days) <= 31 else [],
            }
        )
    return chart


def _day(d):
    return date_format(d.day, "j M Y")


def describe_searches(days, totals):
    """The bar chart in words (its <desc>)."""
    if not totals.searches:
        return "No searches in this period."
    busiest = max(days, key=lambda d: d.searches)
    quietest = min(days, key=lambda d: d.searches)
    return (
        f"{totals.searches:,} searches in {len(days)} days, {totals.zero_results:,} of them "
        f"found nothing. Busiest day {_day(busiest)} with {busiest.searches:,}, quietest "
        f"{_day(quietest)} with {quietest.searches:,}."
    )


def describe_rates(days, totals):
    """The line chart in words (its <desc>)."""
    parts = []
    for label, attr, overall in (
        ("Zero-result rate", "zero_rate", totals.zero_rate),
        ("Click-through rate", "click_rate", totals.click_rate),
    ):
        values = [(getattr(d, attr), d) for d in days if getattr(d, attr) is not None]
        if not values:
            parts.append(f"{label}: no data.")
            continue
        low, high = min(values, key=lambda v: v[0]), max(values, key=lambda v: v[0])
        parts.append(
            f"{label} {overall} % over the period, from {low[0]} % ({_day(low[1])}) "
            f"to {high[0]} % ({_day(high[1])})."
        )
    return " ".join(parts)


def paired_bars(days, first, second):
    """Two bars per day side by side (the support reports: tickets created and solved),
    `first` and `second` the attributes of each day they show."""
    top = nice_ceiling(max((max(getattr(d, first), getattr(d, second)) for d in days), default=0))
    slot = PLOT_W / max(len(days), 1)
    width = max(slot * 0.4, 0.5)
    chart = Chart(grid=_grid(top), labels=_x_labels(days, slot))
    for i, d in enumerate(days):
        x = LEFT + slot * i + (slot - 2 * width) / 2
        bars = {
            "label": f"{_day(d)}: {getattr(d, first):,} {first}, {getattr(d, second):,} {second}"
        }
        for n, attr in enumerate((first, second)):
            height = PLOT_H * getattr(d, attr) / top
            bars[attr] = {
                "x": round(x + n * width, 1),
                "y": round(TOP + PLOT_H - height, 1),
                "h": round(height, 1),
            }
        bars["width"] = round(width, 1)
        chart.bars.append(bars)
    return chart


def line_chart(days, attr, name):
    """One line per day from zero to the highest value (the backlog at each day's end)."""
    top = nice_ceiling(max((getattr(d, attr) for d in days), default=0))
    slot = PLOT_W / max(len(days), 1)
    chart = Chart(grid=_grid(top), labels=_x_labels(days, slot))
    points = []
    for i, d in enumerate(days):
        x = round(LEFT + slot * (i + 0.5), 1)
        y = round(TOP + PLOT_H - PLOT_H * getattr(d, attr) / top, 1)
        points.append({"x": x, "y": y})
    chart.lines.append(
        {
            "name": name,
            "segments": [" ".join(f"{p['x']},{p['y']}" for p in points)] if points else [],
            "points": points if len(days) <= 31 else [],
        }
    )
    return chart


def describe_days(days, attr, what):
    """A daily series in words (a chart's <desc>): total, busiest and quietest day."""
    if not days:
        return f"No {what} in this period."
    busiest = max(days, key=lambda d: getattr(d, attr))
    quietest = min(days, key=lambda d: getattr(d, attr))
    return (
        f"{sum(getattr(d, attr) for d in days):,} {what} in {len(days)} days. Most on "
        f"{_day(busiest)} ({getattr(busiest, attr):,}), fewest on {_day(quietest)} "
        f"({getattr(quietest, attr):,})."
    )
