"""``backstride intake`` (terminal questionnaire), ``intake schema`` and ``assess FILE``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.prompt import Prompt

from backstride.cli.interview import run_interview
from backstride.config import load_settings
from backstride.errors import InvalidInput, NotFound
from backstride.intake import (
    assess,
    assessment_to_dict,
    intake_json_schema,
    load_instruments,
    validate_intake,
)
from backstride.intake.document_text import Format, parse_document_text
from backstride.intake.form import Kind, Question, parse


class RichPrompter:
    """Asks on the terminal (or any stdin) with rich; re-asks until the answer is valid."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def ask(self, question: Question) -> Any:
        """The parsed answer; ``EOFError`` propagates (the caller aborts, writing nothing)."""
        hint = ""
        if question.kind in {Kind.CHOICE, Kind.MULTI}:
            hint = f" [dim]({', '.join(question.values)})[/dim]"
        elif question.kind is Kind.TRI:
            hint = " [dim](y/n/skip)[/dim]"
        elif question.kind is Kind.BOOL and question.default is not None:
            hint = f" [dim](y/n, default {'y' if question.default else 'n'})[/dim]"
        while True:
            raw = Prompt.ask(f"{question.text}{hint}", console=self.console, default="",
                             show_default=False)  # fmt: skip
            try:
                return parse(question, raw)
            except ValueError as exc:
                self.console.print(f"[red]{exc}[/red]")


def read_document(path: Path) -> dict[str, Any]:
    """Load an intake file (JSON, or YAML for .yaml/.yml); coded errors when unreadable.

    A key given twice is refused with its path, as an unknown field is (``intake.invalid``).
    """
    if not path.is_file():
        raise NotFound(f"no intake file at {path}", code="intake.file_not_found")
    fmt: Format = "yaml" if path.suffix in {".yaml", ".yml"} else "json"
    return parse_document_text(path.read_text(encoding="utf-8"), fmt=fmt, name=path.name)


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write JSON (or YAML for .yaml/.yml) via a temporary file, so nothing is half-written."""
    if path.suffix in {".yaml", ".yml"}:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(app: typer.Typer) -> None:
    """Attach ``intake`` (with ``schema``) and ``assess`` to ``app``."""
    intake_app = typer.Typer(help="Answer the intake questionnaire.", invoke_without_command=True)
    app.add_typer(intake_app, name="intake")

    @intake_app.callback()
    def intake(
        ctx: typer.Context,
        output: Annotated[
            Path | None,
            typer.Option(
                "-o", "--output", help="Save answers here (.json, .yaml); default: stdout."
            ),
        ] = None,
    ) -> None:
        """Ask the intake questions (prompts on stderr) and save the answers."""
        if ctx.invoked_subcommand is not None:
            return
        console = Console(stderr=True)
        settings = load_settings()
        instruments = load_instruments(settings.instrument_wording_dir)
        console.print(
            "[bold]backstride intake[/bold] - decision support, not a diagnosis. If you have "
            "new numbness around the saddle area or lose bladder/bowel control, seek emergency "
            "care now.\nPress Ctrl-D to abort; nothing is saved until the end."
        )
        try:
            raw = run_interview(RichPrompter(console), instruments)
        except (EOFError, KeyboardInterrupt):
            console.print("\n[yellow]aborted - nothing was written[/yellow]")
            raise typer.Exit(1) from None
        document = validate_intake(raw, instruments=instruments).model_dump(mode="json")
        if output is None:
            typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
            return
        write_atomically(output, document)
        console.print(f"answers saved to {output}; next: backstride assess {output}")

    @intake_app.command("schema")
    def schema() -> None:
        """Print the JSON Schema of the intake document."""
        typer.echo(json.dumps(intake_json_schema(), indent=2, ensure_ascii=False))

    @app.command("assess")
    def assess_cmd(
        file: Annotated[Path, typer.Argument(help="Intake answers (.json, .yaml).")],
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        save: bool = typer.Option(False, "--save", help="Store intake and assessment."),
        runner: str | None = typer.Option(None, "--runner", help="Runner name for --save."),
    ) -> None:
        """Score and triage an intake file: disposition, reasons with sources, scores."""
        from backstride.cli._context import open_session, utc_now
        from backstride.services.intake import submit_intake

        if save and not runner:
            raise InvalidInput("--save needs --runner NAME", code="cli.missing_option")
        document = read_document(file)
        now = utc_now()
        ids: dict[str, str] = {}
        if save and runner:
            with open_session(load_settings()) as session:
                out = submit_intake(session, runner_handle=runner, document=document, now=now)
            result = out.assessment
            ids = {"runner_id": out.runner_id, "intake_id": out.intake_id,
                   "assessment_id": out.assessment_id}  # fmt: skip
        else:
            result = assess(validate_intake(document), today=now.date())
        if as_json:
            typer.echo(json.dumps({**assessment_to_dict(result), **ids}, ensure_ascii=False))
            return
        from backstride.cli.render import render_assessment

        console = Console()
        render_assessment(console, result)
        if ids:
            console.print(f"saved: assessment {ids['assessment_id']} for runner {runner}")


__all__ = ["RichPrompter", "read_document", "register", "write_atomically"]
