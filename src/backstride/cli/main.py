"""Entry point of the ``backstride`` command: the Typer app, error rendering and exit codes.

Every :class:`~backstride.errors.BackstrideError` becomes exit code 2 with its code and
detail (as ``{"error": {...}}`` JSON when the command was asked for JSON).

Start-up is kept short (``backstride --help`` and ``backstride version`` well under 0.25 s,
bench/cli_startup.py): a command's module, and with it the service layer, SQLAlchemy, numpy,
scipy, matplotlib or WeasyPrint, is imported only when that command runs. ``COMMANDS`` names
each top-level command's module and one-line help (what ``--help`` lists without importing
anything); a test checks the table against what the modules register.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import sys
import threading
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from backstride import __version__
from backstride.errors import BackstrideError

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("backstride.cli.demo", "Set up the database and show the demo runner's journey."),
    "serve": (
        "backstride.cli.server",
        "Migrate the database and serve the web app (/) and the API (docs at /api/v1/docs).",
    ),
    "worker": (
        "backstride.cli.server",
        "Run import jobs and send due e-mail (several workers may share a PostgreSQL queue).",
    ),
    "import": (
        "backstride.cli.ingest",
        "Import activity files (FIT, GPX, TCX, .gz) and Strava/Garmin exports.",
    ),
    "assess": (
        "backstride.cli.intake",
        "Score and triage an intake file: disposition, reasons with sources, scores.",
    ),
    "load": (
        "backstride.cli.load",
        "Training load: this week, the last 4 weeks and flags (context, not diagnosis).",
    ),
    "report": (
        "backstride.cli.load",
        "Write the runner's training-load report (charts, flags, shoes, pain) as HTML or PDF.",
    ),
    "log": ("backstride.cli.plan", "Record a session with its pain scores (0-10)."),
    "config": ("backstride.cli.system", "Show configuration."),
    "db": ("backstride.cli.system", "Database maintenance."),
    "admin": (
        "backstride.cli.server",
        "Create clinics, clinicians and admins; read the audit log.",
    ),
    "activities": ("backstride.cli.ingest", "Stored activities and single-file inspection."),
    "intake": ("backstride.cli.intake", "Answer the intake questionnaire."),
    "plan": ("backstride.cli.plan", "The training plan."),
    "clinic": ("backstride.cli.clinic", "Clinic booking: set-up and the front desk."),
}
"""Top-level command -> (module whose ``register(app)`` defines it, one-line help)."""

COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))
"""Each module registers its commands on a Typer app through a ``register(app)`` function."""


class _QuickHelp:
    """The help option without typer's value coercion when it is absent (``None``): that
    coercion imports pydantic (~0.1 s) on every command line, even ``backstride version``."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and not getattr(option, "_quick", False):
            original = option.process_value

            def process_value(ctx: Any, value: Any) -> Any:
                return original(ctx, False if value is None else value)

            option.process_value = process_value
            option._quick = True
        return option


class QuickHelpCommand(_QuickHelp, TyperCommand):
    """A Typer command whose absent ``--help`` costs nothing (see ``_QuickHelp``)."""


class LazyGroup(_QuickHelp, TyperGroup):
    """A Typer group that imports a command's module the first time the command is needed.

    Listing the commands (``--help``) uses ``COMMANDS`` and imports nothing; a name not in the
    table (a command added to a module but not to the table) loads every module, so it still
    works, only slower.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()
        self._listing = False

    def _load(self, module: str) -> None:
        if module in self._loaded:
            return
        self._loaded.add(module)
        sub = typer.Typer()
        importlib.import_module(module).register(sub)
        group = typer.main.get_group(sub)
        for name, command in group.commands.items():
            self.commands.setdefault(name, command)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(dict.fromkeys([*self.commands, *COMMANDS]))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = self.commands.get(cmd_name)
        if found is not None:
            return found
        if cmd_name in COMMANDS:
            module, help_text = COMMANDS[cmd_name]
            if self._listing:
                return TyperCommand(cmd_name, help=help_text, short_help=help_text)
            self._load(module)
        else:
            for module in COMMAND_MODULES:
                self._load(module)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="backstride",
    help="Runner low-back-pain prevention and recovery. Decision support, not diagnosis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
)


@app.callback()
def _root() -> None:
    """backstride: decision support for runners' low back pain, not a diagnosis.

    In an emergency (new numbness around the saddle area, loss of bladder or bowel control,
    weakness in both legs) call the emergency number or go to an emergency department now.
    """


@app.command("version", cls=QuickHelpCommand)
def version() -> None:
    """Print the backstride version."""
    typer.echo(__version__)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; coded errors exit 2 and print ``{"error": {"code", "detail"}}`` for --json."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="backstride")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BackstrideError as exc:
        render_error(exc, as_json="--json" in args)
        return 2
    return 0


def run() -> NoReturn:
    """The ``backstride`` command (console script): ``main``, then ``exit_now``."""
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without the interpreter's teardown.

    At exit CPython frees every object of every module one by one: after an import (numpy,
    SQLAlchemy, lxml and the parsed files loaded) that took 0.17-0.25 s of CPU, a sixth of a
    small import's time (docs/decisions/0077). Everything a normal exit does for our code still
    happens: the ``atexit`` handlers (logging's flush, ``weakref.finalize`` of temporary
    folders, multiprocessing's clean-up) run, then stdout and stderr are flushed. Only when no
    other thread runs: a normal exit waits for non-daemon threads, which this would cut short.
    """
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): as CPython's own exit
            code = code or 120
    os._exit(code)


def render_error(exc: BackstrideError, *, as_json: bool) -> None:
    """Show a coded error: JSON on stdout for machines, a readable panel on stderr for people."""
    if as_json:
        sys.stdout.write(json.dumps({"error": exc.to_dict()}, ensure_ascii=False) + "\n")
        return
    from rich.console import Console

    console = Console(stderr=True)
    console.print(f"[bold red]error[/bold red] [dim]{exc.code}[/dim]: {exc.detail}")
    for problem in exc.problems:
        path = problem.get("path", "")
        console.print(f"  • [cyan]{path}[/cyan] {problem.get('msg', '')}")


if __name__ == "__main__":  # pragma: no cover
    run()
