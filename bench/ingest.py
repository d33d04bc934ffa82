"""Import benchmark, in one run: backstride end to end vs. merely decoding with the peers.

Two corpora (issue 16):

1. **3-year history**: generated once (cached under ``$BACKSTRIDE_BENCH_CACHE``, default
   /tmp/backstride-bench) by ``shared/tools/make_history.py``, mixed FIT (odd activity index)
   and GPX (even). backstride: ``import_paths`` into a fresh, migrated SQLite (parse,
   summarise, check, dedup, store streams/laps/blobs; both cores) in a child process, median
   of ``--repeat`` runs. Peers: fitdecode (every field of every message) and gpxpy.parse,
   decode only, single process.
2. **Small real corpus**: the shared corpus's files marked good (FIT, GPX, TCX from many
   devices; about 19 MB), where start-up dominates. backstride: the real command,
   ``backstride import FOLDER`` as a new process (interpreter start-up, imports, database
   check, parse, store: everything a user waits for), into a database created beforehand
   with ``backstride db upgrade``; median of ``--repeat`` runs; a first run that also
   creates the database is shown too. Peers: fitdecode, gpxpy and tcxreader decoding the
   same files in this process (their start-up is not counted: a favour to them).

Ratios are peer seconds / backstride seconds measured in the same run, interleaved: each
backstride run is followed by the peers on a third of the files (``--repeat`` slices), so a
burst of load on the shared machine falls on both sides alike; CPU times (all processes, the
median run's) are shown too, being less sensitive to other load. Writes
``bench/RESULTS-ingest.md``. ``python -m bench.ingest [--sample K] [--repeat N]``: the
history's peers decode every K-th file only and are scaled up (labelled as such).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED_ROOT = Path(os.environ.get("BACKSTRIDE_SHARED", ROOT.parent / "shared"))
"""The shared folder (tools and the activity corpus): beside the checkout, or
``$BACKSTRIDE_SHARED`` (a git worktree elsewhere)."""
TOOL = SHARED_ROOT / "tools" / "make_history.py"
SHARED = SHARED_ROOT / "data" / "activities"
CACHE = Path(os.environ.get("BACKSTRIDE_BENCH_CACHE", "/tmp/backstride-bench"))
EXE = Path(sys.executable).parent / "backstride"


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


def _small_corpus() -> list[Path]:
    """The shared corpus's good activity files (its ``reference.json``)."""
    reference = json.loads((SHARED / "reference.json").read_text())["files"]
    return sorted(SHARED / k for k, v in reference.items() if v["category"] == "good")


def _link_folder(files: list[Path], folder: Path) -> None:
    folder.mkdir(parents=True)
    for f in files:
        rel = f.relative_to(SHARED) if f.is_relative_to(SHARED) else Path(f.name)
        (folder / str(rel).replace("/", "__")).symlink_to(f)


