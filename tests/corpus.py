"""The activity corpora the tests read: the small local one, and the extended shared one.

- **local** (``tests/data/activities``): redistributable real files, files derived from them and
  files built with the project's own writers; every file's source and licence are in its
  ``SOURCES.md``. The default suite needs nothing else.
- **extended**: the full shared corpus, ``<repo>/../shared/data/activities`` or the folder named
  by ``BACKSTRIDE_SHARED_CORPUS``. Tests over it run when it is present. When it is absent they
  skip, all with one reason that says where it was looked for (one line of pytest's ``-ra``
  summary); with ``BACKSTRIDE_REQUIRE_EXTENDED=1`` (CI, which has it) they fail instead.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
LOCAL_ROOT = REPO / "tests" / "data" / "activities"
EXTENDED_ENV = "BACKSTRIDE_SHARED_CORPUS"
REQUIRE_ENV = "BACKSTRIDE_REQUIRE_EXTENDED"


def extended_root(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the extended corpus is looked for: the env var, else ``../shared`` of the repo."""
    override = environ.get(EXTENDED_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return (REPO.parent / "shared" / "data" / "activities").resolve()


@dataclass(frozen=True)
class Corpus:
    """One corpus folder and its ``reference.json`` (peer-library values per file key)."""

    label: str
    root: Path

    @cached_property
    def reference(self) -> dict[str, Any]:
        files: dict[str, Any] = json.loads((self.root / "reference.json").read_text())["files"]
        return files

    def path(self, key: str) -> Path:
        """The file of a corpus key such as ``fit/x.fit``."""
        return self.root / key

    def read(self, key: str) -> bytes:
        """A file's bytes, gunzipped when the key ends in ``.gz``."""
        raw = self.path(key).read_bytes()
        return gzip.decompress(raw) if key.endswith(".gz") else raw

    def keys(self, fmt: str, category: str = "good") -> list[str]:
        """Keys of one format and category in ``reference.json``, sorted."""
        return sorted(
            k for k, v in self.reference.items() if v["format"] == fmt and v["category"] == category
        )

    def broken(self) -> list[str]:
        """Every file under ``broken/`` (from the folder, so new ones are not missed)."""
        return sorted(f"broken/{p.name}" for p in (self.root / "broken").iterdir())


LOCAL = Corpus("local", LOCAL_ROOT)
EXTENDED_ROOT = extended_root()
EXTENDED = (
    Corpus("extended", EXTENDED_ROOT) if (EXTENDED_ROOT / "reference.json").is_file() else None
)
ABSENT = f"extended corpus absent at {EXTENDED_ROOT} (set {EXTENDED_ENV} to point elsewhere)"
CORPORA = ("local", "extended")
"""Labels for tests parametrised over both corpora."""


def extended() -> Corpus:
    """The extended corpus; when it is absent, a skip (or, where it is required, a failure)."""
    if EXTENDED is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{ABSENT}, and {REQUIRE_ENV}=1 requires it")
        pytest.skip(ABSENT)
    return EXTENDED


def corpus(label: str) -> Corpus:
    """The corpus of a label in :data:`CORPORA`."""
    return LOCAL if label == "local" else extended()


@dataclass(frozen=True)
class CorpusFile:
    """One file of one corpus, as a test parameter (the extended one resolved when used)."""

    label: str
    corpus_key: str

    @property
    def corpus(self) -> Corpus:
        return corpus(self.label)

    @property
    def key(self) -> str:
        """The key in the corpus (resolving the corpus first: absent -> skip)."""
        return self.corpus_key if self.corpus else ""

    @property
    def path(self) -> Path:
        return self.corpus.path(self.key)

    @property
    def name(self) -> str:
        return self.path.name

    def read(self) -> bytes:
        return self.corpus.read(self.key)

    @property
    def expected(self) -> dict[str, Any]:
        """The file's peer-library reference values."""
        values: dict[str, Any] = self.corpus.reference[self.key]["reference"]
        return values


def each_file(select: Callable[[Corpus], Iterable[str]]) -> list[Any]:
    """Parameters: the selected files of the local corpus, then of the extended one (or a
    single placeholder that skips with :data:`ABSENT` when it is absent)."""
    params = [pytest.param(CorpusFile("local", k), id=f"local:{k}") for k in select(LOCAL)]
    if EXTENDED is None:
        return [*params, pytest.param(CorpusFile("extended", ""), id="extended")]
    return params + [
        pytest.param(CorpusFile("extended", k), id=f"extended:{k}") for k in select(EXTENDED)
    ]


def named(*, local: Iterable[str] = (), extended: Iterable[str] = ()) -> list[Any]:
    """Parameters for named files: these of the local corpus, these of the extended one."""
    return each_file(lambda c: list(local if c.label == "local" else extended))


__all__ = [
    "ABSENT",
    "CORPORA",
    "EXTENDED",
    "LOCAL",
    "LOCAL_ROOT",
    "Corpus",
    "CorpusFile",
    "corpus",
    "each_file",
    "extended",
    "extended_root",
    "named",
]
