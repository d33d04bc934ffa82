"""GET /me/activities: my activities with their coded data warnings; never someone else's."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from backstride.config import Settings
from tests.api.world import World, build_world, client_for
from tests.ingest import builders


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session, history=False)


def test_an_uploaded_activity_shows_its_data_warnings_to_its_runner_only(
    db_settings: Settings, world: World
) -> None:
    files = [
        ("strap.gpx", builders.gpx(hr=234)),
        ("laps.tcx", builders.tcx(sport="Biking", n=2, lap_seconds=4566.0, lap_metres=13680.0)),
    ]
    for client in client_for(db_settings):
        r = client.post(
            "/api/v1/me/imports",
            files=[("file", (n, d, "application/octet-stream")) for n, d in files],
            headers=world.headers("runner_a"),
        )
        assert r.status_code == 202, r.text
        assert client.app.state.worker.run_once() == 1  # type: ignore[attr-defined]
        mine = client.get("/api/v1/me/activities", headers=world.headers("runner_a")).json()
        codes = {a["sport"]: [w["code"] for w in a["warnings"]] for a in mine}
        assert codes == {
            "running": ["data.hr_implausible"],
            "cycling": ["data.laps_disagree_with_track"],
        }
        ride = next(a for a in mine if a["sport"] == "cycling")
        detail = client.get(
            f"/api/v1/me/activities/{ride['id']}", headers=world.headers("runner_a")
        ).json()
        assert detail["summary"]["warnings"][0]["effect"] == "load"
        assert detail["extra"]["source_file"] == "laps.tcx"
        assert len(detail["laps"]) == 1
        other = client.get(f"/api/v1/me/activities/{ride['id']}", headers=world.headers("runner_b"))
        assert other.status_code == 404
        assert other.json()["code"] == "activity.not_found"
        assert client.get("/api/v1/me/activities", headers=world.headers("runner_b")).json() == []
