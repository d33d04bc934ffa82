"""Import benchmark: backstride end to end vs. merely decoding with fitdecode / gpxpy.

Generates (once, cached under /tmp) a 3-year history with ``shared/tools/make_history.py``
(GPX, and FIT when garmin-fit-sdk is installed), picks a mixed set (FIT for odd activity
indices, GPX for even ones) when backstride's FIT reader is present, else GPX only, then in
one run measures (a) ``import_paths`` into a fresh SQLite (parse, summarise, dedup, store
streams/laps/blobs; both cores) in a child process (its peak RSS incl. workers is reported)
and (b) decoding the same files with fitdecode (every record's fields) and gpxpy.parse.
Writes ``bench/RESULTS-ingest.md``. ``python -m bench.ingest [--sample K]`` runs the peers on
every K-th file only and scales their time up (labelled as such).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOL = ROOT.parent / "shared" / "tools" / "make_history.py"
CACHE = Path(os.environ.get("BACKSTRIDE_BENCH_CACHE", "/tmp/backstride-bench"))


def _history(fmt: str) -> Path:
    out = CACHE / f"history-{fmt}"
    if not (out / "manifest.csv").exists():
        cmd = [sys.executable, str(TOOL), "--years", "3", "--formats", fmt, "--out", str(out)]
        subprocess.run(cmd, check=True)
    return out


def _files(*, with_fit: bool) -> list[Path]:
    gpx = sorted((_history("gpx") / "gpx").glob("*.gpx"))
    if not with_fit:
        return gpx
    fit = {p.stem: p for p in (_history("fit") / "fit").glob("*.fit")}
    return [fit.get(p.stem, p) if i % 2 else p for i, p in enumerate(gpx)]


def _ours(files: list[Path]) -> dict[str, float]:
    """Child-process phase: import everything into a fresh SQLite, report time and memory."""
    from backstride.config import Settings
    from backstride.services.importing import import_paths
    from backstride.store.db import make_engine, session_factory
    from backstride.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="bs-bench-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for f in files:
            (folder / f.name).symlink_to(f)
        settings = Settings(data_dir=Path(tmp) / "data")
        settings.data_dir.mkdir()
        upgrade(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        links = sorted(folder.iterdir())
        t0 = time.perf_counter()
        with session_factory(engine)() as session:
            report = import_paths(
                session,
                settings=settings,
                runner_handle="bench",
                paths=links,
                now=dt.datetime.now(dt.UTC),
            )
        secs = time.perf_counter() - t0
        db_bytes = sum(p.stat().st_size for p in settings.data_dir.glob("*.db*"))
        engine.dispose()
    self_use = resource.getrusage(resource.RUSAGE_SELF)
    kids_use = resource.getrusage(resource.RUSAGE_CHILDREN)
    own, kids = self_use.ru_maxrss / 1024, kids_use.ru_maxrss / 1024
    cpu = sum(u.ru_utime + u.ru_stime for u in (self_use, kids_use))
    return {
        "seconds": secs,
        "imported": report.imported,
        "skipped": report.skipped,
        "duplicates": report.duplicates,
        "points": report.points,
        "rss_mb": own,
        "worker_rss_mb": kids,
        "db_mb": db_bytes / 1e6,
        "cpu_seconds": cpu,
    }


def _peers(files: list[Path], sample: int) -> dict[str, dict[str, float]]:
    import fitdecode
    import gpxpy

    out: dict[str, dict[str, float]] = {}
    for kind in ("gpx", "fit"):
        chosen = [f for f in files if f.suffix == f".{kind}"]
        if not chosen:
            continue
        part = chosen[::sample]
        points = 0
        t0 = time.perf_counter()
        c0 = time.process_time()
        for f in part:
            if kind == "gpx":
                g = gpxpy.parse(f.read_text())
                points += sum(len(s.points) for t in g.tracks for s in t.segments)
            else:
                with fitdecode.FitReader(str(f)) as reader:
                    for frame in reader:
                        if isinstance(frame, fitdecode.FitDataMessage):
                            values = [fld.value for fld in frame.fields]
                            points += frame.name == "record" and bool(values)
        secs = time.perf_counter() - t0
        scale = len(chosen) / len(part)
        out[kind] = {
            "files": len(chosen),
            "sampled": len(part),
            "seconds": secs * scale,
            "points": points * scale,
            "measured_seconds": secs,
            "cpu_seconds": (time.process_time() - c0) * scale,
        }
    return out


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {system}"


def main(argv: list[str] | None = None) -> int:
    """Run both phases and write ``bench/RESULTS-ingest.md``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=1, help="peers decode every K-th file")
    ap.add_argument("--phase", choices=["ours"], help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase == "ours":
        files = [Path(p) for p in Path(args.files).read_text().split("\n") if p]
        print(json.dumps(_ours(files)))
        return 0
    with_fit = True  # the FIT reader is part of the build
    try:
        _history("fit")
    except subprocess.CalledProcessError:
        with_fit = False
    files = _files(with_fit=with_fit)
    mb = sum(f.stat().st_size for f in files) / 1e6
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(str(f) for f in files))
    child = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--phase", "ours", "--files", fh.name],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    ours = json.loads(child.stdout.strip().splitlines()[-1])
    peers = _peers(files, args.sample)
    peer_secs = sum(p["seconds"] for p in peers.values())
    ratio = peer_secs / ours["seconds"]
    cpu_ratio = sum(p["cpu_seconds"] for p in peers.values()) / ours["cpu_seconds"]
    load = os.getloadavg()[0]
    kinds = "mixed FIT (odd) + GPX (even)" if with_fit else "GPX only (no FIT history)"
    lines = [
        "## Import (ingest)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {_machine()}.",
        f"History: `make_history.py --years 3`, {len(files)} files, {mb:,.0f} MB, {kinds}.",
        "",
        "| what | files | points | wall s | CPU s | points/s (wall) | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| backstride import (parse + summarise + dedup + store, SQLite, 2 processes) "
        f"| {len(files)} "
        f"| {ours['points']:,} | {ours['seconds']:.1f} | {ours['cpu_seconds']:.1f} "
        f"| {ours['points'] / ours['seconds']:,.0f} "
        f"| {ours['rss_mb']:.0f} MB main + {ours['worker_rss_mb']:.0f} MB largest worker |",
    ]
    for kind, p in peers.items():
        peer = "gpxpy.parse" if kind == "gpx" else "fitdecode (all fields of all messages)"
        note = "" if p["sampled"] == p["files"] else f" (every {args.sample}th file, scaled)"
        lines.append(
            f"| {peer}, decode only{note} | {p['files']} | {p['points']:,.0f} | {p['seconds']:.1f} "
            f"| {p['cpu_seconds']:.1f} | {p['points'] / p['seconds']:,.0f} | — |"
        )
    lines += [
        "",
        f"**Ratio: backstride end to end is {ratio:.1f}× faster than the peers' decoding alone** "
        f"(target ≥ 20×); in CPU time (all processes, less sensitive to other load) "
        f"{cpu_ratio:.1f}×. Stored: {ours['imported']} activities, {ours['skipped']} skipped, "
        f"database {ours['db_mb']:.0f} MB (streams compressed, BSS1 format). Load average at "
        f"the end: {load:.1f} on {os.cpu_count()} cores (the machine is shared; wall times vary).",
        "",
    ]
    (HERE / "RESULTS-ingest.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
