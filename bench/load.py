"""Load summary of a long history: the stored heart-rate distribution vs decoding every stream.

Imports the 3-year FIT history of ``bench/ingest.py`` (761 runs, generated once and cached) into
a fresh SQLite database, then times ``services.load.load_summary`` in one run two ways: as it
runs (``activities.hr_time``, decision 0010) and as it ran before (the column empty, so every
activity's stream blob is decoded, the path rows from before migration 0005 still take).
Writes bench/RESULTS-load.md. Run: ``python -m bench.load``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench.ingest import _history

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 12, 4)
REPEATS = 5


def _timed(fn: object, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - t0)
    return out


def main(argv: list[str] | None = None) -> None:
    del argv
    from sqlalchemy import update

    from backstride.config import Settings
    from backstride.services import load
    from backstride.services.imports.importing import import_paths
    from backstride.store.db import make_engine, session_factory
    from backstride.store.migrate import upgrade
    from backstride.store.models import Activity

    files = sorted((_history("fit") / "fit").glob("*.fit"))
    with tempfile.TemporaryDirectory(prefix="bs-load-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        upgrade(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        with session_factory(engine)() as session:
            now = dt.datetime.now(dt.UTC)
            import_paths(session, settings=settings, runner_handle="hist", paths=files, now=now)

            def summary() -> object:
                return load.load_summary(
                    session,
                    runner_handle="hist",
                    from_date=None,
                    to_date=None,
                    today=TODAY,
                    settings=settings,
                )

            summary()  # warm-up
            stored = _timed(summary, REPEATS)
            first = [d.load for d in summary().daily]  # type: ignore[attr-defined]
            session.execute(update(Activity).values(hr_time=None))
            session.commit()
            session.expire_all()
            summary()
            decoded = _timed(summary, REPEATS)
            again = [d.load for d in summary().daily]  # type: ignore[attr-defined]
            worst = max(
                (abs(a - b) / max(abs(a), 1e-12) for a, b in zip(first, again, strict=True)),
                default=0.0,
            )
        engine.dispose()
    ours, before = statistics.median(stored), statistics.median(decoded)
    lines = [
        "# Load summary of a 3-year history (`python -m bench.load`)",
        "",
        f"{len(files)} FIT runs (`make_history.py --years 3 --formats fit`) imported into SQLite; "
        f"`load_summary` for the runner, median of {REPEATS} after a warm-up, in one run.",
        "",
        "| path | median s | runs (s) |",
        "|---|---:|---|",
        f"| stored heart-rate distribution (`activities.hr_time`) | {ours:.3f} | "
        + ", ".join(f"{t:.3f}" for t in stored)
        + " |",
        f"| every stream decoded (rows from before migration 0005) | {before:.3f} | "
        + ", ".join(f"{t:.3f}" for t in decoded)
        + " |",
        "",
        f"Speed-up: {before / ours:.1f}x. Daily loads of the two paths differ by at most "
        f"{worst:.1e} (relative; the same sums in another order). No peer computes this view; "
        "the baseline is our own earlier path.",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
        "",
    ]
    (HERE / "RESULTS-load.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
