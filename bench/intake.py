"""Intake benchmark: validation, scoring and triage cost per intake (no peer does triage).

Writes ``bench/RESULTS-intake.md``. Run: ``python -m bench.intake``.
"""

from __future__ import annotations

import datetime as dt
import json
import timeit
from collections.abc import Callable
from pathlib import Path

from backstride.intake import assess, assessment_to_dict, intake_json_schema, validate_intake
from backstride.intake.triage import evaluate
from backstride.services.demo.data import demo_intake_document

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 25)


def _per_call_us(fn: Callable[[], object], *, number: int) -> float:
    best = min(timeit.repeat(fn, number=number, repeat=5))
    return best / number * 1e6


def main() -> None:
    """Measure and write the results table."""
    raw = demo_intake_document()
    doc = validate_intake(raw)
    a = evaluate(doc, today=TODAY)
    rows = [
        ("validate_intake (demo document)", _per_call_us(lambda: validate_intake(raw), number=500)),
        ("evaluate (validated: score + all 14 rules)", _per_call_us(
            lambda: evaluate(doc, today=TODAY), number=500)),
        ("assess(mapping) end to end", _per_call_us(lambda: assess(raw, today=TODAY), number=500)),
        ("assessment_to_dict + json.dumps", _per_call_us(
            lambda: json.dumps(assessment_to_dict(a)), number=500)),
        ("intake_json_schema", _per_call_us(intake_json_schema, number=50)),
    ]  # fmt: skip
    lines = [
        "## Intake (validation, scoring, triage)\n",
        "Best of 5 repeats, demo intake (6 instruments answered). No peer system triages low "
        "back pain, so this is an absolute cost, not a ratio.\n",
        "| operation | µs per call | calls per second |",
        "|---|---:|---:|",
        *(f"| {name} | {us:.0f} | {1e6 / us:,.0f} |" for name, us in rows),
    ]
    out = HERE / "RESULTS-intake.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
