"""A database already at the newest revision is only checked: Alembic is not even loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backstride.store.migrate import downgrade, head_revisions, upgrade, upgrade_if_needed


def test_the_heads_read_from_the_files_are_alembics_heads() -> None:
    from alembic.script import ScriptDirectory

    from backstride.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revisions() == frozenset(script.get_heads())


def test_upgrade_if_needed_migrates_a_new_or_older_database_and_only_checks_a_current_one(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert upgrade_if_needed(url) is True
    assert upgrade_if_needed(url) is False
    downgrade(url, "-1")
    assert upgrade_if_needed(url) is True
    upgrade(url)
    code = (
        "import sys\nfrom backstride.store.migrate import upgrade_if_needed\n"
        f"assert upgrade_if_needed({url!r}) is False\n"
        "print(any(m.split('.')[0] == 'alembic' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
