"""The charts' geometry: what the bars and lines show matches the figures."""

from datetime import date, timedelta

import pytest

from insights import charts
from insights.report import Day


@pytest.mark.parametrize(
    "value, ceiling", [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (180, 200), (2001, 5000)]
)
def test_the_scale_ends_on_a_round_number(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling


def week(*figures):
    start = date(2026, 11, 23)
    return [Day(start + timedelta(days=n), *f) for n, f in enumerate(figures)]


def test_bars_are_as_tall_as_their_searches_with_what_found_nothing_on_top():
    days = week((10, 6, 0, 0), (5, 5, 0, 0), (0, 0, 0, 0))
    chart = charts.searches_chart(days)
    full = chart.baseline - charts.TOP
    first, second, empty = chart.bars
    assert chart.grid[-1][1] == "10"  # the scale's top
    assert first["found_h"] == pytest.approx(full * 0.6, abs=0.1)
    assert first["zero_h"] == pytest.approx(full * 0.4, abs=0.1)
    assert first["zero_y"] + first["zero_h"] == pytest.approx(first["found_y"], abs=0.1)
    assert second["found_h"] == pytest.approx(full * 0.5, abs=0.1)
    assert empty["found_h"] == empty["zero_h"] == 0
    assert first["label"] == "23 Nov 2026: 10 searches, 4 found nothing"


def test_rate_lines_break_on_days_without_searches():
    days = week((4, 2, 1, 0), (0, 0, 0, 0), (4, 4, 4, 0))
    chart = charts.rates_chart(days)
    zero, clicks = chart.lines
    assert zero["name"] == "zero" and len(zero["segments"]) == 2
    top, bottom = charts.TOP, chart.baseline
    # 50 % found nothing on day one, 0 % on day three; clicks 50 % then 100 %.
    assert zero["points"][0]["y"] == pytest.approx((top + bottom) / 2, abs=0.1)
    assert zero["points"][1]["y"] == bottom
    assert clicks["points"][1]["y"] == top


def test_a_long_period_labels_every_other_week_and_ends_on_the_last_day():
    days = [Day(date(2026, 9, 1) + timedelta(days=n)) for n in range(90)]
    labels = [text for _, text in charts.searches_chart(days).labels]
    assert len(labels) == 7
    assert labels[-1] == "29 Nov"


@pytest.mark.parametrize(("most", "labels"), [
    (0, ["0", "1"]),
    (1, ["0", "1"]),
    (2, ["0", "1", "2"]),
    (4, ["0", "1", "2", "3", "4", "5"]),
    (7, ["0", "2", "4", "6", "8", "10"]),
    (13, ["0", "5", "10", "15", "20"]),
    (1234, ["0", "500", "1,000", "1,500", "2,000"]),
])  # fmt: skip
def test_the_searches_axis_has_distinct_exact_labels(most, labels):
    """An empty or quiet period read "1, 0, 0, 0, 0" up the axis before."""
    days = [Day(day=date(2026, 11, 1), searches=most, found=most)]
    chart = charts.searches_chart(days)
    assert (
        sorted((label for _, label in chart.grid), key=lambda t: int(t.replace(",", ""))) == labels
    )
