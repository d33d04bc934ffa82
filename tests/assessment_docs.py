"""A stored assessment document for tests that need a self-managed runner with a plan."""

from __future__ import annotations

from typing import Any

SELF_MANAGED_ASSESSMENT: dict[str, Any] = {
    "disposition": "self_management",
    "reasons": [],
    "scores": {"nprs.during_run": 2, "startback.risk_group": "low"},
    "startback_group": "low",
    "flags": [],
    "safety_netting": [
        "New numbness around the saddle area, bladder or bowel changes, or "
        "weakness in both legs: emergency care now."
    ],
    "rules_version": "test",
    "time_frame": "Review at 2-4 weeks or on any change.",
    "notes": [],
}
