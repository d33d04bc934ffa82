"""Import and activity commands: ``import``, ``activities list|show|inspect``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from backstride.config import Settings
    from backstride.services.activities import ActivityDetail
    from backstride.services.imports.importing import ImportProgress, ImportReport
    from backstride.services.imports.parsing import ParseStream

DEFAULT_RUNNER = "me"


def _settings() -> Settings:
    """The settings, imported when a command runs: pydantic-settings takes ~0.1 s, which
    ``import`` spends after it has started its parsers' forkserver (docs/decisions/0067)."""
    from backstride.config import load_settings

    return load_settings()


activities_app = typer.Typer(
    help="Stored activities and single-file inspection.", no_args_is_help=True
)


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
    from backstride.ingest.registry import read_activity

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
                "warnings": [w.to_dict() for w in a.warnings],
            }
        )
    return out


def _fmt(value: float | None, digits: int = 0, scale: float = 1.0) -> str:
    return "—" if value is None else f"{value * scale:.{digits}f}"


def _unit(value: float | None, unit: str, digits: int = 0, scale: float = 1.0) -> str:
    return "—" if value is None else f"{value * scale:,.{digits}f} {unit}"


def _hms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _pace(seconds: float | None, metres: float | None) -> str:
    if not seconds or not metres or metres < 1:
        return "—"
    per_km = round(seconds / (metres / 1000.0))
    if per_km >= 6000:
        return "—"
    return f"{per_km // 60}:{per_km % 60:02d} /km"


def _print_warnings(console: Console, warnings: Any) -> None:
    from rich.markup import escape

    if not warnings:
        return
    console.print(f"[bold]Data warnings ({len(warnings)})[/bold]")
    for w in warnings:
        effect = w.get("effect", "none")
        left = {
            "load": "left out of the load",
            "hr": "heart rate left out of the load",
            "cadence": "left out of the cadence trend",
        }.get(effect)
        tail = f" [red]({left})[/red]" if left else ""
        console.print(f"  [yellow]{w['code']}[/yellow] {escape(str(w['detail']))}{tail}")


def print_detail(detail: ActivityDetail, console: Console) -> None:
    """``activities show``: the summary rounded with units, the laps as a table, warnings."""
    from rich.markup import escape
    from rich.table import Table

    s = detail.summary
    local = s.start_at + dt.timedelta(seconds=detail.local_offset_s or 0)
    when = f"{s.local_date.isoformat()} {local:%H:%M}" if detail.local_offset_s else s.local_date
    rows: list[tuple[str, str]] = [
        ("id", s.id),
        ("runner", s.runner_handle),
        ("date", f"{when} (start {s.start_at:%Y-%m-%d %H:%M} UTC)"),
        ("sport", s.sport + (f" / {s.sub_sport}" if s.sub_sport else "")),
        ("name", s.name or "—"),
        ("distance", _unit(s.distance_m, "km", 2, 1e-3)),
        ("time", f"{_hms(s.elapsed_s)} elapsed, {_hms(s.timer_s)} moving"),
        ("pace", _pace(s.timer_s or s.elapsed_s, s.distance_m)),
        ("heart rate", f"{_unit(s.avg_hr_bpm, 'bpm')} avg, {_unit(detail.max_hr_bpm, 'bpm')} max"),
        ("cadence", _unit(s.avg_cadence_spm, "steps/min")),
        ("climb", f"{_unit(s.ascent_m, 'm')} up, {_unit(detail.descent_m, 'm')} down"),
        ("downhill", _unit(detail.downhill_m, "km", 2, 1e-3)),
        ("power", _unit(detail.avg_power_w, "W")),
    ]
    if s.has_running_dynamics:
        rows += [
            ("ground contact", _unit(detail.avg_stance_time_ms, "ms")),
            ("contact balance", _unit(detail.avg_stance_balance_left_pct, "% left", 1)),
            ("vertical oscillation", _unit(detail.avg_vertical_oscillation_mm, "cm", 1, 0.1)),
            ("step length", _unit(detail.avg_step_length_mm, "m", 2, 1e-3)),
        ]
    rows += [
        ("RPE", _fmt(detail.rpe, 1)),
        ("device", detail.device or "—"),
        ("gear", detail.gear or "—"),
        ("from", f"{s.format or s.source} ({s.source})"),
        ("file", str(detail.extra.get("source_file") or "—")),
        ("samples", f"{s.n_samples:,} ({', '.join(detail.channels) or 'no streams'})"),
    ]
    table = Table("", "", title=f"activity {s.id}", show_header=False)
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(key, escape(value))
    console.print(table)
    if detail.laps:
        laps = Table(
            "lap", "start", "time", "km", "pace", "HR avg", "HR max", "spm", "intensity",
            title=f"{len(detail.laps)} laps",
        )  # fmt: skip
        for lap in detail.laps:
            lap_local = lap.start_at + dt.timedelta(seconds=detail.local_offset_s or 0)
            laps.add_row(
                str(lap.index + 1),
                f"{lap_local:%H:%M:%S}",
                _hms(lap.timer_s if lap.timer_s is not None else lap.elapsed_s),
                _fmt(lap.distance_m, 2, 1e-3),
                _pace(lap.timer_s or lap.elapsed_s, lap.distance_m),
                _fmt(lap.avg_hr_bpm),
                _fmt(lap.max_hr_bpm),
                _fmt(lap.avg_cadence_spm),
                lap.intensity or "—",
            )
        console.print(laps)
    _print_warnings(console, s.warnings)


