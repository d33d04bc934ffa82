"""Start-up stays light: the CLI imports a command's heavy modules only when it runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import typer

from backstride import __version__
from backstride.cli import main as cli_main

HEAVY = ("scipy", "matplotlib", "sqlalchemy", "weasyprint", "numpy", "fastapi", "pandas", "lxml")


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY or m.startswith("backstride.services")}


def test_importing_the_cli_entry_point_imports_no_heavy_module() -> None:
    assert _heavy(_modules_after("import backstride.cli.main")) == set()


def test_version_and_help_run_without_importing_a_command_module() -> None:
    for argv in (["version"], ["--help"]):
        code = (
            "from backstride.cli.main import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass"
        )
        loaded = _modules_after(code)
        assert _heavy(loaded) == set(), argv
        assert not {
            m for m in loaded if m.startswith("backstride.cli.") and m != "backstride.cli.main"
        }


def test_help_lists_every_command_with_its_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "backstride.cli.main", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "200", "PATH": ""},
    ).stdout
    for name in cli_main.COMMANDS:
        assert f" {name} " in out, name


def test_the_command_table_matches_what_each_module_registers() -> None:
    registered: dict[str, tuple[str, str]] = {}
    for module in cli_main.COMMAND_MODULES:
        app = typer.Typer()
        __import__(module, fromlist=["register"]).register(app)
        for name, command in typer.main.get_group(app).commands.items():
            registered[name] = (module, command.get_short_help_str(limit=500))
    assert registered == cli_main.COMMANDS


def test_the_public_library_names_still_import_on_first_use() -> None:
    loaded = _modules_after("import backstride\nbackstride.read_activity")
    assert "backstride.ingest.registry" in loaded


def test_import_as_json_does_not_load_rich(tmp_path: Path) -> None:
    from tests.ingest import builders

    folder = tmp_path / "runs"
    folder.mkdir()
    for i in range(2):
        start = builders.START + dt.timedelta(days=i)
        (folder / f"run{i}.gpx").write_bytes(builders.gpx(n=30, start=start))
    code = (
        "from backstride.cli.main import main\n"
        f"try:\n    main(['import', {str(folder)!r}, '--json'])\nexcept SystemExit:\n    pass"
    )
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "BACKSTRIDE_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout
    *report, modules = out.splitlines()
    assert json.loads("\n".join(report))["imported"] == 2
    assert not {m for m in json.loads(modules) if m.split(".")[0] == "rich"}


def test_exit_now_keeps_the_exit_code_the_atexit_handlers_and_buffered_output(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "marker"
    script = (
        "import atexit, sys\n"
        "from backstride.cli.main import exit_now\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'w').write('atexit ran'))\n"
        "sys.stdout.write('no newline, still buffered')\n"
        "sys.stderr.write('to stderr')\n"
        "exit_now(3)\n"
        "print('never printed')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stdout == "no newline, still buffered"
    assert done.stderr == "to stderr"
    assert marker.read_text() == "atexit ran"


def test_exit_now_waits_for_a_running_thread_as_a_normal_exit_does(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    script = (
        "import threading, time\n"
        "from backstride.cli.main import exit_now\n"
        "def late():\n"
        "    time.sleep(0.3)\n"
        f"    open({str(marker)!r}, 'w').write('thread finished')\n"
        "threading.Thread(target=late).start()\n"
        "exit_now(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "thread finished"


def test_the_console_script_ends_through_exit_now() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "backstride"]
    assert script.value == "backstride.cli.main:run"
    done = subprocess.run(
        [sys.executable, "-c", "from backstride.cli.main import run; run()", "version"],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout.strip()) == (0, __version__)
