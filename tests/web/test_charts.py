"""Server-side charts: an accessible SVG, a table of the same numbers, and uPlot's data."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from backstride.web.charts import Band, Marker, Series, elapsed_chart, time_chart, x_ticks, y_range


def test_the_y_range_has_round_gridlines_around_the_values() -> None:
    assert y_range([3.0, 37.0]) == (0.0, 40.0, 10.0)
    low, high, step = y_range([162.0, 168.0], floor=None)
    assert low <= 162
    assert high >= 168
    assert step in (1.0, 2.0, 2.5)


def test_short_spans_tick_on_mondays_and_long_spans_on_months() -> None:
    short = x_ticks(dt.date(2026, 9, 1), dt.date(2026, 11, 24))
    assert all(d.weekday() == 0 for d, _ in short)
    long = x_ticks(dt.date(2025, 11, 25), dt.date(2026, 11, 25))
    assert all(d.day == 1 for d, _ in long)
    assert 3 <= len(long) <= 7


def test_a_chart_is_an_svg_image_with_a_title_a_description_and_its_numbers() -> None:
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=7 * i) for i in range(4)]
    chart = time_chart(
        "c",
        title="Weekly <distance>",
        summary="4 weeks & a spike",
        dates=days,
        series=[
            Series(
                "distance", [20.0, 22.5, None, 30.0], kind="bar", point_cls=("", "", "", "alert")
            )
        ],
        unit="km",
        markers=[Marker(days[3], 30.0, "alert", "spike")],
        bar_days=7,
        bands=[Band(0, 10, "low")],
    )
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title") is not None or "<title" in chart.svg
    assert "Weekly &lt;distance&gt;" in chart.svg
    assert "4 weeks &amp; a spike" in chart.svg
    assert chart.svg.count('<rect class="bar') == 3
    assert "bar s1 alert" in chart.svg
    assert chart.table_rows[0][1] == "30.0"
    assert chart.table_rows[1][1] == "—"
    assert chart.data["series"][0]["values"] == [20.0, 22.5, None, 30.0]
    assert chart.data["markers"][0]["cls"] == "alert"


def test_a_chart_over_elapsed_time_labels_minutes() -> None:
    chart = elapsed_chart(
        "e",
        title="Pace",
        summary="steady",
        seconds=[0.0, 600.0, 1200.0],
        series=[Series("pace", [300.0, 310.0, 305.0])],
        unit="/km",
        y_floor=None,
        invert_y=True,
    )
    assert chart.table_rows[1][0] == "10:00"
    assert chart.data["x_kind"] == "elapsed"
    assert chart.data["invert_y"] is True


def test_an_empty_chart_says_so() -> None:
    chart = time_chart(
        "z", title="Pain", summary="none", dates=[], series=[Series("p", [])], unit=""
    )
    assert chart.empty
