"""``backstride intake`` (terminal questionnaire), ``intake schema`` and ``assess FILE``."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console

from backstride.cli.interview import MAX_RECHECKS, Interview
from backstride.cli.prompter import RichPrompter
from backstride.config import load_settings
from backstride.errors import InvalidInput, NotFound
from backstride.intake import (
    assess,
    assessment_to_dict,
    intake_json_schema,
    load_instruments,
    validate_intake,
)
from backstride.intake.catalog import InstrumentDef
from backstride.intake.document_text import Format, parse_document_text
from backstride.intake.form import AnswerError, Draft, draft_from_dict
from backstride.intake.questions import intake_sections

intake_app = typer.Typer(help="Answer the intake questionnaire.", invoke_without_command=True)


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


def default_draft_path(output: Path | None) -> Path:
    """``OUTPUT.draft.json`` beside the output, or ``intake-draft.json`` here."""
    if output is None:
        return Path("intake-draft.json")
    return output.with_name(f"{output.name}.draft.json")


def read_draft(path: Path) -> Draft:
    """A draft written when an interview ended early (``intake.draft_invalid`` if it is not)."""
    if not path.is_file():
        raise NotFound(f"no intake draft at {path}", code="intake.draft_not_found")
    try:
        return draft_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, AnswerError) as exc:
        raise InvalidInput(
            f"{path.name} is not an intake draft: {exc}", code="intake.draft_invalid"
        ) from exc


def save_draft(console: Console, interview: Interview, path: Path) -> None:
    """Keep the answers so far (private file, written atomically) and say how to resume."""
    write_atomically(path, interview.draft().to_dict())
    console.print(
        f"\n[yellow]input ended - {interview.answered} answers kept in {path}[/yellow]\n"
        f"continue with: backstride intake --resume {path}",
        soft_wrap=True,
    )


def _interview_until_valid(
    console: Console,
    interview: Interview,
    instruments: Mapping[str, InstrumentDef],
    keep: Path,
) -> dict[str, Any]:
    """Run the interview; answers the final validation refuses are asked again."""
    prompter = RichPrompter(console)
    for _ in range(MAX_RECHECKS):
        try:
            raw = interview.run(prompter)
        except (EOFError, KeyboardInterrupt):
            save_draft(console, interview, keep)
            raise typer.Exit(1) from None
        try:
            return validate_intake(raw, instruments=instruments).model_dump(mode="json")
        except InvalidInput as exc:
            for problem in exc.problems:
                console.print(f"[red]{problem['path']}: {problem['msg']}[/red]")
            interview.reask([str(p["path"]) for p in exc.problems])
    save_draft(console, interview, keep)
    raise InvalidInput("the answers are still not valid", code="intake.invalid")


@intake_app.callback()
def intake(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Save answers here (.json, .yaml); default: stdout."),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option("--resume", help="Continue the interview kept in this draft file."),
    ] = None,
    draft_file: Annotated[
        Path | None,
        typer.Option(
            "--draft",
            help="Where to keep the answers if input ends early "
            "(default: OUTPUT.draft.json, or intake-draft.json).",
        ),
    ] = None,
) -> None:
    """Ask the intake questions (prompts on stderr) and save the answers."""
    if ctx.invoked_subcommand is not None:
        return
    console = Console(stderr=True)
    settings = load_settings()
    instruments = load_instruments(settings.instrument_wording_dir)
    draft = read_draft(resume) if resume is not None else None
    keep = draft_file or resume or default_draft_path(output)
    console.print(
        "[bold]backstride intake[/bold] - decision support, not a diagnosis. If you have "
        "new numbness around the saddle area or lose bladder/bowel control, seek emergency "
        "care now.\nIf input ends early (Ctrl-D, Ctrl-C), your answers are kept as a draft."
    )
    interview = Interview(intake_sections(instruments), draft)
    if draft is not None:
        console.print(f"resuming {resume}: {interview.answered} answers kept")
    document = _interview_until_valid(console, interview, instruments, keep)
    if output is None:
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        write_atomically(output, document)
        console.print(f"answers saved to {output}; next: backstride assess {output}")
    if keep.exists():
        keep.unlink()
        console.print(f"[dim]draft {keep} removed[/dim]")


@intake_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the intake document."""
    typer.echo(json.dumps(intake_json_schema(), indent=2, ensure_ascii=False))


def assess_cmd(
    file: Annotated[Path, typer.Argument(help="Intake answers (.json, .yaml).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    save: Annotated[bool, typer.Option("--save", help="Store intake and assessment.")] = False,
    runner: Annotated[str | None, typer.Option("--runner", help="Runner name for --save.")] = None,
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


def register(app: typer.Typer) -> None:
    """Attach ``intake`` (with ``schema``) and ``assess`` to ``app``."""
    app.add_typer(intake_app, name="intake")
    app.command("assess")(assess_cmd)


__all__ = [
    "RichPrompter",
    "default_draft_path",
    "read_document",
    "read_draft",
    "register",
    "save_draft",
    "write_atomically",
]
