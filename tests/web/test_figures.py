"""Every exercise in the library has its own figure, drawn in one consistent style."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from backstride.plan.catalogue import load_catalogue
from backstride.web.figures import POSES, figure_svg


def test_every_exercise_of_the_library_has_a_figure() -> None:
    missing = sorted(set(load_catalogue()) - set(POSES))
    assert missing == []


def test_each_figure_is_a_decorative_svg_with_a_head_a_body_and_a_floor_or_water() -> None:
    for exercise_id in load_catalogue():
        svg = str(figure_svg(exercise_id))
        root = ET.fromstring(svg)
        assert root.get("aria-hidden") == "true"
        assert 'class="fig-head"' in svg
        assert 'class="fig-body"' in svg
        assert "fig-floor" in svg or "fig-water" in svg or "fig-prop" in svg
        assert "style=" not in svg


def test_figures_of_different_exercises_differ() -> None:
    drawings = {re.sub(r'data-exercise="[^"]*"', "", str(figure_svg(i))) for i in load_catalogue()}
    assert len(drawings) >= 50
