"""``backstride plan`` (``adapt``, ``show``, ``clear``, ``endurance``) and ``backstride log``: thin
CLI over services."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from backstride.cli.plan_output import print_plan, write_outputs
from backstride.errors import InvalidInput
from backstride.plan.model import Preferences
from backstride.plan.monitor import ExerciseResult
from backstride.plan.serialize import diff_to_list, plan_to_dict

plan_app = typer.Typer(
    invoke_without_command=True, no_args_is_help=False, help="The training plan."
)

RunnerOpt = Annotated[str, typer.Option("--runner", help="Runner name (handle).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{name} must be YYYY-MM-DD", code="cli.invalid_date") from exc


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _preferences(
    *,
    days: str | None,
    minutes: int | None,
    equipment: str | None,
    race: str | None,
    race_km: float | None = None,
) -> Preferences | None:
    """Preferences from the options (None when no option was given: use the stored ones)."""
    if all(v is None for v in (days, minutes, equipment, race, race_km)):
        return None
    if race_km is not None and not 0 < race_km <= 400:
        raise InvalidInput(
            "--race-km must be a distance in km (0-400)", code="cli.invalid_race_distance"
        )
    chosen = [d.strip().lower()[:3] for d in (days or ",".join(_WEEKDAYS)).split(",") if d.strip()]
    bad = [d for d in chosen if d not in _WEEKDAYS]
    if bad or not chosen:
        raise InvalidInput(
            f"--days must list weekdays like mon,wed,sat (got {bad})", code="cli.invalid_days"
        )
    return Preferences(
        days_available=frozenset(_WEEKDAYS.index(d) for d in chosen),
        minutes_per_session=minutes or 60,
        equipment=frozenset(e.strip() for e in (equipment or "").split(",") if e.strip()),
        goal_race_date=_date(race, "--race"),
        goal_race_distance_m=round(race_km * 1000) if race_km is not None else None,
    )


@plan_app.callback()
def plan(
    ctx: typer.Context,
    runner: Annotated[str | None, typer.Option("--runner", help="Runner name (handle).")] = None,
    weeks: Annotated[int, typer.Option("--weeks", help="Number of weeks.")] = 8,
    start: Annotated[str | None, typer.Option("--start", help="First day (YYYY-MM-DD).")] = None,
    as_json: JsonOpt = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Write an .ics calendar.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write a printable PDF.")] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a printable HTML page.")
    ] = None,
    days: Annotated[str | None, typer.Option("--days", help="Training days: mon,wed,...")] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", help="Minutes per session.")] = None,
    equipment: Annotated[
        str | None, typer.Option("--equipment", help="e.g. kettlebell,barbell,pool,bike")
    ] = None,
    race: Annotated[str | None, typer.Option("--race", help="Goal race day (YYYY-MM-DD).")] = None,
    race_km: Annotated[
        float | None, typer.Option("--race-km", help="Goal race distance in km (e.g. 21.1).")
    ] = None,
) -> None:
    """Build the runner's plan from the latest assessment and training history."""
    if ctx.invoked_subcommand is not None:
        return
    if runner is None:
        raise InvalidInput("--runner is required", code="cli.missing_runner")
    from backstride.cli._context import open_session, utc_now
    from backstride.services.plans import create_plan

    now = utc_now()
    start_date = _date(start, "--start") or now.date()
    prefs = _preferences(
        days=days, minutes=minutes, equipment=equipment, race=race, race_km=race_km
    )
    with open_session() as session:
        result = create_plan(
            session,
            runner_handle=runner,
            weeks=weeks,
            start_date=start_date,
            now=now,
            preferences=prefs,
        )
    write_outputs(result.plan, runner=runner, ics=ics, pdf=pdf, html=html)
    if as_json:
        typer.echo(json.dumps(plan_to_dict(result.plan)))
    else:
        print_plan(result.plan, Console())


@plan_app.command("adapt")
def adapt(
    runner: RunnerOpt,
    today: Annotated[str | None, typer.Option("--today")] = None,
    as_json: JsonOpt = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Write the new .ics calendar.")] = None,
) -> None:
    """Adapt the current plan to the logged sessions (a new version with reasons)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services.plans import adapt_plan

    now = utc_now()
    with open_session() as session:
        r = adapt_plan(
            session, runner_handle=runner, today=_date(today, "--today") or now.date(), now=now
        )
    write_outputs(r.plan, runner=runner, ics=ics, pdf=None, html=None)
    if as_json:
        doc = {
            "version": r.version,
            "plan": plan_to_dict(r.plan),
            "diff": diff_to_list(r.diff),
            "decisions": [{"code": d.code, "text": d.text} for d in r.decisions],
            "needs_retriage": r.needs_retriage,
            "clinician_review": r.clinician_review,
            "escalations": [{"code": d.code, "text": d.text} for d in r.escalations],
        }
        typer.echo(json.dumps(doc))
        return
    console = Console()
    console.print(f"Plan version {r.version}")
    for d in r.decisions:
        console.print(f"• {d.text} [dim]{d.code}[/dim]")
    for e in r.diff:
        console.print(f"  {e.text()}")
    if r.needs_retriage:
        console.print("[bold red]Re-run the intake (triage) now.[/bold red]")
    for d in r.escalations:
        console.print(f"[bold red]{escape(d.text)}[/bold red] [dim]{d.code}[/dim]")
    if r.clinician_review and not r.escalations:
        console.print("[bold]Contact the clinic: these logs need a clinician's review.[/bold]")


@plan_app.command("show")
def show(
    runner: RunnerOpt,
    as_json: JsonOpt = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Write an .ics calendar.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write a printable PDF.")] = None,
) -> None:
    """Show the current plan version (and export it) without building a new plan."""
    from backstride.cli._context import open_session
    from backstride.services.plans import current_plan

    with open_session() as session:
        r = current_plan(session, runner_handle=runner)
    write_outputs(r.plan, runner=runner, ics=ics, pdf=pdf, html=None)
    if as_json:
        typer.echo(json.dumps(plan_to_dict(r.plan)))
    else:
        print_plan(r.plan, Console())


@plan_app.command("clear")
def clear(
    runner: RunnerOpt,
    date: Annotated[str, typer.Option("--date", help="Day the clinician cleared (YYYY-MM-DD).")],
    as_json: JsonOpt = False,
) -> None:
    """Record a clinician's return-to-run clearance after a suspected bone stress injury."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services.plans import record_clearance

    cleared = _date(date, "--date")
    assert cleared is not None
    with open_session() as session:
        record_clearance(session, runner_handle=runner, cleared_on=cleared, now=utc_now())
    if as_json:
        typer.echo(json.dumps({"rtr_clearance_date": cleared.isoformat()}))
    else:
        typer.echo(f"return-to-run clearance recorded for {runner} on {cleared}")


