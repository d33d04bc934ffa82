"""Consent opens a runner's record to one clinic; revoking closes it at once; reads are audited."""

from __future__ import annotations

import io
import json
import zipfile

from fastapi.testclient import TestClient

from tests.api.world import World, plan_document


def test_revoking_consent_ends_the_clinicians_access_at_once(
    client: TestClient, world: World
) -> None:
    doc = world.headers("clinician_with")
    url = f"/api/v1/clinician/runners/{world.runner_a}/timeline"
    assert client.get(url, headers=doc).status_code == 200
    ids = [p["runner_id"] for p in client.get("/api/v1/clinician/runners", headers=doc).json()]
    assert ids == [world.runner_a]
    revoked = client.delete(
        f"/api/v1/me/consents/{world.clinic_id}", headers=world.headers("runner_a")
    )
    assert revoked.status_code == 204
    after = client.get(url, headers=doc)
    assert after.status_code == 404
    assert after.json()["code"] == "runner.not_found"
    assert client.get("/api/v1/clinician/runners", headers=doc).json() == []


def test_clinician_reads_and_changes_appear_in_the_runners_audit_log(
    client: TestClient, world: World
) -> None:
    doc = world.headers("clinician_with")
    client.get(f"/api/v1/clinician/runners/{world.runner_a}/timeline", headers=doc)
    client.post(
        f"/api/v1/clinician/runners/{world.runner_a}/plan-versions",
        headers=doc,
        json={"document": plan_document(), "reason": "rest week"},
    )
    events = client.get("/api/v1/me/audit", headers=world.headers("runner_a")).json()
    seen = {(e["actor_account_id"], e["action"], e["resource"]) for e in events}
    who = world.accounts["clinician_with"]
    assert (who, "read", "timeline") in seen
    assert (who, "update", "plan") in seen
    assert all(e["actor_name"] for e in events if e["actor_account_id"] == who)


def test_the_timeline_shows_the_runners_stored_history(client: TestClient, world: World) -> None:
    body = client.get(
        f"/api/v1/clinician/runners/{world.runner_a}/timeline",
        headers=world.headers("clinician_with"),
    ).json()
    assert body["assessments"][0]["disposition"] == body["assessments"][0]["result"]["disposition"]
    assert {q["instrument"] for q in body["questionnaires"]} >= {"odi"}
    assert body["plan_versions"][0]["reason"] == "created"
    assert body["pain_entries"][0]["nprs_now"] == 3
    assert sum(w["distance_m"] for w in body["weeks"]) == 5000.0


def test_a_plan_edit_is_a_new_version_signed_by_the_clinician(
    client: TestClient, world: World
) -> None:
    r = client.post(
        f"/api/v1/clinician/runners/{world.runner_a}/plan-versions",
        headers=world.headers("clinician_with"),
        json={"document": plan_document(), "reason": "fewer hills"},
    )
    assert r.status_code == 201
    assert r.json()["version"] == 2
    assert r.json()["created_by"] == world.accounts["clinician_with"]


def test_changing_a_clinic_threshold_is_recorded_and_bounded(
    client: TestClient, world: World
) -> None:
    doc = world.headers("clinician_with")
    url = f"/api/v1/clinics/{world.clinic_id}/settings/load.single_run_spike_ratio"
    bad = client.put(url, headers=doc, json={"value": 9})
    assert bad.status_code == 422
    assert bad.json()["code"] == "clinic_setting.out_of_range"
    ok = client.put(url, headers=doc, json={"value": 1.2, "reason": "our protocol"})
    assert ok.json()["changed"] is True
    listed = client.get(f"/api/v1/clinics/{world.clinic_id}/settings", headers=doc).json()
    spike = next(s for s in listed if s["key"] == "load.single_run_spike_ratio")
    assert spike["value"] == 1.2
    assert spike["default"] == 1.1


