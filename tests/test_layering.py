"""The layering contract (pyproject ``[tool.importlinter]``, docs/readme/architecture.md)
holds, and it really checks: an import that breaks a contract is reported."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_every_layering_contract_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_the_contract_names_every_pure_stage() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    pure = next(c for c in config["contracts"] if c["name"].startswith("Pure stages"))
    stages = {"intake", "ingest", "analytics", "plan", "clinic"}
    assert set(pure["source_modules"]) == {f"backstride.{s}" for s in stages}
    assert {"backstride.store", "backstride.services", "backstride.api"} <= set(
        pure["forbidden_modules"]
    )


def test_an_import_against_a_contract_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A contract the code breaks today (the API does use services) fails the check."""
    config = tmp_path / ".importlinter"
    config.write_text(
        "[importlinter]\nroot_package = backstride\n\n"
        "[importlinter:contract:demo]\nname = API without services\ntype = forbidden\n"
        "source_modules = backstride.api\nforbidden_modules = backstride.services\n"
    )
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(config), no_cache=True) == 1


MIGRATIONS = sorted((ROOT / "src/backstride/store/migrations/versions").glob("*.py"))
COLUMN_TYPES = {"backstride.store.base"}
"""The one application module a migration may import: the column types its tables were
written with (``UTCDateTime``); everything a migration computes is copied into it (frozen)."""


@pytest.mark.parametrize("revision", MIGRATIONS, ids=lambda p: p.stem)
def test_a_migration_imports_no_application_code(revision: Path) -> None:
    tree = ast.parse(revision.read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {m for m in imported if m.startswith("backstride")} <= COLUMN_TYPES
