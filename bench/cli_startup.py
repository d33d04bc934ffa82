"""CLI start-up: ``backstride --help`` and ``backstride version`` vs the eager import of before.

In one run, each command line is started ``--repeat`` times (interleaved, so a burst of load
on the shared machine hits all of them alike); wall and CPU time (user + system of the child,
from ``os.wait4``) are reported as medians. Rows:

- ``python -c pass``: the interpreter's own floor;
- ``backstride version`` / ``backstride --help``: as installed (lazy command modules);
- "before" rows: with ``--before SRC`` (the ``src`` folder of a checkout of an older commit,
  e.g. ``git worktree add /tmp/before 67b9881``), that code's real ``version``/``--help``;
  without it, the same commands after importing every command module, scipy and Alembic
  first, which is what the CLI did before (issue 16: ~1.5 s on a quiet machine), so the ratio
  is measured, not remembered.

Target (issue 16): ``--help`` and ``version`` under 0.25 s. Writes ``bench/RESULTS-cli-startup.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXE = Path(sys.executable).parent / "backstride"
EAGER = (
    "import sys; from backstride.cli import main as m; "
    "[__import__(x, fromlist=['register']) for x in m.COMMAND_MODULES]; "
    "import backstride.services.imports.importing, backstride.services.load; "
    "import scipy.signal, scipy.ndimage, alembic.command; "
    "sys.exit(m.main(sys.argv[1:]))"
)
TARGET_S = 0.25
Case = tuple[list[str], dict[str, str] | None]


def _cases(before: Path | None) -> dict[str, Case]:
    cases: dict[str, Case] = {
        "python -c pass (interpreter floor)": ([sys.executable, "-c", "pass"], None),
        "backstride version": ([str(EXE), "version"], None),
        "backstride --help": ([str(EXE), "--help"], None),
    }
    if before is None:
        cases["before: eager imports + version"] = ([sys.executable, "-c", EAGER, "version"], None)
        cases["before: eager imports + --help"] = ([sys.executable, "-c", EAGER, "--help"], None)
    else:
        env = {**os.environ, "PYTHONPATH": str(before)}
        main = [sys.executable, "-m", "backstride.cli.main"]
        cases["before: version (old commit)"] = ([*main, "version"], env)
        cases["before: --help (old commit)"] = ([*main, "--help"], env)
    return cases


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Measure every case, write ``bench/RESULTS-cli-startup.md``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--before", type=Path, help="src folder of an older checkout to compare")
    args = ap.parse_args(argv)
    cases = _cases(args.before)
    for argv_, env in cases.values():
        _run(argv_, env)  # warm the page cache and .pyc files
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    for _ in range(args.repeat):
        for name, (argv_, env) in cases.items():
            samples[name].append(_run(argv_, env))
    med = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in samples.items()
    }
    load = os.getloadavg()[0]
    lines = [
        "## CLI start-up (`python -m bench.cli_startup`)",
        "",
        f"Median of {args.repeat} interleaved runs per command line, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {load:.1f} on "
        f"{os.cpu_count()} cores (shared machine: wall times include waiting for a core, CPU "
        "times do not).",
        "",
        "| command | wall s | CPU s |",
        "|---|---:|---:|",
    ]
    lines += [f"| {k} | {w:.3f} | {c:.3f} |" for k, (w, c) in med.items()]
    v_w, v_c = med["backstride version"]
    h_w, h_c = med["backstride --help"]
    ev_w, ev_c = next(v for k, v in med.items() if k.startswith("before: ") and "version" in k)
    eh_w, eh_c = next(v for k, v in med.items() if k.startswith("before: ") and "help" in k)
    ok = "met" if max(v_c, h_c) < TARGET_S else "NOT met"
    lines += [
        "",
        f"Ratios (before / now): `version` {ev_w / v_w:.1f}x wall, {ev_c / v_c:.1f}x CPU; "
        f"`--help` {eh_w / h_w:.1f}x wall, {eh_c / h_c:.1f}x CPU. Target < {TARGET_S} s: "
        f"**{ok}** in CPU time (version {v_c:.3f} s, --help {h_c:.3f} s; wall {v_w:.3f} / "
        f"{h_w:.3f} s at this load).",
        "",
    ]
    (HERE / "RESULTS-cli-startup.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
