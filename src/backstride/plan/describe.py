"""Plain-text descriptions of plan content shared by every view (terminal, printable plan,
calendar): a dose with its numbers, a warm-up with its length, a session with its target, a
ladder with the runner's place on it. Numbers are rounded for display only (clinical
reference §0: compare unrounded, round for display).
"""

from __future__ import annotations

from backstride.plan.model import Dose, Ladder, Session
from backstride.plan.warm_ups import warm_up_minutes


def _num(value: float) -> str:
    """``21.0`` -> ``21``, ``12.5`` -> ``12.5``, never ``28.000000000000004``."""
    return f"{round(value, 2):g}"


def _amount(d: Dose) -> str:
    """The dose's numbers: ``3 x 12``, ``3 x 30 s``, ``5-3-1 x 10 s holds``, ``5 min``."""
    if d.reps_scheme:
        amount = "-".join(str(r) for r in d.reps_scheme)
        return amount + (f" x {d.hold_s} s holds" if d.hold_s else " reps")
    if d.reps is not None:
        return f"{d.sets or 1} x {d.reps}" + (f" ({d.hold_s} s holds)" if d.hold_s else "")
    if d.hold_s is not None:
        return f"{d.sets or 1} x {d.hold_s} s"
    if d.minutes is not None:
        return f"{d.minutes} min"
    return ""


def dose_text(d: Dose, *, with_step: bool = False) -> str:
    """``Glute bridge 3 x 12``, ``Plank 3 x 30 s``, ``Side plank 5-3-1 x 10 s holds``,
    ``Barbell RDL 3 x 10 @ 21 kg``, ``Brisk walk 5 min``, ``Leg swings 1 x 10``."""
    text = f"{d.name} {_amount(d)}".strip()
    if d.load_kg:
        text += f" @ {_num(d.load_kg)} kg"
    if with_step and d.step and d.of_steps:
        text += f" [step {d.step}/{d.of_steps}]"
    return text


def doses_text(doses: tuple[Dose, ...]) -> str:
    """Doses in order, neighbours with the same numbers said once: ``Hamstring stretch, Calf
    stretch 2 x 30 s each``."""
    groups: list[tuple[str, list[str]]] = []
    for d in doses:
        amount = _amount(d) + (f" @ {_num(d.load_kg)} kg" if d.load_kg else "")
        if groups and groups[-1][0] == amount:
            groups[-1][1].append(d.name)
        else:
            groups.append((amount, [d.name]))
    parts = [
        f"{', '.join(names)} {amount}{' each' if len(names) > 1 else ''}".strip()
        for amount, names in groups
    ]
    return ", ".join(parts)


def warm_up_text(s: Session) -> str:
    """``Warm-up ~4 min: Brisk walk 3 min, Leg swings 1 x 10`` (empty without a warm-up)."""
    if not s.warm_up:
        return ""
    return f"Warm-up ~{warm_up_minutes(s.warm_up)} min: {doses_text(s.warm_up)}"


def cool_down_text(s: Session) -> str:
    """``Cool-down ~10 min: Easy walk 5 min, Hamstring stretch 2 x 30 s, ...``."""
    if not s.cool_down:
        return ""
    return f"Cool-down ~{warm_up_minutes(s.cool_down)} min: {doses_text(s.cool_down)}"


def pace_text(s: Session) -> str:
    """``~6:30 /km`` from the session's running time and distance ('' when unknown)."""
    if not s.distance_m or not s.run_s or s.rtr_stage is not None:
        return ""
    per_km = round(s.run_s * 1000 / s.distance_m)
    return f"~{per_km // 60}:{per_km % 60:02d} /km"


def session_line(s: Session) -> str:
    """The session in one line: title, distance and pace for runs, the time of a visit."""
    text = s.title
    if s.distance_m:
        text += f" · {s.distance_m / 1000:.1f} km"
        pace = pace_text(s)
        if pace:
            text += f" at {pace}"
    if s.start_min is not None:
        text += f" at {s.start_min // 60:02d}:{s.start_min % 60:02d}"
    return text


def content_lines(s: Session, *, with_step: bool = True) -> list[str]:
    """What to do, line by line: warm-up, the exercises with their doses, cool-down."""
    lines = [warm_up_text(s)]
    if s.exercises:
        lines.append(", ".join(dose_text(d, with_step=with_step) for d in s.exercises))
    lines.append(cool_down_text(s))
    return [line for line in lines if line]


def ladder_text(ladder: Ladder) -> str:
    """``Plank: now Plank from the knees (1/4) -> Plank from 14 Dec -> ...``; a step the plan
    cannot reach says what it needs."""
    now = ladder.current_index
    steps = []
    for i, step in enumerate(ladder.steps):
        if i < now:
            continue
        if i == now:
            steps.append(f"now {step.name} ({i + 1}/{len(ladder.steps)})")
        elif step.needs:
            steps.append(f"{step.name} (needs {', '.join(step.needs)})")
        elif step.first_planned is not None:
            steps.append(f"{step.name} from {step.first_planned.strftime('%d %b')}")
        else:
            steps.append(f"{step.name} (after this plan)")
    return f"{ladder.name}: {' -> '.join(steps)}"


__all__ = [
    "content_lines",
    "cool_down_text",
    "dose_text",
    "doses_text",
    "ladder_text",
    "pace_text",
    "session_line",
    "warm_up_text",
]
