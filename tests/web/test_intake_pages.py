"""The intake wizard in the browser: one section per page, a server-side draft after each step,
safety questions that need an answer, a review, then the assessment disposition first; and the
questionnaires answered again, back on Progress with the new point."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from backstride.store import models
from backstride.web.wizard import runner_sections
from tests.web.conftest import Browser
from tests.web.seed import OTHER_EMAIL, PASSWORD, SeedWorld

SAFE: dict[str, dict[str, Any]] = {
    "about": {"about.age_years": "34", "about.sex": "female"},
    "where": {
        "symptoms.locations": ["low_back"],
        "symptoms.side": "central",
        "symptoms.duration": "3 weeks",
        "symptoms.first_episode": "yes",
    },
    "nerves": {
        f"red_flags.cauda_equina.{k}": "no"
        for k in (
            "saddle_numbness",
            "bladder_change",
            "bowel_change",
            "sexual_dysfunction",
            "bilateral_leg_symptoms",
        )
    },
    "serious": {},
    "behaviour": {},
    "running": {"running.weekly_distance_km": "30"},
}
"""Answers of a runner with no warning sign (optional parts skipped)."""


def _ben(app: FastAPI) -> Browser:
    client = Browser(app, base_url="http://testserver")
    client.log_in(OTHER_EMAIL, PASSWORD)
    return client


def _step(browser: Browser, key: str, data: dict[str, Any], action: str = "continue") -> Any:
    browser.page(f"/intake/step/{key}")
    return browser.submit(f"/intake/step/{key}", {**data, "action": action})


def _answer_all(browser: Browser, answers: dict[str, dict[str, Any]]) -> None:
    browser.page("/intake")
    assert browser.submit("/intake/start").status_code == 303
    for section in runner_sections():
        if section.key in answers:
            response = _step(browser, section.key, answers[section.key])
        else:
            response = _step(browser, section.key, {}, action="skip")
        assert response.status_code == 303, (section.key, response.text[:3000])


def test_home_invites_a_runner_without_an_assessment_to_start_it(app: FastAPI) -> None:
    with _ben(app) as ben:
        home = ben.page("/")
        assert 'href="/intake"' in home.text
        assert "Start with your assessment." in home.text
        start = ben.page("/intake")
        assert "Tell us about your back" in start.text


def test_each_step_shows_its_number_of_the_total_in_a_progress_bar(app: FastAPI) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        page = ben.page("/intake/step/nerves")
        total = len(runner_sections())
        assert f"Step 3 of {total}" in page.text
        assert re.search(rf'<progress[^>]*max="{total}" value="3"', page.text)
        assert "Safety questions: nerves, bladder and bowel" in page.text


def test_a_step_with_a_bad_answer_keeps_the_values_and_says_why_beside_the_field(
    app: FastAPI,
) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        response = _step(ben, "about", {"about.age_years": "300", "about.sex": "male"})
        assert response.status_code == 422
        assert 'value="300"' in response.text  # the typed value is kept
        assert re.search(r'value="male" checked', response.text)
        assert 'id="f-about-age_years-error"' in response.text
        assert "please give a number from 8 to 110" in response.text.lower()
        assert 'aria-invalid="true"' in response.text
        assert "There is a problem" in response.text


def test_every_step_re_renders_with_its_messages_when_required_answers_are_missing(
    app: FastAPI,
) -> None:
    with _ben(app) as ben:
        _answer_all(ben, SAFE)  # every step exists and accepts answers
        for section in runner_sections():
            required = [
                q for q in section.questions if q.blank.value == "required" and q.when is None
            ]
            if not required:
                continue
            response = _step(ben, section.key, {})
            assert response.status_code == 422, section.key
            first = "f-" + required[0].path.replace(".", "-") + "-error"
            assert f'id="{first}"' in response.text, section.key


def test_the_safety_questions_cannot_be_left_blank_but_allow_i_dont_know(app: FastAPI) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        blank = _step(ben, "nerves", {})
        assert blank.status_code == 422
        assert blank.text.count("This is a safety question: answer yes, no, or I") >= 5
        unsure = dict(SAFE["nerves"], **{"red_flags.cauda_equina.bladder_change": "unanswered"})
        assert _step(ben, "nerves", unsure).status_code == 303
        page = ben.page("/intake/step/nerves")
        assert re.search(r'value="unanswered" checked', page.text)
        assert "I don&#39;t know / not sure" in page.text


def test_a_question_that_follows_an_answer_on_the_page_carries_its_condition(
    app: FastAPI,
) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        _step(ben, "about", SAFE["about"])
        _step(ben, "where", SAFE["where"])
        page = ben.page("/intake/step/nerves").text
        assert re.search(r'id="f-symptoms-leg_side" data-when="\{&#34;any&#34;', page)
        assert "data-known=" in page
        assert "&#34;symptoms.locations&#34;: [&#34;low_back&#34;]" in page
        # without JavaScript a blank answer to it is fine when it does not apply
        assert _step(ben, "nerves", SAFE["nerves"]).status_code == 303


def test_questionnaire_items_show_what_the_answers_mean(app: FastAPI) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        odi = ben.page("/intake/step/odi").text
        for point in ("0: none, no problem", "1: slight", "2: moderate", "3: considerable"):
            assert point in odi
        assert "5: as bad as it gets" in odi
        assert "prefer not to answer" in odi
        startback = ben.page("/intake/step/startback").text
        assert ">agree<" in startback
        assert ">disagree<" in startback


def test_back_keeps_the_answers_of_the_page_and_of_the_one_before(app: FastAPI) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        assert _step(ben, "about", SAFE["about"]).headers["location"] == "/intake/step/where"
        back = _step(ben, "where", {"symptoms.side": "left"}, action="back")
        assert back.headers["location"] == "/intake/step/about"
        about = ben.page("/intake/step/about").text
        assert 'value="34"' in about
        where = ben.page("/intake/step/where").text
        assert re.search(r'value="left" checked', where)


def test_a_draft_survives_logging_out_and_in_again(app: FastAPI) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        _step(ben, "about", SAFE["about"])
        ben.page("/")
        ben.submit("/logout")
    with _ben(app) as again:
        start = again.page("/intake").text
        assert "Carry on where you left off" in start
        assert 'href="/intake/step/where"' in start
        assert 'value="34"' in again.page("/intake/step/about").text
        assert "Continue your answers" in again.page("/").text


def test_a_runner_never_sees_another_runners_draft(app: FastAPI, browser: Browser) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        _step(ben, "about", {"about.age_years": "61", "about.sex": "male"})
    start = browser.page("/intake").text  # Ana
    assert "Carry on where you left off" not in start
    assert browser.get("/intake/step/about", follow_redirects=False).status_code == 303
    browser.submit("/intake/start")
    about = browser.page("/intake/step/about").text
    assert 'value="61"' not in about


def test_the_review_lists_answers_in_plain_words_and_submitting_shows_the_disposition(
    app: FastAPI,
) -> None:
    with _ben(app) as ben:
        _answer_all(ben, SAFE)
        review = ben.page("/intake/review").text
        assert "Check your answers" in review
        assert "low back" in review
        assert "3 weeks" in review
        assert re.search(r"Usual weekly running distance, km</dt><dd>30</dd>", review)
        assert "Submit my answers" in review
        done = ben.submit("/intake/submit")
        assert done.headers["location"] == "/assessment"
        page = ben.page("/assessment").text
        first = page.index('class="disposition')
        assert first < page.index("Why")
        assert "See your plan" in page
        assert "Carry on where you left off" not in ben.page("/intake").text  # draft gone
        assert "Start a new assessment" in ben.page("/intake").text  # re-assessment


def test_an_emergency_answer_leads_with_the_action_and_shows_no_plan(app: FastAPI) -> None:
    answers = {**SAFE, "nerves": {**SAFE["nerves"]}}
    answers["nerves"]["red_flags.cauda_equina.saddle_numbness"] = "yes"
    with _ben(app) as ben:
        _answer_all(ben, answers)
        ben.submit("/intake/submit")
        page = ben.page("/assessment").text
        main = page[page.index("<main") :]
        assert 'class="disposition emergency"' in main
        assert main.index("Go to an emergency department now") < main.index("Why")
        assert 'role="alert"' in main
        body = main.split("</main>")[0]
        assert "See your plan" not in body
        assert 'href="/plan"' not in body
        assert "What your plan respects" not in body
        assert "/booking" not in body


def test_submitting_with_steps_missing_says_which_and_stores_nothing(
    app: FastAPI, world: SeedWorld
) -> None:
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        _step(ben, "about", SAFE["about"])
        ben.page("/intake/review")
        response = ben.submit("/intake/submit")
        assert response.status_code == 422
        assert "Please answer step 2" in response.text
    with app.state.session_factory() as session:
        stored = session.scalars(
            select(models.Intake).where(models.Intake.runner_id == world.other_runner_id)
        ).all()
        draft = session.get(models.IntakeDraft, world.other_runner_id)
    assert stored == []
    assert draft is not None  # the draft is kept for the runner to finish


def test_free_text_stays_inert_on_the_step_and_the_review(app: FastAPI) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with _ben(app) as ben:
        ben.page("/intake")
        ben.submit("/intake/start")
        assert _step(ben, "psfs", {"psfs.activities.0.name": evil, "psfs.activities.0.score": "4"})
        page = ben.page("/intake/step/psfs").text
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;" in page
        review = ben.page("/intake/review").text
        assert "<script>alert" not in review


def test_a_questionnaire_answered_again_appears_on_progress_with_the_change_that_counts(
    browser: Browser,
) -> None:
    listing = browser.page("/progress/answer").text
    for ident in ("nprs", "odi", "rmdq", "psfs", "startback"):
        assert f'href="/progress/answer/{ident}"' in listing
    form = browser.page("/progress/answer/nprs").text
    assert "0: no pain" in form
    assert "10: worst pain imaginable" in form
    answers = {f"nprs.items.{k}": "1" for k in ("now", "worst_24h", "least_24h", "average_24h")}
    answers |= {f"nprs.items.{k}": "skip" for k in ("during_run", "after_run", "next_morning")}
    response = browser.submit("/progress/answer/nprs", answers)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/progress?answered=nprs")
    progress = browser.page(response.headers["location"]).text
    assert "Your new Pain rating score is 1" in progress
    assert "real change" in progress


def test_a_questionnaire_with_a_missing_answer_re_renders_with_values_kept(
    browser: Browser,
) -> None:
    response = browser.submit("/progress/answer/odi", {"odi.items.1": "3"})
    assert response.status_code == 422
    assert re.search(r'name="odi.items.1" value="3" checked', response.text)
    assert 'id="f-odi-items-2-error"' in response.text


def test_the_intake_is_two_clicks_from_home_through_the_assessment_entry(reader: Browser) -> None:
    home = reader.page("/").text
    assert 'href="/assessment"' in home  # the navigation entry
    assessment = reader.page("/assessment").text
    assert 'href="/intake"' in assessment
    assert "Answer the questions again" in assessment
