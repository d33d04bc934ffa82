"""Every ``clinical reference §N.N`` citation names a section of docs/clinical/reference.md, and
nothing cites the earlier working notes that lived outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "docs" / "clinical" / "reference.md"
SCANNED = ("src", "tests", "docs", "bench", "README.md")
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".html", ".j2", ".cfg", ".ini"}

HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)*)[.\s]", re.MULTILINE)
NUMBER = r"§\s?\d+(?:\.\d+)*(?:\s*[-–]\s*\d+(?:\.\d+)*)?"
CITATION = re.compile(rf"clinical\s+reference\s+({NUMBER}(?:\s*(?:,|/|&|\band\b)\s*{NUMBER})*)")
OLD_NOTES = re.compile(r"clinical(?:-rules)?\.md")


def sections() -> set[str]:
    """Section numbers that are headings of the reference."""
    return set(HEADING.findall(REFERENCE.read_text(encoding="utf-8")))


def cited(text: str) -> list[str]:
    """Every section number a text cites (both ends of a range), in order."""
    out: list[str] = []
    for match in CITATION.finditer(text):
        for number in re.findall(NUMBER, match.group(1)):
            out += [end.strip() for end in re.split(r"[-–]", number.lstrip("§ "))]
    return out


def _files() -> list[Path]:
    """Text files under the scanned folders (the activity corpus has no prose to check)."""
    found = []
    for root in SCANNED:
        base = REPO / root
        for path in [base] if base.is_file() else sorted(base.rglob("*")):
            skip = "__pycache__" in path.parts or path.is_relative_to(REPO / "tests" / "data")
            if path.is_file() and path.suffix in TEXT and not skip:
                found.append(path)
    return found


FILES = _files()


def test_the_reference_has_every_top_level_section_from_0_to_10() -> None:
    assert {str(n) for n in range(11)} <= sections()


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("(clinical reference §5.5)", ["5.5"]),
        ("clinical reference §0 and §1.2 step 3", ["0", "1.2"]),
        ("clinical reference §5.1, §7.1, §7.4: guardrail", ["5.1", "7.1", "7.4"]),
        ("clinical reference\n    §2.4, after De Souza", ["2.4"]),
        ("clinical reference §5.5-5.7 and §4.0/§4.3", ["5.5", "5.7", "4.0", "4.3"]),
        ("the clinical reference implies", []),
    ],
)
def test_citations_are_read_with_their_lists_and_ranges(text: str, numbers: list[str]) -> None:
    assert cited(text) == numbers


def test_every_cited_section_is_a_heading_of_the_reference() -> None:
    known = sections()
    missing, count = [], 0
    for path in FILES:
        for number in cited(path.read_text(encoding="utf-8")):
            count += 1
            if number not in known:
                missing.append(f"{path.relative_to(REPO)}: §{number}")
    assert count > 0
    assert not missing, "cited sections that are not headings of reference.md:\n" + "\n".join(
        missing
    )


def test_nothing_cites_the_old_working_notes() -> None:
    stale = [
        f"{path.relative_to(REPO)}:{n}"
        for path in FILES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OLD_NOTES.search(line)
    ]
    assert not stale, (
        "cite the clinical reference instead (scripts/cite-clinical-reference.py):\n"
        + ("\n".join(stale))
    )
