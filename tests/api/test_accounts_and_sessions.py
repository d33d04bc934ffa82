"""Accounts: cookies are HttpOnly/SameSite, cookie changes need CSRF, logins are rate limited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.world import PASSWORD, World


def test_a_browser_login_sets_httponly_samesite_cookies(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/auth/login", json={"email": world.emails["runner_a"], "password": PASSWORD}
    )
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("backstride_session="))
    assert "HttpOnly" in session_cookie
    assert "samesite=lax" in session_cookie.lower()
    assert r.json()["token"] is None


def test_cookie_changes_need_the_csrf_header_but_reads_do_not(
    client: TestClient, world: World
) -> None:
    r = client.post(
        "/api/v1/auth/login", json={"email": world.emails["runner_a"], "password": PASSWORD}
    )
    csrf = r.json()["csrf_token"]
    assert client.get("/api/v1/me/profile").status_code == 200
    refused = client.patch("/api/v1/me/profile", json={"hr_max_bpm": 180})
    assert refused.status_code == 403
    assert refused.json()["code"] == "auth.csrf_failed"
    wrong = client.patch(
        "/api/v1/me/profile", json={"hr_max_bpm": 180}, headers={"X-CSRF-Token": "nope"}
    )
    assert wrong.status_code == 403
    ok = client.patch(
        "/api/v1/me/profile", json={"hr_max_bpm": 180}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 200
    assert ok.json()["hr_max_bpm"] == 180


def test_logging_out_revokes_the_token(client: TestClient, world: World) -> None:
    headers = world.headers("runner_a")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).json()["code"] == "auth.required"


def test_five_wrong_passwords_lock_the_address_for_a_while(
    client: TestClient, world: World
) -> None:
    email = world.emails["runner_b"]
    for _ in range(5):
        bad = client.post("/api/v1/auth/login", json={"email": email, "password": "wrong pass!"})
        assert bad.json()["code"] == "auth.invalid_credentials"
    locked = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "auth.rate_limited"


def test_weak_passwords_are_refused_with_every_broken_rule(client: TestClient) -> None:
    r = client.post(
        "/api/v1/auth/register",
        json={"email": "x@example.org", "password": "aaa", "display_name": "X"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "account.weak_password"
    assert len(body["problems"]) >= 2


def test_a_second_account_with_the_same_email_conflicts(client: TestClient, world: World) -> None:
    r = client.post(
        "/api/v1/auth/register",
        json={
            "email": world.emails["runner_a"].upper(),
            "password": "a fine password",
            "display_name": "Again",
        },
    )
    assert r.status_code == 409
    assert r.json()["code"] == "account.duplicate"


def test_validation_errors_list_every_field(client: TestClient) -> None:
    r = client.post("/api/v1/auth/register", json={"display_name": ""})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "request.invalid"
    paths = {p["path"] for p in body["problems"]}
    assert {"body.email", "body.password", "body.display_name"} <= paths


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"


def test_unknown_routes_answer_with_a_coded_error(client: TestClient) -> None:
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json()["code"] == "route.not_found"
