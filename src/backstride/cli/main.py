"""Entry point of the ``backstride`` command: the Typer app, error rendering and exit codes.

Every :class:`~backstride.errors.BackstrideError` becomes exit code 2 with its code and
detail (as ``{"error": {...}}`` JSON when the command was asked for JSON).
"""

from __future__ import annotations

import importlib
import json
import sys

import typer
from rich.console import Console

from backstride import __version__
from backstride.errors import BackstrideError

app = typer.Typer(
    name="backstride",
    help="Runner low-back-pain prevention and recovery. Decision support, not diagnosis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Each module registers its commands on ``app`` through a ``register(app)`` function.
COMMAND_MODULES: tuple[str, ...] = (
    "backstride.cli.system",
    "backstride.cli.demo",
    "backstride.cli.server",
    "backstride.cli.ingest",
    "backstride.cli.intake",
    "backstride.cli.load",
    "backstride.cli.plan",
    "backstride.cli.clinic",
)


@app.callback()
def _root() -> None:
    """backstride: decision support for runners' low back pain, not a diagnosis.

    In an emergency (new numbness around the saddle area, loss of bladder or bowel control,
    weakness in both legs) call the emergency number or go to an emergency department now.
    """


@app.command("version")
def version() -> None:
    """Print the backstride version."""
    typer.echo(__version__)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


_register_all()


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


def render_error(exc: BackstrideError, *, as_json: bool) -> None:
    """Show a coded error: JSON on stdout for machines, a readable panel on stderr for people."""
    if as_json:
        sys.stdout.write(json.dumps({"error": exc.to_dict()}, ensure_ascii=False) + "\n")
        return
    console = Console(stderr=True)
    console.print(f"[bold red]error[/bold red] [dim]{exc.code}[/dim]: {exc.detail}")
    for problem in exc.problems:
        path = problem.get("path", "")
        console.print(f"  • [cyan]{path}[/cyan] {problem.get('msg', '')}")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
