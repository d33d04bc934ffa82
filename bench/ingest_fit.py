"""Benchmark: backstride's FIT decoder against fitdecode on the corpus and a generated history.

Run ``python -m bench.ingest_fit`` (or ``main()``); writes ``bench/RESULTS-ingest-fit.md``.
Files are read into memory first; every figure is single-process, single-thread. fitdecode is
asked for every field value of every message (its normal use), with its default CRC check.
On the generated history fitdecode decodes every ``--fitdecode-every``-th file (it needs
minutes for the whole year); its records/s come from that sample.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from functools import partial
from importlib.metadata import version
from pathlib import Path

import fastcrc

from backstride.errors import BackstrideError
from backstride.ingest.fit.decoder import decode_fit
from backstride.ingest.fit.reader import read_fit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "activities"
MAKE_HISTORY = ROOT.parent / "shared" / "tools" / "make_history.py"
RESULTS = ROOT / "bench" / "RESULTS-ingest-fit.md"
DEFAULT_HISTORY = Path("/tmp/backstride-bench-fit-history")


def corpus_files() -> list[tuple[str, bytes]]:
    """Every good FIT file of the corpus (reference.json), gunzipped in memory."""
    reference = json.loads((CORPUS / "reference.json").read_text())["files"]
    out = []
    for key, entry in sorted(reference.items()):
        if entry["format"] == "fit" and entry["category"] == "good":
            raw = (CORPUS / key).read_bytes()
            out.append((key, gzip.decompress(raw) if key.endswith(".gz") else raw))
    return out


def history_files(folder: Path, years: int) -> list[tuple[str, bytes]]:
    """The generated history's FIT files (generated first when the folder is empty)."""
    if not any(folder.rglob("*.fit")):
        cmd = [sys.executable, str(MAKE_HISTORY), "--years", str(years), "--formats", "fit"]
        subprocess.run([*cmd, "--out", str(folder)], check=True)
    return [(p.name, p.read_bytes()) for p in sorted(folder.rglob("*.fit"))]


def ours(files: Sequence[tuple[str, bytes]], *, check_crc: bool = True) -> int:
    """Decode every file with ``decode_fit``; return the number of record messages."""
    records = 0
    for _, data in files:
        with contextlib.suppress(BackstrideError):
            records += decode_fit(data, check_crc=check_crc).n_records
    return records


def ours_activities(files: Sequence[tuple[str, bytes]]) -> int:
    """Full reader: decode and map to canonical activities; return the samples."""
    samples = 0
    for _, data in files:
        with contextlib.suppress(BackstrideError):
            samples += sum(a.n_samples for a in read_fit(data))
    return samples


def fitdecode_all(files: Sequence[tuple[str, bytes]]) -> int:
    """Decode every file with fitdecode, reading every field value; return records."""
    import fitdecode

    records = 0
    for _, data in files:
        try:
            with fitdecode.FitReader(data) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage):
                        _ = [field.value for field in frame.fields]
                        records += frame.name == "record"
        except fitdecode.FitError:
            pass
    return records


def timed(fn: Callable[[], int], repeat: int) -> tuple[float, int, list[float]]:
    """Median wall time over ``repeat`` runs, the function's count, all run times."""
    runs, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), count, runs


def peak_mib(fn: Callable[[], object]) -> float:
    """Peak traced Python + numpy allocation while ``fn`` runs, in MiB."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def crc_rates(files: Sequence[tuple[str, bytes]]) -> tuple[float, float]:
    """MB/s of fastcrc CRC-16/ARC over all files, and of a Python table CRC on 200 kB."""
    blob = b"".join(data for _, data in files)
    start = time.perf_counter()
    for _ in range(5):
        fastcrc.crc16.arc(blob)
    fast = 5 * len(blob) / (time.perf_counter() - start) / 1e6
    table = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401]
    table += [0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]
    sample, crc = blob[:200_000], 0
    start = time.perf_counter()
    for byte in sample:  # the FIT SDK's nibble-table CRC, as pure-Python peers do it
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[(byte >> 4) & 0xF]
    slow = len(sample) / (time.perf_counter() - start) / 1e6
    return fast, slow


def machine() -> str:
    """One line about the machine and the library versions."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    libs = ", ".join(f"{n} {version(n)}" for n in ("numpy", "fastcrc", "fitdecode"))
    return (
        f"nproc = {os.cpu_count()}, CPU = {cpu}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}; {libs}"
    )


