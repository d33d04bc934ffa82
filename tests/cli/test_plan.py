"""``backstride plan``, ``log`` and ``plan adapt`` end to end on a temporary database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from backstride.cli._context import open_session
from backstride.cli.main import main
from backstride.config import Settings
from backstride.services.runners import get_or_create_runner
from backstride.store import models
from backstride.units import new_id
from tests.assessment_docs import SELF_MANAGED_ASSESSMENT as DEMO_ASSESSMENT

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(tmp_path))
    return tmp_path


def add_runner(data_dir: Path, handle: str, result: dict[str, Any]) -> None:
    with open_session(Settings(data_dir=data_dir)) as session:
        runner = get_or_create_runner(session, handle=handle, now=NOW)
        session.add(
            models.Assessment(
                id=new_id(),
                runner_id=runner.id,
                created_at=NOW,
                disposition=result["disposition"],
                rules_version="t",
                result=result,
            )
        )
        session.commit()


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_plan_json_lists_weeks_days_and_sessions_and_writes_ics_and_html(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    ics, html = data_dir / "plan.ics", data_dir / "plan.html"
    code, doc = run_json(
        [
            "plan",
            "--runner",
            "ana",
            "--weeks",
            "4",
            "--start",
            "2026-11-30",
            "--ics",
            str(ics),
            "--html",
            str(html),
        ],
        capsys,
    )
    assert code == 0
    assert doc["status"] == "active"
    sessions = [s for w in doc["weeks"] for d in w["days"] for s in d["sessions"]]
    kinds = {s["kind"] for s in sessions}
    assert {"run", "strength", "rest"} <= kinds
    run = next(s for s in sessions if s["kind"] == "run")
    assert run["distance_m"] > 0
    assert run["duration_s"] > 0
    assert run["date"]
    exercise = next(s for s in sessions if s["kind"] == "strength")["exercises"][0]
    assert exercise["id"]
    assert exercise["sets"]
    assert exercise["reps"] or exercise["hold_s"]
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert "Exercise guide" in html.read_text()


def test_plan_prints_a_readable_week_table(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    assert main(["plan", "--runner", "ana", "--weeks", "2", "--start", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert "Week 1" in out
    assert "Week 2" in out
    assert "Rest day" in out


def test_a_red_flag_assessment_gives_a_blocked_plan_with_the_reason(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = dict(
        DEMO_ASSESSMENT,
        disposition="emergency",
        flags=["blocked"],
        time_frame="Go to an emergency department now.",
    )
    add_runner(data_dir, "ben", blocked)
    code, doc = run_json(["plan", "--runner", "ben"], capsys)
    assert code == 0
    assert doc["status"] == "blocked"
    assert doc["blocked_reason"]
    assert doc["weeks"] == []
    assert doc["do_now"][0].startswith("Go to an emergency")


def test_log_then_adapt_makes_a_new_version_with_a_diff(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    _, doc = run_json(["plan", "--runner", "ana", "--weeks", "4", "--start", "2026-11-30"], capsys)
    run = next(
        s for w in doc["weeks"] for d in w["days"] for s in d["sessions"] if s["kind"] == "run"
    )
    code, logged = run_json(
        [
            "log",
            "--runner",
            "ana",
            "--date",
            run["date"],
            "--kind",
            "run",
            "--status",
            "done",
            "--pain-during",
            "7",
            "--pain-after",
            "7",
            "--pain-next-morning",
            "4",
            "--rpe",
            "8",
        ],
        capsys,
    )
    assert code == 0
    assert logged["session_key"] == run["key"]
    code, adapted = run_json(["plan", "adapt", "--runner", "ana", "--today", run["date"]], capsys)
    assert code == 0
    assert adapted["version"] == 2
    assert any(d["code"] == "pain.high_during" for d in adapted["decisions"])
    assert adapted["diff"]
    assert adapted["diff"][0]["text"]


def test_next_morning_stiffness_logged_above_usual_steps_the_plan_back(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # clinical reference §8: "not settled" is next-morning pain *or stiffness* above the usual
    # value.
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    _, doc = run_json(["plan", "--runner", "ana", "--weeks", "4", "--start", "2026-11-30"], capsys)
    run = next(
        s for w in doc["weeks"] for d in w["days"] for s in d["sessions"] if s["kind"] == "run"
    )
    base = ["log", "--runner", "ana", "--date", run["date"], "--kind", "run"]
    pain = ["--pain-during", "1", "--pain-after", "1", "--pain-next-morning", "0"]
    code, _ = run_json(
        [*base, *pain, "--stiffness-next-morning", "4", "--usual-morning-stiffness", "1"], capsys
    )
    assert code == 0
    code, adapted = run_json(["plan", "adapt", "--runner", "ana", "--today", run["date"]], capsys)
    assert code == 0
    (settled,) = [d for d in adapted["decisions"] if d["code"] == "pain.not_settled"]
    assert "step back" in settled["text"]
    assert adapted["clinician_review"] is False  # one unsettled morning: the plan adapts


def test_bone_pain_in_a_run_stops_running_and_asks_for_clinician_review(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # clinical reference §1.4 safety-netting: bone pain -> stop running and contact the clinic.
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    _, doc = run_json(["plan", "--runner", "ana", "--weeks", "4", "--start", "2026-11-30"], capsys)
    run = next(
        s for w in doc["weeks"] for d in w["days"] for s in d["sessions"] if s["kind"] == "run"
    )
    log = ["log", "--runner", "ana", "--date", run["date"], "--kind", "run", "--bone-pain", "3"]
    assert run_json([*log, "--pain-during", "2", "--pain-after", "2"], capsys)[0] == 0
    code, adapted = run_json(["plan", "adapt", "--runner", "ana", "--today", run["date"]], capsys)
    assert code == 0
    assert adapted["clinician_review"] is True
    assert "pain.bone" in [d["code"] for d in adapted["decisions"]]


def test_a_strength_log_with_poor_form_is_stored_as_such(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # clinical reference §7.2: ladders step up only after sessions with good form.
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    args = ["log", "--runner", "ana", "--date", "2026-12-01", "--kind", "strength"]
    assert run_json([*args, "--poor-form"], capsys)[0] == 0
    assert run_json(args, capsys)[0] == 0
    with open_session(Settings(data_dir=data_dir)) as session:
        rows = session.query(models.SessionLog).order_by(models.SessionLog.logged_at).all()
        forms = sorted(row.details["good_form"] for row in rows)
    assert forms == [False, True]


def test_endurance_ratios_on_the_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    # clinical reference §7.2: flexion 120 s, extension 150 s -> 0.80 ok; side bridges 80/70 s ->
    # 1.143 asymmetry flagged; 80/150 = 0.53 ok.
    args = ["plan", "endurance", "--flexion", "120", "--extension", "150"]
    code, doc = run_json([*args, "--side-right", "80", "--side-left", "70"], capsys)
    assert code == 0
    assert round(doc["flexion_extension"], 2) == 0.80
    assert round(doc["side_right_left"], 3) == 1.143
    assert round(doc["side_extension"], 2) == 0.53
    assert [f["code"] for f in doc["findings"]] == [
        "endurance.flexion_extension.ok",
        "endurance.side_symmetry.off_target",
        "endurance.side_extension.ok",
    ]
    code, doc = run_json([*args, "--side-right", "0", "--side-left", "70"], capsys)
    assert code == 2
    assert doc["error"]["code"] == "plan.invalid_endurance"


def test_a_bad_log_is_one_coded_error_listing_every_problem(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    code, doc = run_json(
        [
            "log",
            "--runner",
            "ana",
            "--date",
            "2026-11-30",
            "--status",
            "maybe",
            "--pain-during",
            "11",
        ],
        capsys,
    )
    assert code == 2
    assert doc["error"]["code"] == "log.invalid"
    assert len(doc["error"]["problems"]) == 2


def test_a_log_dated_after_today_is_refused_and_not_stored(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    args = ["log", "--runner", "ana", "--date", later, "--pain-during", "1"]
    code, doc = run_json(args, capsys)
    assert code == 2
    assert doc["error"]["code"] == "log.future_date"
    with open_session(Settings(data_dir=data_dir)) as session:
        assert session.query(models.SessionLog).count() == 0


def test_plan_for_an_unknown_runner_is_a_coded_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = run_json(["plan", "--runner", "nobody"], capsys)
    assert code == 2
    assert doc["error"]["code"] == "runner.not_found"


def test_demo_builds_the_demo_plan_and_writes_its_calendar(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    assert "Week 1" in capsys.readouterr().out
    assert (data_dir / "demo-plan.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_suspected_bone_stress_runner_runs_again_only_after_a_recorded_clearance(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bsi = dict(
        DEMO_ASSESSMENT,
        disposition="clinician",
        flags=["no_running", "no_impact", "no_axial_loading"],
    )
    add_runner(data_dir, "cy", bsi)
    args = ["plan", "--runner", "cy", "--weeks", "2", "--start", "2026-11-30"]
    _, before = run_json(args, capsys)
    kinds = {s["kind"] for w in before["weeks"] for d in w["days"] for s in d["sessions"]}
    assert "run" not in kinds
    assert "cross_training" in kinds
    code, _ = run_json(["plan", "clear", "--runner", "cy", "--date", "2026-11-20"], capsys)
    assert code == 0
    _, after = run_json(args, capsys)
    first = next(
        s for w in after["weeks"] for d in w["days"] for s in d["sessions"] if s["kind"] == "run"
    )
    assert first["rtr_stage"] == 1


def test_plan_options_set_the_training_days(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    _, doc = run_json(
        [
            "plan",
            "--runner",
            "ana",
            "--weeks",
            "1",
            "--start",
            "2026-11-30",
            "--days",
            "mon,wed,sat",
            "--minutes",
            "45",
        ],
        capsys,
    )
    busy = {
        d["date"]
        for w in doc["weeks"]
        for d in w["days"]
        if any(s["kind"] not in ("rest", "clinic_visit", "relaxation") for s in d["sessions"])
    }
    assert busy <= {"2026-11-30", "2026-12-02", "2026-12-05"}
    code, err = run_json(["plan", "--runner", "ana", "--days", "someday"], capsys)
    assert code == 2
    assert err["error"]["code"] == "cli.invalid_days"


def test_adapt_rewrites_the_calendar_with_a_higher_sequence_and_show_reads_it_back(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    ics = data_dir / "ana.ics"
    args = ["plan", "--runner", "ana", "--weeks", "3", "--start", "2026-11-30", "--ics", str(ics)]
    _, doc = run_json(args, capsys)
    assert b"SEQUENCE:1" not in ics.read_bytes()
    run = next(
        s for w in doc["weeks"] for d in w["days"] for s in d["sessions"] if s["kind"] == "run"
    )
    run_json(
        [
            "log",
            "--runner",
            "ana",
            "--date",
            run["date"],
            "--kind",
            "run",
            "--status",
            "done",
            "--pain-during",
            "7",
            "--pain-after",
            "7",
        ],
        capsys,
    )
    code, _ = run_json(
        ["plan", "adapt", "--runner", "ana", "--today", run["date"], "--ics", str(ics)], capsys
    )
    assert code == 0
    assert b"SEQUENCE:1" in ics.read_bytes()
    code, shown = run_json(["plan", "show", "--runner", "ana"], capsys)
    assert code == 0
    assert shown["version"] == 2


def test_the_terminal_plan_shows_warm_up_dosing_the_ladders_and_the_race(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    args = ["plan", "--runner", "ana", "--weeks", "6", "--start", "2026-11-30"]
    race = ["--race", "2027-01-09", "--race-km", "10"]
    assert main([*args, *race]) == 0
    out = capsys.readouterr().out
    assert "Warm-up ~" in out
    assert "Brisk walk" in out
    assert "Strength ladders" in out
    assert "now Plank from the knees (1/4)" in out
    assert "Race: 10 km" in out


def test_rising_pain_over_ten_days_makes_plan_adapt_say_contact_the_clinic(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_runner(data_dir, "ana", DEMO_ASSESSMENT)
    assert main(["plan", "--runner", "ana", "--weeks", "4", "--start", "2026-11-16"]) == 0
    capsys.readouterr()
    for k, pain in enumerate((2, 3, 3, 4, 5, 6)):
        day = f"2026-11-{16 + 2 * k}"
        scores = [str(pain)] * 3
        log = ["log", "--runner", "ana", "--date", day, "--kind", "run"]
        pain_opts = ["--pain-during", scores[0], "--pain-after", scores[1]]
        pain_opts += ["--pain-next-morning", scores[2]]
        assert main([*log, *pain_opts]) == 0
    capsys.readouterr()
    assert main(["plan", "adapt", "--runner", "ana", "--today", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert "Contact your clinic" in out
    assert "escalate.rising_week" in out
    assert main(["plan", "show", "--runner", "ana"]) == 0
    assert "Contact your clinic" in capsys.readouterr().out