def _ours(files: list[Path]) -> dict[str, float]:
    """Child-process phase: import everything into a fresh SQLite, report time and memory."""
    from backstride.config import Settings
    from backstride.services.imports.importing import import_paths
    from backstride.store.db import make_engine, session_factory
    from backstride.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="bs-bench-") as tmp:
        folder = Path(tmp) / "in"
        _link_folder(files, folder)
        settings = Settings(data_dir=Path(tmp) / "data")
        settings.data_dir.mkdir()
        upgrade(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        before = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        t0 = time.perf_counter()
        with session_factory(engine)() as session:
            report = import_paths(
                session,
                settings=settings,
                runner_handle="bench",
                paths=[folder],
                now=dt.datetime.now(dt.UTC),
            )
        secs = time.perf_counter() - t0
        _stop_forkserver()  # its parser processes' CPU counts once it has been waited for
        after = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        db_bytes = sum(p.stat().st_size for p in settings.data_dir.glob("*.db*"))
        engine.dispose()
    cpu = sum(
        (a.ru_utime + a.ru_stime) - (b.ru_utime + b.ru_stime)
        for a, b in zip(after, before, strict=True)
    )
    return {
        "seconds": secs,
        "imported": report.imported,
        "skipped": report.skipped,
        "duplicates": report.duplicates,
        "points": report.points,
        "rss_mb": after[0].ru_maxrss / 1024,
        "worker_rss_mb": after[1].ru_maxrss / 1024,
        "db_mb": db_bytes / 1e6,
        "cpu_seconds": cpu,
    }


def _gpx_scanner() -> str:
    from backstride.ingest.gpx_fast import scanner

    return {"compiled": "compiled scanner (`ingest/_gpxscan.c`)"}.get(
        scanner(), "numpy path (`ingest/gpx_fast.py`: the C scanner was not built)"
    )


def _stop_forkserver() -> None:
    """End and wait for the parser pool's forkserver: the parser processes are its children,
    so their CPU time reaches ``RUSAGE_CHILDREN`` only then."""
    from multiprocessing import forkserver

    forkserver._forkserver._stop()  # type: ignore[attr-defined]


def _ours_history_run(files: list[Path]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(str(f) for f in files))
    child = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--phase", "ours", "--files", fh.name],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    Path(fh.name).unlink()
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return best | {
        "runs": [r["seconds"] for r in runs],
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
    }


def _add(total: dict[str, dict[str, float]], part: dict[str, dict[str, float]]) -> None:
    for kind, p in part.items():
        t = total.setdefault(kind, dict.fromkeys(p, 0.0))
        for key, value in p.items():
            t[key] += value


def _interleaved(
    ours: Any, files: list[Path], repeat: int, sample: int
) -> tuple[list[dict[str, Any]], dict[str, dict[str, float]]]:
    """``repeat`` runs of ``ours()``, each followed by the peers on every ``repeat``-th file
    (a different slice each time): the peers' total covers every file once, and a burst of
    load on the shared machine falls on both sides alike."""
    runs: list[dict[str, Any]] = []
    peers: dict[str, dict[str, float]] = {}
    for k in range(repeat):
        runs.append(ours())
        _add(peers, _peers(files[k::repeat], sample))
    return runs, peers


def _cli_import(folder: Path, data_dir: Path) -> tuple[float, float, dict[str, Any]]:
    """Wall and CPU seconds (the command and its worker processes) of ``backstride import``."""
    env = {**os.environ, "BACKSTRIDE_DATA_DIR": str(data_dir)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(EXE), "import", str(folder), "--runner", "bench", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("backstride import failed")
    return wall, usage.ru_utime + usage.ru_stime, json.loads(out)


def _small_run(files: list[Path], *, first: bool) -> dict[str, Any]:
    """One ``backstride import`` of the small corpus into a database created beforehand (or,
    ``first``, into none: the command creates it)."""
    with tempfile.TemporaryDirectory(prefix="bs-small-") as tmp:
        folder = Path(tmp) / "corpus"
        _link_folder(files, folder)
        data = Path(tmp) / "data"
        if not first:
            env = {**os.environ, "BACKSTRIDE_DATA_DIR": str(data)}
            subprocess.run([str(EXE), "db", "upgrade"], env=env, check=True, capture_output=True)
        wall, cpu, report = _cli_import(folder, data)
    return {
        "seconds": wall,
        "cpu_seconds": cpu,
        "imported": report["imported"],
        "duplicates": report["duplicates"],
        "skipped": report["skipped"],
        "points": report["points"],
    }


def _peers(files: list[Path], sample: int) -> dict[str, dict[str, float]]:
    import fitdecode
    import gpxpy
    from tcxreader.tcxreader import TCXReader

    out: dict[str, dict[str, float]] = {}
    for kind in ("gpx", "fit", "tcx"):
        chosen = [f for f in files if kind in "".join(f.suffixes).lower()]
        if not chosen:
            continue
        part = chosen[::sample]
        points = 0
        t0 = time.perf_counter()
        c0 = time.process_time()
        for f in part:
            if kind == "gpx":
                g = gpxpy.parse(f.read_text(encoding="utf-8", errors="replace"))
                points += sum(len(s.points) for t in g.tracks for s in t.segments)
            elif kind == "tcx":
                points += len(TCXReader().read(str(f), only_gps=False).trackpoints)
            else:
                opener: Any = _gunzipped if f.suffix == ".gz" else str
                with fitdecode.FitReader(opener(f)) as reader:
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


def _gunzipped(path: Path) -> Any:
    import gzip
    import io

    return io.BytesIO(gzip.decompress(path.read_bytes()))


def _bytecode() -> None:
    """Byte-compile the package first, as an installed copy has it (pip writes the ``.pyc`` files
    at install): an editable checkout run with ``PYTHONDONTWRITEBYTECODE`` (as on the shared
    machine) would compile every module again in every process of every run."""
    import compileall

    import backstride

    compileall.compile_dir(Path(backstride.__file__).parent, quiet=1)


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {system}"


PEER_NAMES = {
    "gpx": "gpxpy.parse",
    "fit": "fitdecode (all fields of all messages)",
    "tcx": "tcxreader.read(only_gps=False)",
}


def _peer_rows(peers: dict[str, dict[str, float]], sample: int) -> list[str]:
    rows = []
    for kind, p in peers.items():
        note = "" if sample == 1 else f" (every {sample}th file, scaled)"
        rows.append(
            f"| {PEER_NAMES[kind]}, decode only{note} | {int(p['files'])} | {p['points']:,.0f} "
            f"| {p['seconds']:.1f} | {p['cpu_seconds']:.1f} "
            f"| {p['points'] / p['seconds']:,.0f} | — |"
        )
    return rows


KEPT = "### Runs behind these numbers"
"""The hand-kept run log below this heading of RESULTS-ingest.md survives a new run."""


def main(argv: list[str] | None = None) -> int:
    """Run both corpora and write ``bench/RESULTS-ingest.md``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=1, help="history peers decode every K-th file")
    ap.add_argument("--repeat", type=int, default=3, help="backstride runs per corpus (median)")
    ap.add_argument("--phase", choices=["ours"], help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase == "ours":
        files = [Path(p) for p in Path(args.files).read_text().split("\n") if p]
        print(json.dumps(_ours(files)))
        return 0
    if not shutil.which(str(EXE)):
        raise SystemExit(f"{EXE} not found: run `make venv` first")
    _bytecode()
    with_fit = True  # the FIT reader is part of the build
    try:
        _history("fit")
    except subprocess.CalledProcessError:
        with_fit = False
    files = _files(with_fit=with_fit)
    small = _small_corpus()
    mb = sum(f.stat().st_size for f in files) / 1e6
    small_mb = sum(f.stat().st_size for f in small) / 1e6
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_start = os.getloadavg()[0]
    runs, peers = _interleaved(lambda: _ours_history_run(files), files, args.repeat, args.sample)
    ours = _median_run(runs)
    first_small = _small_run(small, first=True)
    runs_small, peers_small = _interleaved(
        lambda: _small_run(small, first=False), small, args.repeat, 1
    )
    ours_small = _median_run(runs_small) | {
        "first_seconds": first_small["seconds"],
        "first_cpu": first_small["cpu_seconds"],
    }
    peer_secs = sum(p["seconds"] for p in peers.values())
    peer_cpu = sum(p["cpu_seconds"] for p in peers.values())
    small_secs = sum(p["seconds"] for p in peers_small.values())
    small_cpu = sum(p["cpu_seconds"] for p in peers_small.values())
    ratio, cpu_ratio = peer_secs / ours["seconds"], peer_cpu / ours["cpu_seconds"]
    s_ratio, s_cpu = small_secs / ours_small["seconds"], small_cpu / ours_small["cpu_seconds"]
    load_end = os.getloadavg()[0]
    kinds = "mixed FIT (odd) + GPX (even)" if with_fit else "GPX only (no FIT history)"
    runs = ", ".join(f"{s:.2f}" for s in ours["runs"])
    small_runs = ", ".join(f"{s:.2f}" for s in ours_small["runs"])
    lines = [
        "## Import (ingest)",
        "",
        f"Run {started} on {_machine()}; `python -m bench.ingest --repeat {args.repeat}`. "
        f"Load average {load_start:.1f} at the start, {load_end:.1f} at the end (the machine is "
        "shared: wall times vary; ratios are measured in this one run).",
        "",
        f"### 3-year history: `make_history.py --years 3`, {len(files)} files, {mb:,.0f} MB, "
        f"{kinds}",
        "",
        "| what | files | points | wall s | CPU s | points/s (wall) | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| backstride import (parse + summarise + check + dedup + store, SQLite, 2 processes; "
        f"median of {args.repeat}: {runs} s) | {len(files)} "
        f"| {ours['points']:,} | {ours['seconds']:.2f} | {ours['cpu_seconds']:.1f} "
        f"| {ours['points'] / ours['seconds']:,.0f} "
        f"| {ours['rss_mb']:.0f} MB main + {ours['worker_rss_mb']:.0f} MB largest worker |",
        *_peer_rows(peers, args.sample),
        "",
        f"**Ratio: backstride end to end is {ratio:.1f}× faster than the peers' decoding alone** "
        f"(target ≥ 100×); in CPU time (all processes) {cpu_ratio:.1f}×. Stored: "
        f"{ours['imported']} activities, {ours['skipped']} skipped, database "
        f"{ours['db_mb']:.0f} MB (streams compressed, BSS2 format: zstd).",
        "",
        f"### Small real corpus: {len(small)} good files of the shared corpus ({small_mb:.1f} MB: "
        + ", ".join(f"{int(p['files'])} {k.upper()}" for k, p in peers_small.items())
        + ")",
        "",
        "| what | files | points | wall s | CPU s | points/s (wall) | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| `backstride import FOLDER`, a new process: start-up, imports, database check, parse, "
        f"store (median of {args.repeat}: {small_runs} s) | {len(small)} "
        f"| {ours_small['points']:,} | {ours_small['seconds']:.2f} "
        f"| {ours_small['cpu_seconds']:.2f} | {ours_small['points'] / ours_small['seconds']:,.0f} "
        "| — |",
        f"| the same, first run (creates the database: migrations) | {len(small)} "
        f"| {ours_small['points']:,} | {ours_small['first_seconds']:.2f} "
        f"| {ours_small['first_cpu']:.2f} | — | — |",
        *_peer_rows(peers_small, 1),
        "",
        f"**Ratio: {s_ratio:.1f}× the peers' decoding** (target ≥ 20×), "
        f"{small_secs / ours_small['first_seconds']:.1f}× on the first run; in CPU time "
        f"{s_cpu:.1f}×. Imported {ours_small['imported']}, {ours_small['duplicates']} duplicates "
        f"(the corpus holds the same activity as FIT and TCX), {ours_small['skipped']} skipped "
        "(settings, courses, monitoring and routes in the corpus are not activities).",
        "",
        "### Notes",
        "",
        f"- GPX fast path: the {_gpx_scanner()} (docs/decisions/0069; the numpy path "
        "reads plain GPX where the C extension was not built at install).",
        "",
    ]
    out = HERE / "RESULTS-ingest.md"
    old = out.read_text() if out.exists() else ""
    kept = old[old.index(KEPT) :] if KEPT in old else ""
    out.write_text("\n".join(lines) + ("\n" + kept if kept else ""))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