def row(name: str, files: int, mb: float, seconds: float, records: int, runs: list[float]) -> str:
    rate = records / seconds if seconds else float("nan")
    times = ", ".join(f"{r:.4f}" for r in runs)
    return (
        f"| {name} | {files} | {mb:.2f} | {seconds:.4f} | {mb / seconds:,.1f} | "
        f"{rate:,.0f} | {times} |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and write ``bench/RESULTS-ingest-fit.md``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history", type=Path, default=DEFAULT_HISTORY)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fitdecode-every", type=int, default=10)
    parser.add_argument("--fitdecode-repeat", type=int, default=1)
    args = parser.parse_args([] if argv is None else argv)

    corpus = corpus_files()
    history = history_files(args.history, args.years)
    sample = history[:: args.fitdecode_every]
    lines = []
    measured: dict[str, tuple[float, int]] = {}
    for label, files in (("corpus", corpus), ("history", history)):
        mb = sum(len(d) for _, d in files) / 1e6
        s, n, runs = timed(partial(ours, files), args.repeat)
        measured[f"{label} ours"] = (s, n)
        lines.append(row(f"{label}: backstride decode_fit (CRC on)", len(files), mb, s, n, runs))
        s, n, runs = timed(partial(ours, files, check_crc=False), args.repeat)
        lines.append(row(f"{label}: backstride decode_fit (CRC off)", len(files), mb, s, n, runs))
        s, n, runs = timed(partial(ours_activities, files), args.repeat)
        lines.append(row(f"{label}: backstride read_fit (to Activity)", len(files), mb, s, n, runs))
        peer = corpus if label == "corpus" else sample
        peer_mb = sum(len(d) for _, d in peer) / 1e6
        s, n, runs = timed(partial(fitdecode_all, peer), args.fitdecode_repeat)
        measured[f"{label} fitdecode"] = (s, n)
        name = f"{label}: fitdecode 0.11 (CRC warn, all values)"
        if label == "history":
            name += f", every {args.fitdecode_every}th file"
        lines.append(row(name, len(peer), peer_mb, s, n, runs))
    big = max(corpus, key=lambda item: len(item[1]))
    mem_ours = peak_mib(lambda: decode_fit(big[1]))
    mem_reader = peak_mib(lambda: read_fit(big[1]))
    mem_peer = peak_mib(lambda: fitdecode_all([big]))
    fast, slow = crc_rates(corpus)
    ratios = []
    for label in ("corpus", "history"):
        s, n = measured[f"{label} ours"]
        ps, pn = measured[f"{label} fitdecode"]
        ratios.append(f"{label}: {(n / s) / (pn / ps):,.0f}x the records/s of fitdecode")
    write(lines, ratios, big, (mem_ours, mem_reader, mem_peer), (fast, slow), args)


def write(
    lines: list[str],
    ratios: list[str],
    big: tuple[str, bytes],
    mem: tuple[float, float, float],
    crc: tuple[float, float],
    args: argparse.Namespace,
) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = [
        "# FIT decoding: backstride vs fitdecode",
        "",
        f"Generated by `bench/ingest_fit.py` on {when} (median of {args.repeat} runs for "
        f"backstride, {args.fitdecode_repeat} for fitdecode).",
        "",
        f"- machine: {machine()}",
        "- single process, single thread; files pre-loaded into memory; `records/s` counts "
        "FIT `record` messages (read_fit row: canonical stream samples), `MB/s` input bytes.",
        f"- history: `make_history.py --years {args.years} --formats fit` ({args.history}).",
        "",
        "| what | files | MB | median s | MB/s | records/s | runs (s) |",
        "|---|---:|---:|---:|---:|---:|---|",
        *lines,
        "",
        "Speed-up: " + "; ".join(ratios) + ".",
        "",
        f"Peak traced memory on the largest file ({big[0]}, {len(big[1]) / 1e6:.1f} MB): "
        f"decode_fit {mem[0]:.1f} MiB, read_fit {mem[1]:.1f} MiB, fitdecode {mem[2]:.1f} MiB.",
        "",
        f"CRC-16/ARC (= the FIT CRC): fastcrc {crc[0]:,.0f} MB/s; the FIT SDK nibble-table "
        f"loop in pure Python {crc[1]:.2f} MB/s.",
        "",
    ]
    RESULTS.write_text("\n".join(text))
    print("\n".join(text))


if __name__ == "__main__":
    main(sys.argv[1:])
