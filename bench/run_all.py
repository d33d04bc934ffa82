"""Run every area benchmark, then merge their ``RESULTS-<area>.md`` into ``RESULTS.md``.

Usage: ``python -m bench.run_all [AREA ...]`` (default: all). Each area module has a
``main()`` that measures backstride and its peers in one run and writes its own table.
"""

from __future__ import annotations

import importlib
import inspect
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AREAS = (
    "cli_startup",
    "ingest_fit",
    "ingest",
    "intake",
    "analytics",
    "load",
    "plan",
    "api",
    "booking",
    "web",
)


def machine() -> str:
    """One line about the machine the numbers come from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def merge() -> Path:
    """Concatenate the per-area result files under one heading."""
    parts = [
        "# backstride benchmarks\n",
        f"Merged {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}.",
        "Each section is measured in one run against its named peers; regenerate with "
        "`make bench` (or `python -m bench.run_all AREA`).\n",
    ]
    for area in AREAS:
        path = HERE / f"RESULTS-{area.replace('_', '-')}.md"
        if path.exists():
            text = path.read_text().strip()
            # Each area's own top heading becomes a level-2 section of the merged file.
            levels = [
                len(ln) - len(ln.lstrip("#")) for ln in text.splitlines() if ln.startswith("#")
            ]
            shift = "#" * max(0, 2 - min(levels, default=2))
            lines = [shift + ln if ln.startswith("#") else ln for ln in text.splitlines()]
            parts.append("\n".join(lines) + "\n")
    out = HERE / "RESULTS.md"
    out.write_text("\n".join(parts))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the chosen areas (all by default) and merge their results."""
    chosen = argv if argv else list(AREAS)
    for area in chosen:
        try:
            module = importlib.import_module(f"bench.{area}")
        except ModuleNotFoundError:
            print(f"[bench] no benchmark for {area}", file=sys.stderr)
            continue
        print(f"[bench] {area} ...", flush=True)
        # Areas with their own options get none here: this process's arguments are area names.
        if inspect.signature(module.main).parameters:
            module.main([])
        else:
            module.main()
    print(f"[bench] wrote {merge()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
