"""Import and activity commands: ``import``, ``activities list|show|inspect``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from backstride.config import load_settings
from backstride.ingest.registry import read_activity
from backstride.services.importing import ImportProgress, import_paths

DEFAULT_RUNNER = "me"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def inspect_dict(path: Path, *, max_bytes: int) -> list[dict[str, Any]]:
    """What ``activities inspect`` prints for each activity in one file."""
    out = []
    for a in read_activity(path, max_bytes=max_bytes):
        out.append(
            {
                "format": a.format,
                "sport": a.sport,
                "sub_sport": a.sub_sport,
                "start_at": a.start_at.isoformat(),
                "local_offset_s": a.local_offset_s,
                "elapsed_s": a.elapsed_s,
                "timer_s": a.timer_s,
                "distance_m": a.distance_m,
                "ascent_m": a.ascent_m,
                "descent_m": a.descent_m,
                "n_samples": a.n_samples,
                "avg_hr_bpm": a.avg_hr_bpm,
                "max_hr_bpm": a.max_hr_bpm,
                "avg_cadence_spm": a.avg_cadence_spm,
                "cadence_basis": a.cadence_basis,
                "avg_power_w": a.avg_power_w,
                "has_running_dynamics": a.has_running_dynamics,
                "channels": sorted(a.streams.channels),
                "device": a.device,
                "creator": a.creator,
                "name": a.name,
                "laps": [_jsonable(lap) for lap in a.laps],
            }
        )
    return out


def _fmt(value: float | None, digits: int = 0, scale: float = 1.0) -> str:
    return "—" if value is None else f"{value * scale:.{digits}f}"


def register(app: typer.Typer) -> None:  # noqa: C901 - flat dispatch: registers commands (decision 0059)
    """Attach ``import`` and the ``activities`` group to ``app``."""
    acts = typer.Typer(help="Stored activities and single-file inspection.", no_args_is_help=True)
    app.add_typer(acts, name="activities")

    @app.command("import")
    def import_cmd(
        paths: Annotated[
            list[Path], typer.Argument(help="Files, folders, Strava/Garmin export zips.")
        ],
        runner: str = typer.Option(DEFAULT_RUNNER, "--runner", help="Runner handle."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Import activity files (FIT, GPX, TCX, .gz) and Strava/Garmin exports."""
        from backstride.cli._context import open_session, utc_now

        settings = load_settings()
        console = Console(stderr=True)
        columns = (
            TextColumn("[bold]import"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[points]:,} points · {task.fields[rate]:,.0f} pts/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with (
            open_session(settings) as session,
            Progress(*columns, console=console, disable=as_json) as bar,
        ):
            task = bar.add_task("import", total=None, points=0, rate=0.0)
            start = dt.datetime.now(dt.UTC)

            def on_progress(p: ImportProgress) -> None:
                secs = max((dt.datetime.now(dt.UTC) - start).total_seconds(), 1e-6)
                bar.update(
                    task,
                    completed=p.files_done,
                    total=p.files_total,
                    points=p.points,
                    rate=p.points / secs,
                )

            report = import_paths(
                session,
                settings=settings,
                runner_handle=runner,
                paths=paths,
                now=utc_now(),
                progress=on_progress,
            )
        if as_json:
            typer.echo(json.dumps(_jsonable(report), indent=2))
            return
        table = Table("file", "status", "reason", title=f"import for {runner}")
        for f in report.files:
            if f.status != "imported":
                table.add_row(f.label, f.status, f"{f.code or ''} {f.reason or ''}".strip())
        out = Console()
        if report.files and any(f.status != "imported" for f in report.files):
            out.print(table)
        out.print(
            f"[bold]{report.imported}[/bold] imported, {report.duplicates} duplicates, "
            f"{report.skipped} skipped, {report.points:,} points"
        )

    @acts.command("list")
    def list_cmd(
        runner: str | None = typer.Option(None, "--runner", help="Only this runner."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """List stored activities, newest first."""
        from backstride.cli._context import open_session
        from backstride.services.activities import list_activities

        with open_session(load_settings()) as session:
            rows = list_activities(session, runner_handle=runner)
        if as_json:
            typer.echo(json.dumps(_jsonable(rows), indent=2))
            return
        table = Table("id", "date", "runner", "sport", "km", "time", "HR", "spm", "source")
        for r in rows:
            table.add_row(
                r.id[:8],
                r.local_date.isoformat(),
                r.runner_handle,
                r.sport,
                _fmt(r.distance_m, 2, 1e-3),
                str(dt.timedelta(seconds=round(r.elapsed_s))),
                _fmt(r.avg_hr_bpm),
                _fmt(r.avg_cadence_spm),
                r.format or r.source,
            )
        Console().print(table)

    @acts.command("show")
    def show_cmd(
        activity_id: Annotated[str, typer.Argument(help="Activity id (or a unique prefix).")],
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show one stored activity with its laps."""
        from backstride.cli._context import open_session
        from backstride.services.activities import get_activity

        with open_session(load_settings()) as session:
            if len(activity_id) < 32:
                from backstride.services.activities import list_activities

                hits = [a.id for a in list_activities(session) if a.id.startswith(activity_id)]
                activity_id = hits[0] if len(hits) == 1 else activity_id
            detail = get_activity(session, activity_id=activity_id)
        data = _jsonable(detail)
        if as_json:
            typer.echo(json.dumps(data, indent=2))
            return
        table = Table("field", "value", title=f"activity {activity_id}")
        flat = {**data.pop("summary"), **data}
        laps = flat.pop("laps")
        for key, value in flat.items():
            table.add_row(key, "—" if value is None else str(value))
        table.add_row("laps", str(len(laps)))
        Console().print(table)

    @acts.command("inspect")
    def inspect_cmd(
        file: Annotated[Path, typer.Argument(help="One FIT/GPX/TCX file (.gz ok).")],
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Read one file without storing it and print what backstride sees."""
        settings = load_settings()
        items = inspect_dict(file, max_bytes=settings.max_file_bytes)
        payload: Any = items[0] if len(items) == 1 else items
        if as_json:
            typer.echo(json.dumps(payload, indent=2))
            return
        for item in items:
            table = Table("field", "value", title=str(file))
            for key, value in item.items():
                table.add_row(key, str(len(value)) if key == "laps" else str(value))
            Console().print(table)


__all__ = ["inspect_dict", "register"]
