"""Every error code raised anywhere in src/ is in the catalogue (backstride.error_codes), every
catalogue entry is raised somewhere (or marked reserved / built at run time), and the generated
docs/readme/errors.md is current."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

from backstride.error_codes import BY_CODE, CATALOGUE, render_markdown
from backstride.ingest.errors import INGEST_CODES

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "backstride"
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def _strings(node: ast.expr) -> Iterator[str]:
    """String constants a code expression can take (``a if x else b`` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


ERROR_BUILDERS = {"_problem": 0, "Refusal": 0, "ingest_error": 0}
"""Callables that take an error code by position (``_problem(code, path, msg)`` in booking
set-up, ``Refusal(code, detail, action)`` in clinic eligibility); other callables with a
``code`` argument (plan decisions, load flags) carry codes that are not errors."""


def _code_positions(trees: list[ast.Module]) -> dict[str, int]:
    """Callable name -> position of its ``code`` parameter or dataclass field."""
    positions: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                names = [n for n in names if n not in ("self", "cls")]
            elif isinstance(node, ast.ClassDef):
                names = [
                    s.target.id
                    for s in node.body
                    if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                ]
            else:
                continue
            if node.name in ERROR_BUILDERS and "code" in names:
                positions[node.name] = names.index("code")
    return positions


def _codes_at(node: ast.AST, positions: dict[str, int]) -> Iterator[str]:
    """The code strings one AST node puts at a raise site (none for most nodes)."""
    if isinstance(node, ast.Call):
        for kw in node.keywords:
            if kw.arg == "code":
                yield from _strings(kw.value)
        at = positions.get(getattr(node.func, "id", getattr(node.func, "attr", "")))
        if at is not None and len(node.args) > at:
            yield from _strings(node.args[at])
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "code":
                yield from _strings(value)
    elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if names & {"default_code", "code"}:
            yield from _strings(node.value)
        if any(n.endswith("_CODES") for n in names) and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                yield from _strings(value)


@functools.cache
def raised_codes() -> dict[str, set[str]]:
    """Code -> files, from every raise site form the source uses: ``code="..."`` keywords,
    a code given by position to an error builder, ``default_code`` of an error class, a
    ``{"code": "..."}`` wire dict, a ``code = ...`` variable, a ``*_CODES`` mapping of HTTP
    codes, and the ingest catalogue's constants."""
    files = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in files]
    positions = _code_positions(trees)
    found: dict[str, set[str]] = {}
    for path, tree in zip(files, trees, strict=True):
        for node in ast.walk(tree):
            for value in _codes_at(node, positions):
                if CODE.match(value):
                    found.setdefault(value, set()).add(str(path.relative_to(SRC)))
    for code in INGEST_CODES:
        found.setdefault(code, set()).add("ingest/errors.py")
    return found


def test_every_raised_code_is_in_the_catalogue() -> None:
    missing = {code: sorted(where) for code, where in raised_codes().items() if code not in BY_CODE}
    assert missing == {}


def test_every_catalogue_entry_is_raised_reserved_or_built() -> None:
    raised = raised_codes()
    unused = [e.code for e in CATALOGUE if e.code not in raised and not (e.reserved or e.built)]
    assert unused == []


def test_reserved_and_built_entries_say_so_truly() -> None:
    raised = raised_codes()
    assert [e.code for e in CATALOGUE if e.reserved and e.code in raised] == []
    assert [e.code for e in CATALOGUE if e.built and e.code in raised] == []


def test_the_error_builders_still_take_their_code_where_the_scan_looks() -> None:
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in SRC.rglob("*.py")]
    assert _code_positions(trees) == ERROR_BUILDERS


def test_the_scan_sees_the_raise_site_forms() -> None:
    """One code of each form, so a scanner that stopped seeing a form fails here."""
    raised = raised_codes()
    assert "booking.in_past" in raised  # code="..." keyword
    assert "booking.refused_emergency" in raised  # Refusal("...", ...) by position
    assert "booking.invalid_hours" in raised  # _problem("...", ...) by position
    assert "booking.too_late_to_cancel" in raised  # code="a" if ... else "b"
    assert "service.busy" in raised  # {"code": "...", "detail": ...}
    assert "route.method_not_allowed" in raised  # _HTTP_CODES mapping
    assert "account.invalid_email" in raised  # code = (... if ... else ...)
    assert "backup.corrupt" in raised  # default_code


def test_codes_are_unique_dotted_and_have_a_real_status() -> None:
    codes = [e.code for e in CATALOGUE]
    assert len(codes) == len(set(codes))
    assert [c for c in codes if not CODE.match(c)] == []
    statuses = {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503}
    assert {e.status for e in CATALOGUE} <= statuses


def test_docs_errors_md_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "readme" / "errors.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: .venv/bin/python scripts/errors_md.py"
