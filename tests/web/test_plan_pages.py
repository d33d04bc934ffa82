"""The plan page: this week by day, strength cards with the library's figures and words,
the why with its source, the calendar file and a private link that can be stopped."""

from __future__ import annotations

import re

from backstride.plan.catalogue import load_catalogue
from tests.web.conftest import Browser


def test_the_plan_shows_this_week_with_today_marked(reader: Browser) -> None:
    page = reader.page("/plan")
    assert "Week 2 of 8" in page.text
    assert 'class="day today"' in page.text
    assert "Previous week" in page.text
    assert "Next week" in page.text


def test_a_strength_card_shows_each_exercise_with_dose_how_cue_mistake_and_figure(
    reader: Browser,
) -> None:
    text = ""
    for week in range(8):
        text = reader.page(f"/plan?week={week}").text
        if 'class="exercise"' in text:
            break
    cards = re.findall(r'<div class="exercise">(.*?)</dl>', text, re.S)
    assert cards, "a week with strength"
    names = {e.name for e in load_catalogue().values()}
    for card in cards:
        assert "<svg" in card
        assert "data-exercise=" in card
        assert any(name in card for name in names)
        assert "<dt>How</dt>" in card
        assert "<dt>Cue</dt>" in card
        assert re.search(r'class="dose">[^<]*(×|min)', card)


def test_the_why_names_its_sources(reader: Browser) -> None:
    page = reader.page("/plan")
    assert "How your plan was made" in page.text
    assert "clinical reference §" in page.text


def test_the_calendar_file_downloads_without_health_details(reader: Browser) -> None:
    response = reader.get("/plan.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    assert b"BEGIN:VCALENDAR" in response.content
    assert b"pain" not in response.content.lower()


def test_a_private_link_is_shown_once_works_without_logging_in_and_can_be_stopped(
    browser: Browser,
) -> None:
    browser.page("/plan")
    made = browser.submit("/plan/calendar-link")
    assert made.status_code == 200
    url = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', made.text)
    assert url is not None
    path = url.group(1).replace("http://testserver", "")
    page = browser.page("/plan")
    assert path not in page.text
    assert "A private subscription link is active" in page.text
    with Browser(browser.app, base_url="http://testserver") as stranger:
        assert stranger.get(path).status_code == 200
        wrong = path[:-8] + "AAAA.ics"
        assert stranger.get(wrong).status_code == 404
        browser.submit("/plan/calendar-link/revoke")
        assert stranger.get(path).status_code == 404


def test_a_new_link_ends_the_old_one(browser: Browser) -> None:
    browser.page("/plan")
    first = re.search(r"/calendar/[^\"]+\.ics", browser.submit("/plan/calendar-link").text)
    second = re.search(r"/calendar/[^\"]+\.ics", browser.submit("/plan/calendar-link").text)
    assert first
    assert second
    assert first.group(0) != second.group(0)
    assert browser.get(first.group(0)).status_code == 404
    assert browser.get(second.group(0)).status_code == 200


def test_a_runner_makes_a_new_plan_from_the_form(browser: Browser) -> None:
    browser.page("/plan")
    response = browser.submit("/plan", {"weeks": "4", "start_date": "2026-11-30"})
    assert response.status_code == 303
    page = browser.page("/plan")
    assert "of 4" in page.text


def test_a_plan_of_zero_weeks_is_refused_beside_the_field(browser: Browser) -> None:
    browser.page("/plan")
    response = browser.submit("/plan", {"weeks": "0"})
    assert response.status_code == 422
    assert "Must be 1 or more" in response.text


def test_how_to_steps_are_open_on_today_and_folded_on_other_days(reader: Browser) -> None:
    """The phone page was 10,000 px tall with every exercise's steps spelled out: other days
    fold them behind 'How to do it'; today's stay open for the session at hand."""
    text = reader.page("/plan").text
    days = re.findall(
        r'<div class="day( today)?">(.*?)(?=<div class="day(?: today)?">|\Z)', text, re.S
    )
    opened = [body for today, body in days if today and 'class="how-to"' in body]
    folded = [body for today, body in days if not today and 'class="how-to"' in body]
    assert opened, "today has a strength session in the seeded week"
    assert folded, "another day of the week has one too"
    assert all('class="how-to" open' in body for body in opened)
    assert all('class="how-to" open' not in body for body in folded)
    assert all("How to do it" in body for body in opened + folded)