def test_the_export_holds_every_table_of_mine_and_no_password_hash(
    client: TestClient, world: World
) -> None:
    r = client.get("/api/v1/me/export", headers=world.headers("runner_a"))
    assert r.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(zf.namelist())
    assert {"data/runners.json", "data/activities.json", "data/plan_versions.json"} <= names
    account = json.loads(zf.read("data/accounts.json"))[0]
    assert "password_hash" not in account
    assert len(json.loads(zf.read("data/activities.json"))) == 1


def test_deleting_my_account_removes_my_data_and_my_login(client: TestClient, world: World) -> None:
    headers = world.headers("runner_a")
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    doc = world.headers("clinician_with")
    assert client.get("/api/v1/clinician/runners", headers=doc).json() == []


def test_the_patient_list_shows_the_latest_assessment_and_audits_each_runner_shown(
    client: TestClient, world: World
) -> None:
    doc = world.headers("clinician_with")
    rows = client.get("/api/v1/clinician/runners", headers=doc).json()
    assert [r["runner_id"] for r in rows] == [world.runner_a]
    own = client.get("/api/v1/me/timeline", headers=world.headers("runner_a")).json()
    latest = max(own["assessments"], key=lambda a: a["created_at"])["result"]
    assert rows[0]["disposition"] == latest["disposition"]
    assert rows[0]["flags"]
    # the plan flags: the fired rules' and the derived ones (demo: hold_hills, SI pattern)
    assert rows[0]["flags"] == sorted({*latest["flags"], *latest["derived_flags"]})
    assert rows[0]["assessed_at"] is not None
    events = client.get("/api/v1/me/audit", headers=world.headers("runner_a")).json()
    reads = [e for e in events if e["resource"] == "patient_list"]
    assert [e["actor_account_id"] for e in reads] == [world.accounts["clinician_with"]]


def test_a_clinician_review_changes_what_the_clinic_and_the_plan_use_and_is_audited(
    client: TestClient, world: World
) -> None:
    doc = world.headers("clinician_with")
    runner = world.headers("runner_a")
    before = client.get("/api/v1/clinician/runners", headers=doc).json()[0]
    assert before["disposition"] == "clinician"
    r = client.post(
        f"/api/v1/clinician/runners/{world.runner_a}/reviews",
        headers=doc,
        json={
            "disposition": "self_management",
            "reason": "examined in clinic: no sign of the suspected pattern",
            "cleared_to_run_on": "2026-11-20",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["from_disposition"], body["disposition"]) == ("clinician", "self_management")
    after = client.get("/api/v1/clinician/runners", headers=doc).json()[0]
    assert after["disposition"] == "self_management"
    assert after["flags"] == body["flags"]
    timeline = client.get("/api/v1/me/timeline", headers=runner).json()
    latest = max(timeline["assessments"], key=lambda a: a["created_at"])
    assert latest["triaged_disposition"] == "clinician"  # the runner's answers stay visible
    assert latest["result"]["reasons"]
    assert latest["review"]["reason"].startswith("examined in clinic")
    events = client.get("/api/v1/me/audit", headers=runner).json()
    assert (world.accounts["clinician_with"], "update", "assessment") in {
        (e["actor_account_id"], e["action"], e["resource"]) for e in events
    }


def test_a_review_needs_a_reason_a_known_disposition_and_no_future_clearance(
    client: TestClient, world: World
) -> None:
    url = f"/api/v1/clinician/runners/{world.runner_a}/reviews"
    doc = world.headers("clinician_with")
    short = client.post(url, headers=doc, json={"disposition": "urgent", "reason": "ok"})
    assert short.status_code == 422
    odd = client.post(url, headers=doc, json={"disposition": "fine", "reason": "x" * 20})
    assert odd.status_code == 422
    future = client.post(
        url,
        headers=doc,
        json={"disposition": "clinician", "reason": "x" * 20, "cleared_to_run_on": "2099-01-01"},
    )
    assert future.status_code == 422
    assert future.json()["code"] == "review.invalid"
