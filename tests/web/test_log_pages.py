"""Logging a session and the back's response: three answers, what they mean at once, the
plan's adaptation when the log is whole, and the clinic when the answers call for it."""

from __future__ import annotations

import datetime as dt

from tests.web.conftest import Browser
from tests.web.seed import TODAY, SeedWorld


def _log(browser: Browser, **fields: object) -> object:
    data = {"on_date": TODAY.isoformat(), "kind": "run", "status": "done", **fields}
    return browser.submit("/log", {k: str(v) for k, v in data.items()})


def test_a_log_redirects_to_what_the_answers_mean(browser: Browser) -> None:
    response = _log(browser, pain_during=2, pain_after=3)
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = browser.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "Saved: run on" in page.text
    assert "What your answers mean" in page.text
    assert "Pain during 2/10" in page.text
    assert "Tomorrow morning, tell us how your back feels" in page.text
    assert "Silbernagel" in page.text  # the source of the decision


def test_htmx_gets_the_result_in_place_of_the_todays_card(browser: Browser) -> None:
    response = browser.post(
        "/log",
        data={
            "on_date": TODAY.isoformat(),
            "kind": "run",
            "status": "done",
            "quick": "1",
            "pain_during": "1",
            "pain_after": "1",
        },
        headers={"HX-Request": "true", "X-CSRF-Token": browser.cookies["backstride_csrf"]},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card today-card log-outcome"')
    assert "data-focus-after-swap" in response.text
    assert "<html" not in response.text


def test_pain_above_the_limit_during_a_run_says_to_contact_the_clinic(browser: Browser) -> None:
    response = _log(browser, pain_during=7, pain_after=6)
    page = browser.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "Contact your clinic about this." in page.text
    assert "Pain 7/10 during" in page.text


def test_bone_pain_pauses_running_at_once_and_calls_the_clinic(browser: Browser) -> None:
    response = _log(browser, pain_during=2, pain_after=2, bone_pain=4)
    page = browser.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "Contact your clinic about this." in page.text
    assert "Bone pain during a run" in page.text
    assert "See your plan" in page.text


def test_the_next_morning_answer_adapts_the_plan_and_says_why(
    browser: Browser, world: SeedWorld
) -> None:
    home = browser.page("/")
    assert f'action="/log/{world.waiting_log_id}/morning"' in home.text
    response = browser.submit(f"/log/{world.waiting_log_id}/morning", {"pain_next_morning": "1"})
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert "next morning 1/10" in page.text
    assert ("Here is what changes next" in page.text) or ("Your plan stays as it is" in page.text)
    assert "(Pain-monitoring model" in page.text or "clinical reference" in page.text
    assert f'action="/log/{world.waiting_log_id}/morning"' not in browser.get("/").text


def test_a_skipped_session_adapts_the_plan_at_once(browser: Browser) -> None:
    response = _log(browser, status="skipped", pain_during=9)
    page = browser.get(response.headers["location"])  # type: ignore[attr-defined]
    assert "skipped" in page.text
    assert "Session skipped: hold" in page.text
    assert "Tomorrow morning" not in page.text


def test_an_impossible_pain_score_is_shown_beside_its_field_with_the_values_kept(
    browser: Browser,
) -> None:
    response = _log(browser, pain_during=11, pain_after=3, notes="felt <b>odd</b>")
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert 'id="f-pain_during-error"' in text
    assert "Must be 10 or less" in text
    assert 'id="f-pain_after-3" name="pain_after" value="3" checked' in text
    assert "felt &lt;b&gt;odd&lt;/b&gt;" in text


def test_a_session_cannot_be_logged_for_tomorrow(browser: Browser) -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = _log(browser, on_date=tomorrow, pain_during=1, pain_after=1)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Must be today or earlier" in response.text  # type: ignore[attr-defined]


def test_the_log_page_lists_the_last_two_weeks(reader: Browser) -> None:
    page = reader.page("/log")
    assert "Last two weeks" in page.text
    assert page.text.count('href="/log/') >= 3


def test_someone_elses_log_is_not_found(browser: Browser, world: SeedWorld) -> None:
    browser.cookies.clear()
    browser.log_in("ben@example.org")
    assert browser.get(f"/log/{world.waiting_log_id}").status_code == 404
    response = browser.submit(f"/log/{world.waiting_log_id}/morning", {"pain_next_morning": "0"})
    assert response.status_code == 404
