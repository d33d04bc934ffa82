"""A clinic's licensed wording replaces the own-words summaries; bad files are coded errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.errors import InvalidInput
from backstride.intake import load_instruments, shipped_instruments


def test_without_a_folder_the_shipped_summaries_are_used() -> None:
    assert load_instruments(None) is shipped_instruments()


def test_licensed_text_and_options_replace_the_summaries(tmp_path: Path) -> None:
    (tmp_path / "odi.yaml").write_text(
        "instrument: odi\ntitle: Licensed ODI\nitems:\n"
        "  1: {text: 'Licensed section one', options: [a, b, c, d, e, f]}\n"
        "  '2': Licensed section two\n",
        encoding="utf-8",
    )
    odi = load_instruments(tmp_path)["odi"]
    assert odi.title == "Licensed ODI"
    assert odi.item("1").text == "Licensed section one"
    assert odi.item("1").options == ("a", "b", "c", "d", "e", "f")
    assert odi.item("2").licensed
    assert odi.item("3").text == odi.item("3").topic


def test_unknown_items_and_instruments_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "odi.yaml").write_text("items:\n  '11': extra\n  x: other\n", encoding="utf-8")
    (tmp_path / "sf36.yaml").write_text("items: {}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_instruments(tmp_path)
    assert info.value.code == "wording.invalid"
    assert {p["path"] for p in info.value.problems} == {
        "odi.yaml.items.11",
        "odi.yaml.items.x",
        "sf36.yaml",
    }


def test_a_missing_folder_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_instruments(tmp_path / "nope")
