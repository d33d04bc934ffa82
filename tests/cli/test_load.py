"""``backstride load`` and ``backstride report`` on a history stored in the database."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from backstride.cli.main import main
from backstride.config import Settings
from backstride.services.load import clinic_load, load_summary
from backstride.store.db import make_engine, session_factory
from backstride.store.migrate import upgrade

from .load_builders import add_demo_history, add_runner

END = dt.date(2026, 11, 25)


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    monkeypatch.setenv("BACKSTRIDE_DATA_DIR", str(settings.data_dir))
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    with session_factory(engine)() as session:
        add_demo_history(session, add_runner(session, "demo"), end_date=END)
        add_runner(session, "newbie")
        session.commit()
    engine.dispose()
    return settings


def test_load_json_has_weeks_daily_and_flags(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["load", "--runner", "demo", "--from", "2026-09-01", "--to", "2026-11-25", "--json"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert {"start_date", "distance_m", "duration_s", "load"} <= set(doc["weeks"][0])
    assert {"date", "distance_m", "acwr", "fitness", "fatigue", "form"} <= set(doc["daily"][0])
    assert doc["daily"][0]["date"] == "2026-09-01"
    assert doc["daily"][-1]["date"] == "2026-11-25"
    codes = {f["code"] for f in doc["flags"]}
    assert {"load.spike_single_run", "gait.balance_drift"} <= codes
    assert all({"code", "date", "severity", "text", "source"} <= set(f) for f in doc["flags"])


def test_load_text_shows_this_week_last_weeks_and_flags(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "--runner", "demo", "--to", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert "This week" in out
    assert "Last 4 weeks" in out
    assert "load.spike_single_run" in out
    assert "not an injury risk" in out


def test_unknown_runner_is_a_coded_error(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "--runner", "nobody", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "runner.not_found"


def test_reversed_dates_are_a_coded_error(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["load", "--runner", "demo", "--from", "2026-11-01", "--to", "2026-10-01", "--json"])
        == 2
    )
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "load.invalid_range"


def test_a_runner_without_activities_gets_an_empty_summary(seeded: Settings) -> None:
    engine = make_engine(seeded.effective_database_url)
    with session_factory(engine)() as session:
        summary = load_summary(
            session,
            runner_handle="newbie",
            from_date=None,
            to_date=None,
            today=END,
            settings=seeded,
        )
    engine.dispose()
    assert summary.longest_run_30d_m == 0
    assert summary.load_model == "none"
    assert [f.code for f in summary.flags] == []


def test_clinic_load_summarises_every_runner_in_one_pass(seeded: Settings) -> None:
    engine = make_engine(seeded.effective_database_url)
    with session_factory(engine)() as session:
        from sqlalchemy import select

        from backstride.store.models import Runner

        ids = list(session.scalars(select(Runner.id)))
        result = clinic_load(session, runner_ids=ids, today=END, settings=seeded)
    engine.dispose()
    assert set(result) == set(ids)
    demo = next(s for s in result.values() if s.load_model != "none")
    assert len(demo.daily) == 84
    assert any(f.code == "shoes.retire" for f in demo.flags) is False  # passed before the window
    assert any(s.passed_on for s in demo.shoes)


@pytest.mark.parametrize("suffix", [".html", ".pdf"])
def test_report_writes_html_or_pdf(
    seeded: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    out = tmp_path / f"report{suffix}"
    assert main(["report", "--runner", "demo", "--to", "2026-11-25", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    data = out.read_bytes()
    if suffix == ".pdf":
        assert data.startswith(b"%PDF")
    else:
        assert b"Distance per week" in data
        # the default period: the last 12 weeks up to --to
        assert b"2026-09-03 to 2026-11-25" in data


def test_report_takes_weeks_or_the_whole_history(
    seeded: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert (
        main(["report", "--runner", "demo", "--to", "2026-11-25", "--weeks", "4", "-o", str(out)])
        == 0
    )
    assert b"2026-10-29 to 2026-11-25" in out.read_bytes()
    assert main(["report", "--runner", "demo", "--to", "2026-11-25", "--all", "-o", str(out)]) == 0
    header = re.search(rb"demo \xc2\xb7 (\d{4}-\d\d-\d\d) to 2026-11-25", out.read_bytes())
    assert header is not None
    assert header.group(1) < b"2026-01-01"  # the whole year of history


def test_report_rejects_other_suffixes(
    seeded: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--runner", "demo", "-o", str(tmp_path / "r.docx"), "--json"]) == 2


def test_a_run_after_a_long_break_prints_no_ratio_but_the_reason(
    seeded: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(seeded.effective_database_url)
    with session_factory(engine)() as session:
        from backstride.store.models import Activity, Runner
        from backstride.units import new_id

        runner = session.query(Runner).filter_by(handle="demo").one()
        back = END + dt.timedelta(days=200)
        session.add(
            Activity(
                id=new_id(),
                runner_id=runner.id,
                dedup_key="after-the-break",
                source="file",
                format="gpx",
                sport="running",
                start_at=dt.datetime.combine(back, dt.time(7), dt.UTC),
                local_date=back,
                elapsed_s=1500.0,
                timer_s=1500.0,
                distance_m=4000.0,
                avg_hr_bpm=140.0,
                imported_at=dt.datetime.combine(back, dt.time(9), dt.UTC),
                extra={},
            )
        )
        session.commit()
    engine.dispose()
    when = (END + dt.timedelta(days=200)).isoformat()
    assert main(["load", "--runner", "demo", "--to", when]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "acute:chronic — (chronic load below 10 % of your typical week" in out
    assert main(["load", "--runner", "demo", "--to", when, "--json"]) == 0
    last = json.loads(capsys.readouterr().out)["daily"][-1]
    assert last["acwr"] is None
    assert last["acwr_reason"] == "acwr.low_chronic_load"
