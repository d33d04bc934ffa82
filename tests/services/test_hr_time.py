"""Stream TRIMP without decoding streams: the heart-rate time distribution stored at import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backstride.analytics.load_models import hr_time_trimp, stream_trimp
from backstride.config import Settings
from backstride.ingest.model import Streams
from backstride.ingest.streams import decode_pairs, decode_streams
from backstride.services import load
from backstride.services.imports.importing import import_paths
from backstride.services.runners import find_runner
from backstride.store import models as sm
from backstride.store.migrate import downgrade, upgrade
from tests.ingest.bss1 import encode_bss1
from tests.services.imports.test_importing import session as session  # fixture: migrated SQLite

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RUNS_WITH_HR = (
    "fit/fitparse__activity-small-fenix2-run.fit",
    "gpx/togeojson__run_gpxtpx.gpx",
    "tcx/tcxparser__test.tcx",
)


def _imported(session: Session, settings: Settings, activities_dir: Path) -> list[sm.Activity]:
    import_paths(
        session,
        settings=settings,
        runner_handle="ann",
        paths=[activities_dir / p for p in RUNS_WITH_HR],
        now=NOW,
    )
    runner = find_runner(session, handle="ann")
    runner.hr_max_bpm, runner.hr_rest_bpm = 190, 50
    session.commit()
    return list(session.scalars(select(sm.Activity).order_by(sm.Activity.start_at)))


def _from_streams(act: sm.Activity, sex: str) -> float:
    assert act.streams is not None
    ch = decode_streams(act.streams)
    return stream_trimp(
        time_s=ch["time_s"],
        hr_bpm=ch["hr_bpm"],
        hr_rest_bpm=50,
        hr_max_bpm=190,
        sex=sex,  # type: ignore[arg-type]
    )


def test_the_stored_distribution_gives_the_stream_trimp_of_the_decoded_streams(
    session: Session, settings: Settings, activities_dir: Path
) -> None:
    acts = _imported(session, settings, activities_dir)
    assert len(acts) == 3
    for act in acts:
        assert act.hr_time, act.name  # every file here records heart rate
        values, seconds = decode_pairs(act.hr_time)
        assert values.size == np.unique(values).size
        assert 0 < seconds.sum() <= act.elapsed_s + 1  # pauses over 30 s do not count
        for sex in ("male", "female"):
            stored = hr_time_trimp(
                values=values,
                seconds=seconds,
                hr_rest_bpm=50,
                hr_max_bpm=190,
                sex=sex,
            )
            assert stored == pytest.approx(_from_streams(act, sex), rel=1e-12)


def test_the_load_is_the_same_from_the_stored_distribution_and_from_old_rows_without_it(
    session: Session, settings: Settings, activities_dir: Path
) -> None:
    _imported(session, settings, activities_dir)

    def loads() -> list[float]:
        summary = load.load_summary(
            session,
            runner_handle="ann",
            from_date=dt.date(2000, 1, 1),
            to_date=dt.date(2026, 1, 1),
            today=dt.date(2026, 1, 1),
            settings=settings,
        )
        assert summary.load_model == "trimp"
        return [d.load for d in summary.daily if d.load]

    def set_columns(**values: object) -> None:
        session.execute(update(sm.Activity).values(**values))
        session.commit()
        session.expire_all()

    with_column = loads()
    assert len(with_column) == 3
    stored = {a.id: a.hr_time for a in session.scalars(select(sm.Activity))}
    set_columns(hr_time=None)  # rows from before 0005: computed from their streams
    assert loads() == pytest.approx(with_column, rel=1e-12)
    for act_id, value in stored.items():  # the column alone: no stream is read
        session.execute(
            update(sm.Activity).where(sm.Activity.id == act_id).values(hr_time=value, streams=None)
        )
    session.commit()
    session.expire_all()
    assert loads() == pytest.approx(with_column, rel=1e-12)
    set_columns(hr_time=None)  # neither: the session-mean TRIMP, a different number
    assert loads() != pytest.approx(with_column, rel=1e-3)


def test_upgrading_to_0005_fills_the_distribution_of_stored_activities(
    session: Session, settings: Settings, activities_dir: Path
) -> None:
    acts = _imported(session, settings, activities_dir)
    expected = {a.id: a.hr_time for a in acts}
    for act in acts:  # rows from before 0005 hold BSS1 blobs (BSS2 came later: 0067)
        assert act.streams is not None
        act.streams = encode_bss1(Streams(decode_streams(act.streams)))
    session.commit()
    session.close()
    url = settings.effective_database_url
    downgrade(url, "0004_import_lease")
    upgrade(url)
    session.expire_all()
    filled = {a.id: a.hr_time for a in session.scalars(select(sm.Activity))}
    assert filled == expected
