"""The weekly template: which weekdays rest, run (long, tempo, easy) and do strength.

Rules (clinical reference §7.1, §7.2): >= 1 rest day a week, >= 2 for novices or pain >= 4/10
(clinical consensus, unverified); never two hard days in a row (Seiler 2010, unverified);
strength 2-3 times a week with >= 48 h between sessions for the same muscles (ACSM 2009);
no heavy lower-body work the day before a long or hard run [default].
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

# Weekdays dropped first when the runner offers too few rest days. [default]
_DROP_ORDER = (2, 4, 0, 1, 3, 5, 6)


def adjacent(a: int, b: int) -> bool:
    """Neighbouring weekdays, also across the week boundary (Sunday-Monday)."""
    return (a - b) % 7 in (1, 6)


@dataclass(frozen=True, slots=True)
class Template:
    """Weekday roles: ``runs`` maps weekday -> intensity; ``strength`` lists weekdays."""

    train_days: tuple[int, ...]
    runs: dict[int, str]
    strength: tuple[int, ...]
    other: tuple[int, ...]


def training_days(available: frozenset[int], *, min_rest: int) -> tuple[int, ...]:
    """The available weekdays, dropping some until at least ``min_rest`` days are free."""
    days = set(available) & set(range(7))
    for day in _DROP_ORDER:
        if 7 - len(days) >= min_rest:
            break
        days.discard(day)
    return tuple(sorted(days))


def _pick_runs(train: tuple[int, ...], count: int, *, alternate_only: bool) -> list[int]:
    if count <= 0 or not train:
        return []
    long_day = 6 if 6 in train else (5 if 5 in train else train[-1])
    picked = [long_day]
    for day in sorted(train, key=lambda d: (d - long_day) % 7):
        if len(picked) >= count:
            break
        if day not in picked and not any(adjacent(day, p) for p in picked):
            picked.append(day)
    if not alternate_only:
        for day in train:
            if len(picked) >= count:
                break
            if day not in picked:
                picked.append(day)
    return picked


def _pick_strength(
    train: tuple[int, ...], runs: dict[int, str], *, sessions: int
) -> tuple[int, ...]:
    hard = {d for d, i in runs.items() if i in ("long", "tempo")}

    def penalty(day: int) -> int:
        return (
            (5 if day in hard else 0)
            + (1 if day in runs else 0)
            + (2 if (day + 1) % 7 in hard else 0)
        )

    best: tuple[int, ...] = ()
    for size in (3, 2, 1):
        if size > sessions:
            continue
        scored = []
        for combo in combinations(train, size):
            if any(not ((a - b) % 7 >= 2 and (b - a) % 7 >= 2) for a, b in combinations(combo, 2)):
                continue
            scored.append((sum(penalty(d) for d in combo), combo))
        if scored:
            cost, combo = min(scored)
            if size == 3 and cost > 0:
                continue
            best = combo
            break
    return best


def make_template(
    train: tuple[int, ...],
    *,
    runs_per_week: int,
    allow_tempo: bool,
    alternate_only: bool,
    allow_long: bool = True,
    strength_sessions: int,
) -> Template:
    """Place runs (long run at the weekend when possible), one tempo, strength and the rest."""
    picked = _pick_runs(train, runs_per_week, alternate_only=alternate_only)
    runs = dict.fromkeys(picked, "easy")
    if picked:
        long_day = picked[0]
        runs[long_day] = "long" if len(picked) > 1 and allow_long else "easy"
        if allow_tempo and len(picked) >= 3:
            spaced = [d for d in picked[1:] if not adjacent(d, long_day)]
            if spaced:
                runs[max(spaced, key=lambda d: min((d - long_day) % 7, (long_day - d) % 7))] = (
                    "tempo"
                )
    strength = _pick_strength(train, runs, sessions=strength_sessions)
    other = tuple(d for d in train if d not in runs and d not in strength)
    return Template(train, runs, strength, other)


__all__ = ["Template", "adjacent", "make_template", "training_days"]
