"""The stored plan document is the same bytes in every process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import json
from backstride.plan.serialize import plan_to_dict
from tests.plan.builders import make_plan
print(json.dumps(plan_to_dict(make_plan()), sort_keys=True))
"""


def _document(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_a_plan_document_does_not_depend_on_the_process_string_hashing() -> None:
    first, second = _document("1"), _document("2")
    assert first == second
    sessions = [
        s
        for w in json.loads(first)["weeks"]
        for d in w["days"]
        for s in d["sessions"]
        if s["regions"]
    ]
    assert sessions, "the sample plan has strength sessions with regions"
    assert all(s["regions"] == sorted(s["regions"]) for s in sessions)