def print_report(report: ImportReport, *, runner: str, console: Console) -> None:
    """The import table: every file that was not simply imported (full paths, wrapped, never
    cut), what a duplicate duplicates, and the data warnings of imported files."""
    from rich.table import Table

    table = Table(title=f"import for {runner}", expand=True)
    table.add_column("file", overflow="fold", ratio=3)
    table.add_column("status", no_wrap=True)
    table.add_column("details", overflow="fold", ratio=3)
    for f in report.files:
        if f.status == "imported" and not f.warnings and not f.duplicate_of:
            continue
        if f.status == "skipped":
            details = f"{f.code or ''} {f.reason or ''}".strip()
        elif f.duplicate_of:
            details = f"duplicate of {f.duplicate_of}"
        else:
            details = ""
        if f.warnings:
            codes = ", ".join(dict.fromkeys(str(w["code"]) for w in f.warnings))
            details = f"{details}; warnings: {codes}" if details else f"warnings: {codes}"
        status = f.status if not f.warnings or f.status != "imported" else "imported, warned"
        table.add_row(f.label, status, details)
    if table.row_count:
        console.print(table)
    console.print(
        f"[bold]{report.imported}[/bold] imported, {report.duplicates} duplicates, "
        f"{report.skipped} skipped, {report.points:,} points"
    )


def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, Strava/Garmin export zips.")],
    runner: Annotated[str, typer.Option("--runner", help="Runner handle.")] = DEFAULT_RUNNER,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import activity files (FIT, GPX, TCX, .gz) and Strava/Garmin exports."""
    from backstride.services.imports.forkserver import start_early

    # Only when the parsers cannot be forked from this process: their forkserver then loads
    # the readers while this process goes on (docs/decisions/0067, 0072).
    start_early(paths)
    from backstride.services.imports.parsing import ParseStream

    settings = _settings()
    # Parsing starts first: the worker processes read files while this one imports the
    # database layer and opens the database (a large share of a small import).
    parsing = ParseStream.start(paths, settings)
    with parsing:
        report = _import(paths, settings, runner, parsing, as_json=as_json)
    if as_json:
        typer.echo(json.dumps(_jsonable(report), indent=2))
        return
    from rich.console import Console  # only for people: ``--json`` prints without rich

    print_report(report, runner=runner, console=Console())


def _import(
    paths: list[Path], settings: Settings, runner: str, parsing: ParseStream, *, as_json: bool
) -> ImportReport:
    from backstride.cli._context import open_session, utc_now
    from backstride.services.imports.importing import import_paths

    with open_session(settings) as session, _progress_bar(quiet=as_json) as on_progress:
        return import_paths(
            session,
            settings=settings,
            runner_handle=runner,
            paths=paths,
            now=utc_now(),
            progress=on_progress,
            parsing=parsing,
        )


@contextmanager
def _progress_bar(*, quiet: bool) -> Iterator[Callable[[ImportProgress], None] | None]:
    """A progress bar on stderr and the callback that moves it; none (and rich not even
    imported: ~30 ms of a small import) when ``quiet`` (``--json``)."""
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]import"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[points]:,} points · {task.fields[rate]:,.0f} pts/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
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

        yield on_progress


@activities_app.command("list")
def list_cmd(
    runner: Annotated[str | None, typer.Option("--runner", help="Only this runner.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stored activities, newest first."""
    from backstride.cli._context import open_session
    from backstride.services.activities import list_activities

    with open_session(_settings()) as session:
        rows = list_activities(session, runner_handle=runner)
    if as_json:
        typer.echo(json.dumps(_jsonable(rows), indent=2))
        return
    from rich.console import Console
    from rich.table import Table

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


@activities_app.command("show")
def show_cmd(
    activity_id: Annotated[str, typer.Argument(help="Activity id (or a unique prefix).")],
    runner: Annotated[str | None, typer.Option("--runner", help="Only this runner's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one stored activity: summary with units, laps and data warnings."""
    from backstride.cli._context import open_session
    from backstride.services.activities import get_activity, resolve_id

    with open_session(_settings()) as session:
        full_id = resolve_id(session, activity_id=activity_id, runner_handle=runner)
        detail = get_activity(session, activity_id=full_id, runner_handle=runner)
    if as_json:
        typer.echo(json.dumps(_jsonable(detail), indent=2))
        return
    from rich.console import Console

    print_detail(detail, Console())


@activities_app.command("inspect")
def inspect_cmd(
    file: Annotated[Path, typer.Argument(help="One FIT/GPX/TCX file (.gz ok).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read one file without storing it and print what backstride sees."""
    settings = _settings()
    items = inspect_dict(file, max_bytes=settings.max_file_bytes)
    payload: Any = items[0] if len(items) == 1 else items
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for item in items:
        table = Table("field", "value", title=str(file))
        for key, value in item.items():
            if key == "warnings":
                continue
            table.add_row(key, str(len(value)) if key == "laps" else str(value))
        console.print(table)
        _print_warnings(console, item["warnings"])


def register(app: typer.Typer) -> None:
    """Attach ``import`` and the ``activities`` group to ``app``."""
    app.add_typer(activities_app, name="activities")
    app.command("import")(import_cmd)


__all__ = ["inspect_dict", "print_detail", "print_report", "register"]
