"""The demo runner's intake: a realistic document used by ``backstride demo`` and the tests.

A 38-year-old female marathoner with 7 weeks of one-sided buttock/low-back pain below L5 that
builds on long runs and downhill, pointing near the PSIS; no red flags, a complete
cauda-equina screen, STarT medium, ODI 22 %, RMDQ 6, three PSFS activities. Triage gives
``clinician`` through ``pattern.sacroiliac`` (a plan respecting the flags is still shown).
"""

from __future__ import annotations

from typing import Any

DEMO_RUNNER_HANDLE = "demo-runner"


def demo_intake_document() -> dict[str, Any]:
    """A fresh copy of the demo intake document (plain JSON types)."""
    rmdq_yes = {"2", "3", "6", "11", "14", "18"}
    return {
        "schema_version": "1",
        "about": {"age_years": 38, "sex": "female", "height_cm": 168.0, "weight_kg": 58.0},
        "symptoms": {
            "locations": ["buttock", "si_region", "low_back"],
            "side": "right",
            "duration_weeks": 7,
            "onset": "gradual",
            "onset_trigger": "mileage_increase",
            "first_episode": True,
            "pattern": "intermittent",
            "pain_below_l5": True,
            "points_one_finger_near_psis": True,
            "night_pain": "none",
            "morning_stiffness_min": 10,
            "better_with_exercise": False,
            "better_with_rest": True,
            "aggravating": ["running", "long_runs", "downhill", "single_leg_stance", "stairs"],
            "easing": ["rest", "heat", "changing_position"],
        },
        "running": {
            "weekly_distance_km": 62,
            "years_running": 11,
            "longest_run_km": 30,
            "recent_change": "increase",
            "load_increase_pct": 15,
            "surfaces": ["road", "trail"],
            "hilly_terrain": True,
            "footwear_km": 640,
            "footwear_months": 7,
            "previous_bsi": [],
        },
        "red_flags": {
            "cauda_equina": {
                "saddle_numbness": "no",
                "bladder_change": "no",
                "bowel_change": "no",
                "sexual_dysfunction": "no",
                "bilateral_leg_symptoms": "no",
            }
        },
        "bone_stress": {"painful_single_leg_hop": False},
        "nprs": {
            "items": {
                "now": 3,
                "worst_24h": 5,
                "least_24h": 1,
                "average_24h": 3,
                "during_run": 5,
                "after_run": 4,
                "next_morning": 2,
            }
        },
        "odi": {"items": {"1": 2, "2": 0, "3": 1, "4": 1, "5": 2, "6": 1, "7": 1, "8": 0,
                          "9": 2, "10": 1}},
        "rmdq": {"items": {str(k): str(k) in rmdq_yes for k in range(1, 25)}},
        "startback": {
            "items": {"1": False, "2": False, "3": True, "4": True, "5": True, "6": True,
                      "7": False, "8": False, "9": "moderately"}
        },
        "psfs": {
            "activities": [
                {"name": "Long run of 30 km", "score": 3},
                {"name": "Running downhill", "score": 4},
                {"name": "Sitting through a work meeting", "score": 7},
            ]
        },
        "triad": {
            "energy_availability": "none",
            "menarche_age_years": 13,
            "menses_last_12_months": 11,
        },
    }  # fmt: skip


__all__ = ["DEMO_RUNNER_HANDLE", "demo_intake_document"]