@plan_app.command("endurance")
def endurance(
    flexion: Annotated[float, typer.Option("--flexion", help="Trunk flexor hold (s).")],
    extension: Annotated[float, typer.Option("--extension", help="Extensor hold (s).")],
    side_right: Annotated[float, typer.Option("--side-right", help="Right side bridge (s).")],
    side_left: Annotated[float, typer.Option("--side-left", help="Left side bridge (s).")],
    as_json: JsonOpt = False,
) -> None:
    """McGill trunk-endurance ratios from hold times, each against its target (clinical reference
    §7.2)."""
    from backstride.plan.endurance import endurance_ratios

    r = endurance_ratios(
        flexion_s=flexion, extension_s=extension, side_right_s=side_right, side_left_s=side_left
    )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "flexion_extension": r.flexion_extension,
                    "side_right_left": r.side_right_left,
                    "side_extension": r.side_extension,
                    "findings": [{"code": f.code, "text": f.text} for f in r.findings],
                }
            )
        )
    else:
        for f in r.findings:
            typer.echo(f"{f.code}: {f.text}")


def _exercise(value: str) -> ExerciseResult:
    parts = value.split(":")
    try:
        return ExerciseResult(
            parts[0], int(parts[1]), int(parts[2]), float(parts[3]) if len(parts) > 3 else None
        )
    except (IndexError, ValueError) as exc:
        raise InvalidInput("--exercise must be id:sets:reps[:load_kg]", code="log.invalid") from exc


def log(
    runner: RunnerOpt,
    date: Annotated[str, typer.Option("--date", help="Session day (YYYY-MM-DD).")],
    kind: Annotated[str, typer.Option("--kind")] = "run",
    status: Annotated[str, typer.Option("--status")] = "done",
    pain_during: Annotated[int | None, typer.Option("--pain-during")] = None,
    pain_after: Annotated[int | None, typer.Option("--pain-after")] = None,
    pain_next_morning: Annotated[int | None, typer.Option("--pain-next-morning")] = None,
    usual_morning_pain: Annotated[int, typer.Option("--usual-morning-pain")] = 0,
    rpe: Annotated[float | None, typer.Option("--rpe")] = None,
    distance_km: Annotated[float | None, typer.Option("--distance-km")] = None,
    bone_pain: Annotated[int | None, typer.Option("--bone-pain")] = None,
    new_symptom: Annotated[str | None, typer.Option("--new-symptom")] = None,
    stiffness_next_morning: Annotated[
        int | None, typer.Option("--stiffness-next-morning", help="0-10")
    ] = None,
    usual_morning_stiffness: Annotated[
        int | None, typer.Option("--usual-morning-stiffness", help="0-10")
    ] = None,
    poor_form: Annotated[
        bool, typer.Option("--poor-form", help="Strength: some sets lost good form.")
    ] = False,
    exercise: Annotated[
        list[str] | None, typer.Option("--exercise", help="id:sets:reps[:kg]")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a session with its pain scores (0-10)."""
    from backstride.cli._context import open_session, utc_now
    from backstride.services.plans import log_session

    on_date = _date(date, "--date")
    assert on_date is not None
    with open_session() as session:
        r = log_session(
            session,
            runner_handle=runner,
            on_date=on_date,
            kind=kind,
            status=status,
            now=utc_now(),
            pain_during=pain_during,
            pain_after=pain_after,
            pain_next_morning=pain_next_morning,
            usual_morning_pain=usual_morning_pain,
            rpe=rpe,
            distance_m=int(distance_km * 1000) if distance_km is not None else None,
            bone_pain=bone_pain,
            new_red_flag=new_symptom,
            exercises=tuple(_exercise(e) for e in exercise or ()),
            stiffness_next_morning=stiffness_next_morning,
            usual_morning_stiffness=usual_morning_stiffness,
            good_form=not poor_form,
        )
    if as_json:
        typer.echo(json.dumps({"log_id": r.log_id, "session_key": r.session_key}))
    else:
        typer.echo(f"logged {kind} on {on_date}" + (f" ({r.session_key})" if r.session_key else ""))


def register(app: typer.Typer) -> None:
    """Attach ``plan`` (with ``adapt``) and ``log``."""
    app.add_typer(plan_app, name="plan")
    app.command("log")(log)


__all__ = ["register"]
