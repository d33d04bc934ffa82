"""The local test corpus is complete, redistributable, reproducible and small; the extended one
is found where it should be and, when absent, says so."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from backstride.errors import BackstrideError
from backstride.ingest.registry import read_activity
from tests import corpus as corpora
from tests.corpus import LOCAL, LOCAL_ROOT, REPO, extended_root
from tests.data.make_corpus import ALLOWED_LICENCES, LICENCE_FILES, made_files

SOURCES: list[dict[str, Any]] = json.loads((LOCAL_ROOT / "sources.json").read_text())
BY_FILE = {row["file"]: row for row in SOURCES}
DOCUMENTS = {"SOURCES.md", "sources.json", "reference.json"}


def _on_disk() -> dict[str, Path]:
    return {
        p.relative_to(LOCAL_ROOT).as_posix(): p
        for p in LOCAL_ROOT.rglob("*")
        if p.is_file() and p.name not in DOCUMENTS and "LICENSES" not in p.parts
    }


def test_every_file_is_listed_with_its_size_and_sha256() -> None:
    files = _on_disk()
    assert set(files) == set(BY_FILE)
    for key, path in files.items():
        data = path.read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (
            BY_FILE[key]["size"],
            BY_FILE[key]["sha256"],
        ), key


def test_every_file_may_be_redistributed_and_its_licence_texts_are_beside_it() -> None:
    for row in SOURCES:
        assert row["licence"].split(" ")[0] in ALLOWED_LICENCES, row["file"]
        if row["repo"] is not None:
            for name in LICENCE_FILES[row["repo"]]:
                assert (LOCAL_ROOT / "LICENSES" / name).stat().st_size > 500, name


def test_copied_files_name_their_repository_path_and_commits() -> None:
    copied = [row for row in SOURCES if row["kind"] == "copied"]
    assert copied
    for row in copied:
        assert row["repo"].count("/") == 1
        assert row["path"]
        assert len(row["last_commit"]) == len(row["head"]) == 40, row["file"]


def test_derived_and_built_files_are_made_again_byte_for_byte() -> None:
    made = made_files()
    assert {k for k, m in made.items() if m.kind == "built"} == {
        r["file"] for r in SOURCES if r["kind"] == "built"
    }
    for key, m in made.items():
        assert (LOCAL_ROOT / key).read_bytes() == m.data, key
        assert BY_FILE[key]["derived_from"] == m.source


def test_the_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in LOCAL_ROOT.rglob("*") if p.is_file())
    assert total < 3_000_000


def test_sources_md_names_every_file() -> None:
    text = (LOCAL_ROOT / "SOURCES.md").read_text()
    missing = [key for key in BY_FILE if f"`{key}`" not in text]
    assert not missing


def test_every_copied_recording_has_its_peer_reference_values() -> None:
    for row in SOURCES:
        if row["kind"] == "copied" and not row["file"].startswith("broken/"):
            entry = LOCAL.reference[row["file"]]
            assert entry["source"]["sha256"] == row["sha256"]
            assert entry["reference"], row["file"]


def _activities(key: str) -> list[Any]:
    return list(read_activity(LOCAL.path(key)))


def test_the_corpus_covers_each_format_feature_the_tests_read() -> None:
    fit = [k for k in BY_FILE if k.startswith("fit/")]
    legs = {k: _activities(k) for k in fit}
    assert any(a.has_running_dynamics for acts in legs.values() for a in acts)
    assert any(len(acts) > 1 for acts in legs.values())  # multisport FIT
    developer = legs["fit/fitparse__developer-types-sample.fit"][0]
    assert developer.avg_power_w is not None  # power only as a developer field
    assert any(k.endswith(".fit.gz") for k in fit)
    assert len(_activities("tcx/built__duathlon.multisport.tcx")) == 3
    with pytest.raises(BackstrideError) as course:
        read_activity(LOCAL.path("tcx/togeojson__tcx-courses.tcx"))
    assert course.value.code == "ingest.not_an_activity"
    broken = {Path(k).suffixes[0] for k in BY_FILE if k.startswith("broken/")}
    assert {".fit", ".gpx", ".tcx"} <= broken


def test_the_extended_corpus_is_looked_for_beside_the_repository_or_where_the_env_says() -> None:
    assert extended_root({}) == (REPO.parent / "shared" / "data" / "activities").resolve()
    assert extended_root({"BACKSTRIDE_SHARED_CORPUS": "/data/corpus"}) == Path("/data/corpus")


def test_an_absent_extended_corpus_is_a_skip_that_says_where_it_was_looked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(corpora, "EXTENDED", None)
    monkeypatch.delenv("BACKSTRIDE_REQUIRE_EXTENDED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="extended corpus absent at /"):
        corpora.extended()


def test_an_absent_extended_corpus_fails_where_it_is_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(corpora, "EXTENDED", None)
    monkeypatch.setenv("BACKSTRIDE_REQUIRE_EXTENDED", "1")
    with pytest.raises(pytest.fail.Exception, match="requires it"):
        corpora.extended()
