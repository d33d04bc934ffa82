"""Strava CSV and Garmin summary parsing, pitfalls included."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from backstride.ingest.garmin import match_summary, parse_summaries
from backstride.ingest.strava import gear_names, manual_activity, parse_activities_csv, parse_date

HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,"
    "Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,"
    "Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Perceived Exertion\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan 1, 2024, 8:00:00 AM", dt.datetime(2024, 1, 1, 8, tzinfo=dt.UTC)),
        ("Dec 26, 2012, 9:29:53\u202fPM", dt.datetime(2012, 12, 26, 21, 29, 53, tzinfo=dt.UTC)),
        ("2024-01-01 08:00:00", dt.datetime(2024, 1, 1, 8, tzinfo=dt.UTC)),
        ("not a date", None),
    ],
)
def test_strava_dates_in_several_forms(text: str, expected: dt.datetime | None) -> None:
    assert parse_date(text) == expected


def test_duplicate_columns_take_the_metres_one_and_quoted_newlines_survive() -> None:
    csv_text = (
        "\ufeff"
        + HEADER
        + '1,"Jan 1, 2024, 8:00:00 AM",Run,Run,"a\n""b""",60,10.5,,,,,,,,,61,60,10512.3,7\n'
    )
    (row,) = parse_activities_csv(csv_text, shoes=set(), bikes=set())
    assert row.distance_m == pytest.approx(10512.3)
    assert row.elapsed_s == 61
    assert row.hints.description == 'a\n"b"'
    assert row.hints.rpe == 7
    assert row.filename is None
    act = manual_activity(row)
    assert act is not None
    assert act.format == "summary"
    assert act.n_samples == 0


def test_translated_headers_fall_back_to_positions() -> None:
    header = "ID,Datum,Name,Typ,Beschreibung,Zeit,Distanz,a,b,c,d,Ausrüstung,Dateiname\n"
    row_text = '9,"Jan 1, 2024, 8:00:00 AM",Lauf,Run,,600,2.5,,,,,Schuh,activities/9.fit.gz\n'
    (row,) = parse_activities_csv(header + row_text, shoes={"Schuh"}, bikes=set())
    assert (row.filename, row.hints.gear, row.hints.gear_kind) == (
        "activities/9.fit.gz",
        "Schuh",
        "shoe",
    )
    assert row.distance_m == pytest.approx(2500)  # only the km column exists


def test_a_reordered_translated_export_finds_its_files_and_dates_by_content() -> None:
    """Positions would read the wrong columns here: only what the content proves is used."""
    header = "Dateiname,Aktivitäts-ID,Name der Aktivität,Aktivitätsdatum,Distanz\n"
    rows = (
        'activities/9.fit.gz,9,Lauf,"Jan 1, 2024, 8:00:00 AM","2,5"\n'
        ',10,Manuell,"Jan 2, 2024, 9:00:00 AM","5,0"\n'
    )
    first, manual = parse_activities_csv(header + rows, shoes=set(), bikes=set())
    assert first.filename == "activities/9.fit.gz"
    assert first.start_at == dt.datetime(2024, 1, 1, 8, tzinfo=dt.UTC)
    assert manual.filename is None
    assert manual.start_at == dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC)
    assert first.hints.name is None  # not "Jan 1, 2024..." from the standard name position
    assert first.distance_m is None


def test_gear_names_come_from_name_or_brand_and_model() -> None:
    names = gear_names(
        "Shoe Name,Shoe Brand,Shoe Model\n,Nike,Pegasus\nRacer,,\n", column="Shoe Name"
    )
    assert names == {"Nike Pegasus", "Racer"}


def test_garmin_summaries_skip_parents_and_match_within_five_seconds() -> None:
    doc = [
        {
            "summarizedActivitiesExport": [
                {
                    "activityId": 1,
                    "activityType": "running",
                    "startTimeGmt": 1_700_000_000_000,
                    "distance": 1_000_000,
                },
                {
                    "activityId": 2,
                    "activityType": "multi_sport",
                    "parent": True,
                    "startTimeGmt": 1_700_000_000_000,
                },
            ]
        }
    ]
    (s,) = parse_summaries(json.dumps(doc).encode(), label="x")
    assert s.distance_m == 10_000
    near = s.start_at + dt.timedelta(seconds=4)
    from dataclasses import replace

    assert match_summary(replace(s, start_at=near), [s]) is s
    assert match_summary(replace(s, start_at=near + dt.timedelta(seconds=2)), [s]) is None


@pytest.mark.parametrize(
    "kind", ["running", {"typeKey": "running", "typeId": 1}, "RUNNING"], ids=str
)
def test_garmin_activity_type_as_text_or_as_an_object(kind: object) -> None:
    doc = [{"summarizedActivitiesExport": [{"activityId": 3, "activityType": kind}]}]
    doc[0]["summarizedActivitiesExport"][0]["startTimeGmt"] = 1_700_000_000_000
    (s,) = parse_summaries(json.dumps(doc).encode(), label="x")
    assert s.sport == "running"
