"""Worsening pain asks the runner to contact the clinic, through the API (issue 15)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.world import World


def test_pain_rising_2_to_6_over_ten_days_tells_the_runner_to_contact_the_clinic(
    client: TestClient, world: World
) -> None:
    # Issue 15: during, after and next morning rise 2 -> 6 over ten days (clinical reference §8).
    doc = world.headers("runner_a")
    for k, pain in enumerate((2, 3, 3, 4, 5, 6)):
        day = f"2026-11-{15 + 2 * k}"
        body = {
            "on_date": day,
            "kind": "run",
            "status": "done",
            "pain_during": pain,
            "pain_after": pain,
            "pain_next_morning": pain,
        }
        assert client.post("/api/v1/me/session-logs", headers=doc, json=body).status_code == 201
    adapted = client.post("/api/v1/me/plan/adapt", headers=doc).json()
    assert adapted["contact_clinic"] is True
    assert adapted["clinician_review"] is True
    codes = {e["code"] for e in adapted["escalations"]}
    assert {"escalate.not_settled_twice", "escalate.rising_week"} <= codes
    current = client.get("/api/v1/me/plan", headers=doc).json()
    assert current["contact_clinic"] is True
    assert {e["code"] for e in current["plan"]["escalations"]} == codes
    assert current["plan"]["do_now"][0].startswith("Contact your clinic")
    # the plan row says so (migration 0015), and the clinician's list puts the runner first
    listed = client.get(
        "/api/v1/clinician/runners?order=attention", headers=world.headers("clinician_with")
    ).json()
    assert listed[0]["runner_id"] == world.runner_a
    assert listed[0]["asked_to_contact"] is True
