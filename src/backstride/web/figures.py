"""Simple stick figures for every exercise of the plan library, drawn as inline SVG.

One consistent style: a figure built from segment angles (degrees: 0 = right, 90 = down,
-90 = up) with fixed body proportions, the far-side limbs in a lighter tone, props (bench,
bar, kettlebell, band, wall, step, water, bike) in the accent colour and an orange arrow for
the movement. Colours are CSS classes, so the figures follow the light and dark themes.
Own drawings (backstride, MIT); each exercise id in ``plan/data/exercises.yaml`` has one
(a test checks it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from markupsafe import Markup, escape

Point = tuple[float, float]
FLOOR = 90.0
TORSO, NECK, HEAD_R = 30.0, 4.0, 6.0
UPPER, FORE = 14.0, 13.0
THIGH, SHIN, FOOT = 19.0, 19.0, 6.0
WIDTH, HEIGHT = 160.0, 100.0


def seg(p: Point, angle: float, length: float) -> Point:
    """The end of a segment of ``length`` from ``p`` at ``angle`` degrees."""
    rad = math.radians(angle)
    return (p[0] + length * math.cos(rad), p[1] + length * math.sin(rad))


@dataclass(frozen=True, slots=True)
class Limb:
    """Absolute segment angles: upper/thigh, fore/shin and (legs) foot."""

    a: float
    b: float
    c: float = 0.0


@dataclass(frozen=True, slots=True)
class Pose:
    """A whole figure: hip position, torso angle, limbs (near and far) and extras."""

    hip: Point
    torso: float
    near_arm: Limb
    far_arm: Limb
    near_leg: Limb
    far_leg: Limb
    props: tuple[str, ...] = ()
    moves: tuple[tuple[Point, Point, float], ...] = ()
    """Arrows: start, end and bend (0 = straight; + bows to the left of travel)."""
    curve: float = 0.0
    """Spine curve: + rounds the back up (cat), - lets it dip (cow)."""
    floor: bool = True
    extra: tuple[str, ...] = field(default_factory=tuple)


def _line(a: Point, b: Point, cls: str, width: float = 4.0) -> str:
    return (
        f'<line class="{cls}" x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
        f'stroke-width="{width}" stroke-linecap="round"/>'
    )


def _poly(points: Sequence[Point], cls: str, width: float = 4.0) -> str:
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<polyline class="{cls}" points="{pts}" fill="none" stroke-width="{width}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def _arrow(start: Point, end: Point, bend: float) -> str:
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    cx, cy = mx - dy / length * bend, my + dx / length * bend
    # arrow head along the tangent at the end (from the control point to the end)
    tx, ty = end[0] - cx, end[1] - cy
    tl = math.hypot(tx, ty) or 1.0
    ux, uy = tx / tl, ty / tl
    left = (end[0] - 6 * ux + 3.5 * uy, end[1] - 6 * uy - 3.5 * ux)
    right = (end[0] - 6 * ux - 3.5 * uy, end[1] - 6 * uy + 3.5 * ux)
    return (
        f'<path class="fig-move" d="M{start[0]:.1f} {start[1]:.1f} Q{cx:.1f} {cy:.1f} '
        f'{end[0]:.1f} {end[1]:.1f}" stroke-width="2" stroke-dasharray="4 3"/>'
        f'<path class="fig-move-head" d="M{end[0]:.1f} {end[1]:.1f} L{left[0]:.1f} {left[1]:.1f} '
        f'L{right[0]:.1f} {right[1]:.1f}Z"/>'
    )


def joints(pose: Pose) -> dict[str, Point]:
    """Every joint of the figure."""
    hip = pose.hip
    neck = seg(hip, pose.torso, TORSO)
    head = seg(neck, pose.torso, NECK + HEAD_R)
    out = {"hip": hip, "neck": neck, "head": head}
    for side, arm, leg in (("n", pose.near_arm, pose.near_leg), ("f", pose.far_arm, pose.far_leg)):
        elbow = seg(neck, arm.a, UPPER)
        out[side + "elbow"] = elbow
        out[side + "hand"] = seg(elbow, arm.b, FORE)
        knee = seg(hip, leg.a, THIGH)
        ankle = seg(knee, leg.b, SHIN)
        out[side + "knee"] = knee
        out[side + "ankle"] = ankle
        out[side + "toe"] = seg(ankle, leg.c, FOOT)
    return out


def _spine(pose: Pose, j: dict[str, Point]) -> str:
    hip, neck = j["hip"], j["neck"]
    if not pose.curve:
        return _line(hip, neck, "fig-body", 5)
    mx, my = (hip[0] + neck[0]) / 2, (hip[1] + neck[1]) / 2
    dx, dy = neck[0] - hip[0], neck[1] - hip[1]
    length = math.hypot(dx, dy) or 1.0
    cx, cy = mx + dy / length * pose.curve, my - dx / length * pose.curve
    return (
        f'<path class="fig-body" d="M{hip[0]:.1f} {hip[1]:.1f} Q{cx:.1f} {cy:.1f} '
        f'{neck[0]:.1f} {neck[1]:.1f}" fill="none" stroke-width="5" stroke-linecap="round"/>'
    )


def render(pose: Pose, *, label: str) -> str:
    """The figure as an ``<svg>`` (decorative: the exercise name sits beside it)."""
    j = joints(pose)
    parts: list[str] = []
    if pose.floor:
        parts.append(_line((4, FLOOR + 3), (WIDTH - 4, FLOOR + 3), "fig-floor", 2))
    parts.extend(pose.props)
    for side, cls in (("f", "fig-far"),):
        parts.append(_poly([j["neck"], j[side + "elbow"], j[side + "hand"]], cls, 3.5))
        parts.append(
            _poly([j["hip"], j[side + "knee"], j[side + "ankle"], j[side + "toe"]], cls, 3.5)
        )
    parts.append(_spine(pose, j))
    parts.append(_poly([j["hip"], j["nknee"], j["nankle"], j["ntoe"]], "fig-body", 4))
    parts.append(_poly([j["neck"], j["nelbow"], j["nhand"]], "fig-body", 4))
    hx, hy = j["head"]
    parts.append(f'<circle class="fig-head" cx="{hx:.1f}" cy="{hy:.1f}" r="{HEAD_R}"/>')
    parts.extend(pose.extra)
    parts.extend(_arrow(a, b, bend) for a, b, bend in pose.moves)
    return (
        f'<svg viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" aria-hidden="true" focusable="false" '
        f'data-exercise="{escape(label)}">' + "".join(parts) + "</svg>"
    )


# ---- props -------------------------------------------------------------------------------


def bench(x: float, y: float, w: float = 40, h: float = 14) -> str:
    """A bench top at height ``y`` spanning ``x``..``x + w``."""
    return (
        _line((x, y), (x + w, y), "fig-prop", 4)
        + _line((x + 5, y), (x + 5, FLOOR + 2), "fig-prop", 3)
        + _line((x + w - 5, y), (x + w - 5, FLOOR + 2), "fig-prop", 3)
    )


def plate(c: Point, r: float = 7) -> str:
    """A weight plate (a barbell seen end-on)."""
    return (
        f'<circle class="fig-prop" cx="{c[0]:.1f}" cy="{c[1]:.1f}" r="{r}" stroke-width="3"/>'
        f'<circle class="fig-prop-fill" cx="{c[0]:.1f}" cy="{c[1]:.1f}" r="2"/>'
    )


def kettlebell(c: Point) -> str:
    """A kettlebell hanging from a hand at ``c``."""
    x, y = c
    return (
        f'<path class="fig-prop" d="M{x - 3:.1f} {y + 1:.1f} Q{x:.1f} {y - 4:.1f} {x + 3:.1f} '
        f'{y + 1:.1f}" stroke-width="2.5"/>'
        f'<circle class="fig-prop-fill" cx="{x:.1f}" cy="{y + 6:.1f}" r="5"/>'
    )


def dumbbell(c: Point) -> str:
    """A dumbbell held at ``c``."""
    x, y = c
    return _line((x - 5, y), (x + 5, y), "fig-prop", 3) + "".join(
        f'<rect class="fig-prop-fill" x="{px - 1.5:.1f}" y="{y - 4:.1f}" width="3" height="8"/>'
        for px in (x - 5, x + 5)
    )


def wall(x: float) -> str:
    """A wall at ``x``."""
    return _line((x, 20), (x, FLOOR + 3), "fig-prop", 4)


def box(x: float, w: float, h: float) -> str:
    """A step or box of height ``h`` on the floor."""
    return (
        f'<rect class="fig-prop" x="{x:.1f}" y="{FLOOR + 3 - h:.1f}" width="{w:.1f}" '
        f'height="{h:.1f}" stroke-width="3"/>'
    )


def band(a: Point, b: Point) -> str:
    """An elastic band between two points."""
    return (
        f'<path class="fig-prop" d="M{a[0]:.1f} {a[1]:.1f} Q{(a[0] + b[0]) / 2:.1f} '
        f'{max(a[1], b[1]) + 10:.1f} {b[0]:.1f} {b[1]:.1f}" stroke-width="2"/>'
    )


def water(y: float) -> str:
    """Water surface waves at height ``y``."""
    d = f"M4 {y}" + "".join(" q5 -4 10 0 q5 4 10 0" for _ in range(8))
    return f'<path class="fig-water" d="{d}" stroke-width="2"/>'


def bike() -> str:
    """A bicycle under a seated rider."""
    return (
        '<circle class="fig-prop" cx="46" cy="76" r="14" stroke-width="3"/>'
        '<circle class="fig-prop" cx="112" cy="76" r="14" stroke-width="3"/>'
        + _poly([(46, 76), (70, 52), (98, 52), (112, 76)], "fig-prop", 3)
        + _poly([(70, 52), (82, 76), (98, 52)], "fig-prop", 3)
        + _line((104, 44), (98, 52), "fig-prop", 3)
    )


# ---- poses ---------------------------------------------------------------------------------

ARMS_DOWN = Limb(95, 95)
STAND = Limb(90, 90, 0)


def _stand(**kw: object) -> Pose:
    base: dict[str, object] = {
        "hip": (80.0, FLOOR - THIGH - SHIN),
        "torso": -90.0,
        "near_arm": ARMS_DOWN,
        "far_arm": Limb(85, 85),
        "near_leg": STAND,
        "far_leg": STAND,
    }
    base.update(kw)
    return Pose(**base)  # type: ignore[arg-type]


def _plank(*, knees: bool = False, elbow_ahead: float = 0.0, lift: bool = False) -> Pose:
    shoulder_y = FLOOR - UPPER * math.cos(math.radians(elbow_ahead))
    hip_y = shoulder_y + (6 if knees else 3)
    neck_x = 104.0
    hip = (neck_x - math.sqrt(TORSO**2 - (hip_y - shoulder_y) ** 2), hip_y)
    torso = math.degrees(math.atan2(shoulder_y - hip_y, neck_x - hip[0]))
    arm = Limb(90 - elbow_ahead, 0)
    if knees:
        leg = Limb(150, 180, 180)
        far = Limb(152, 180, 180)
    else:
        drop = math.degrees(math.atan2(FLOOR - 5 - hip_y, 2 * THIGH + SHIN))
        leg = Limb(180 - drop, 180 - drop, 120)
        far = leg
    if lift:
        leg = Limb(180 - 8, 180 - 8, 150)
    moves = (((40.0, 58.0), (40.0, 48.0), 0.0),) if lift else ()
    return Pose(hip, torso, arm, Limb(92 - elbow_ahead, 0), leg, far, moves=moves)


def _side_plank(*, knees: bool = False, leg_lift: bool = False, reach: bool = False) -> Pose:
    neck = (104.0, FLOOR - UPPER - 2)
    torso_angle = -15.0 if knees else -12.0
    hip = seg(neck, torso_angle + 180, TORSO)
    leg = Limb(155, 180, 180) if knees else Limb(168, 168, 100)
    far = Limb(leg.a - 16, leg.b - 16, leg.c) if leg_lift else Limb(leg.a - 2, leg.b - 2, leg.c)
    top_arm = Limb(-80, -95) if reach else Limb(140, 60)
    moves: tuple[tuple[Point, Point, float], ...] = ()
    if reach:
        moves = (((112.0, 30.0), (96.0, 80.0), 14.0),)
    if leg_lift:
        moves = (((44.0, 72.0), (40.0, 56.0), -4.0),)
    return Pose(hip, torso_angle, Limb(90, 0), top_arm, leg, far, moves=moves)


def _bridge(*, march: bool = False, single: bool = False, thrust: bool = False) -> Pose:
    props: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    if thrust:
        hip: Point = (80.0, 70.0)
        torso = 180.0
        near, far = Limb(-5, 85, 0), Limb(-7, 84, 0)
        props = (bench(30, FLOOR - 17, 26),)
        extra = (plate((hip[0] + 2, hip[1] - 9), 9),)
    else:
        hip = (80.0, FLOOR - 16)
        torso = 180 - math.degrees(math.asin((FLOOR - 6 - hip[1]) / TORSO))
        near, far = Limb(-10, 74, 0), Limb(-12, 72, 0)
    if march:
        near = Limb(-60, 20, 0)
    if single:
        near = Limb(-12, -12, -12)
    moves = (((80.0, 88.0), (80.0, 74.0), 0.0),) if not (march or single or thrust) else ()
    return Pose(hip, torso, Limb(175, 180), Limb(172, 180), near, far, props, moves, extra=extra)


def _supine(**kw: object) -> Pose:
    base: dict[str, object] = {
        "hip": (88.0, FLOOR - 5),
        "torso": 180.0,
        "near_arm": Limb(5, 5),
        "far_arm": Limb(3, 3),
        "near_leg": Limb(0, 0, -80),
        "far_leg": Limb(2, 2, -80),
    }
    base.update(kw)
    return Pose(**base)  # type: ignore[arg-type]


def _all_fours(**kw: object) -> Pose:
    hip_y = FLOOR - THIGH
    base: dict[str, object] = {
        "hip": (60.0, hip_y),
        "torso": -2.0,
        "near_arm": Limb(90, 90),
        "far_arm": Limb(88, 90),
        "near_leg": Limb(90, 180, 180),
        "far_leg": Limb(88, 180, 180),
    }
    base.update(kw)
    return Pose(**base)  # type: ignore[arg-type]


def _twist(*, feet_up: bool = False, load: bool = False) -> Pose:
    hip = (78.0, FLOOR - 4)
    leg = Limb(-35, 40, 0) if not feet_up else Limb(-40, 20, -10)
    arm = Limb(40, -80)
    pose = Pose(
        hip,
        -130,
        arm,
        Limb(42, -78),
        leg,
        Limb(leg.a - 3, leg.b - 3, leg.c),
        moves=(((40.0, 18.0), (72.0, 18.0), -8.0),),
    )
    if load:
        j = joints(pose)
        return replace(pose, extra=(dumbbell(j["nhand"]),))
    return pose


def _hinge(*, depth: float = 45.0, knee: float = 10.0, tool: str = "") -> Pose:
    shin_angle = 90 - knee
    thigh_angle = 90 + knee * 1.4
    ankle = (86.0, FLOOR - 1)
    knee_pt = seg(ankle, shin_angle + 180, SHIN)
    hip = seg(knee_pt, thigh_angle + 180, THIGH)
    torso = -90 + depth
    arm = Limb(95 - depth * 0.1, 95 - depth * 0.1)
    pose = Pose(
        hip,
        torso,
        arm,
        Limb(93 - depth * 0.1, 93 - depth * 0.1),
        Limb(thigh_angle, shin_angle, 0),
        Limb(thigh_angle - 2, shin_angle, 0),
    )
    j = joints(pose)
    extra: tuple[str, ...] = ()
    if tool == "dowel":
        tail = seg(hip, torso + 180, 6)
        top = seg(j["head"], torso, 8)
        extra = (_line((tail[0] - 3, tail[1] - 3), (top[0] - 3, top[1] - 3), "fig-prop", 3),)
    elif tool == "kettlebell":
        extra = (kettlebell(j["nhand"]),)
    elif tool == "barbell":
        extra = (plate((j["nhand"][0], j["nhand"][1] + 2), 9),)
    return replace(pose, extra=extra)


def _lunge(*, arrow: int = 0, load: bool = False) -> Pose:
    hip = (78.0, FLOOR - 30)
    pose = Pose(
        hip,
        -90,
        ARMS_DOWN,
        Limb(85, 85),
        Limb(10, 90, 0),
        Limb(125, 180, 90),
    )
    moves: tuple[tuple[Point, Point, float], ...] = ()
    if arrow < 0:
        moves = (((70.0, 40.0), (46.0, 40.0), 6.0),)
    elif arrow > 0:
        moves = (((86.0, 40.0), (112.0, 40.0), -6.0),)
    extra: tuple[str, ...] = ()
    if load:
        j = joints(pose)
        extra = (dumbbell(j["nhand"]), dumbbell(j["fhand"]))
    return replace(pose, moves=moves, extra=extra)


def _prone(*, lift: float = 10.0) -> Pose:
    hip = (70.0, FLOOR - 5)
    return Pose(
        hip,
        -lift,
        Limb(170, 172),
        Limb(168, 170),
        Limb(180, 180, 100),
        Limb(178, 178, 100),
        moves=(((112.0, 74.0), (112.0, 60.0), 0.0),),
    )


def _back_ext(*, load: bool = False) -> Pose:
    hip = (84.0, 54.0)
    pose = Pose(
        hip,
        -30,
        Limb(120, -60) if load else Limb(100, 100),
        Limb(118, -62) if load else Limb(98, 98),
        Limb(145, 145, 60),
        Limb(143, 143, 60),
        props=(
            _poly([(60, 78), (84, 60), (92, 56)], "fig-prop", 4)
            + _line((60, 78), (60, FLOOR + 2), "fig-prop", 3)
            + _line((70, 70), (70, FLOOR + 2), "fig-prop", 3),
        ),
        moves=(((128.0, 52.0), (124.0, 30.0), 0.0),),
    )
    if load:
        j = joints(pose)
        return replace(pose, extra=(plate((j["neck"][0] + 3, j["neck"][1] + 4), 6),))
    return pose


def _walk(*, stride: float = 25.0) -> Pose:
    return _stand(
        near_arm=Limb(90 - stride, 80 - stride),
        far_arm=Limb(90 + stride, 95 + stride),
        near_leg=Limb(90 - stride, 90, 0),
        far_leg=Limb(90 + stride, 90 + stride + 10, 20),
        hip=(80.0, FLOOR - (THIGH + SHIN) * math.cos(math.radians(stride)) - 1),
        torso=-86,
    )


POSES: dict[str, Pose] = {}


def _add(ids: str, pose: Pose) -> None:
    for ident in ids.split():
        POSES[ident] = pose


_add("plank_knees", _plank(knees=True))
_add("plank", _plank())
_add("plank_long_lever", _plank(elbow_ahead=35))
_add("plank_leg_lift", _plank(lift=True))
_add("side_plank_knees", _side_plank(knees=True))
_add("side_plank", _side_plank())
_add("side_plank_leg_lift", _side_plank(leg_lift=True))
_add("side_plank_reach", _side_plank(reach=True))
_add("glute_bridge", _bridge())
_add("glute_bridge_marching", _bridge(march=True))
_add("glute_bridge_single_leg", _bridge(single=True))
_add("hip_thrust_loaded", _bridge(thrust=True))
_add("russian_twist_feet_down", _twist())
_add("russian_twist_feet_up", _twist(feet_up=True))
_add("russian_twist_loaded", _twist(feet_up=True, load=True))
_add("bird_dog_single", _all_fours(near_arm=Limb(-5, -5)))
_add("bird_dog", _all_fours(near_arm=Limb(-5, -5), far_leg=Limb(178, 178, 100)))
_add(
    "bird_dog_band",
    replace(
        _all_fours(near_arm=Limb(-5, -5), far_leg=Limb(178, 178, 100)),
        extra=(band((130.0, 56.0), (6.0, 68.0)),),
    ),
)
_add(
    "dead_bug_arms",
    _supine(
        near_arm=Limb(-100, -100),
        far_arm=Limb(-85, -85),
        near_leg=Limb(-90, 0, -90),
        far_leg=Limb(-88, 2, -90),
        moves=(((50.0, 46.0), (24.0, 74.0), 8.0),),
    ),
)
_add(
    "dead_bug_legs",
    _supine(
        near_arm=Limb(-90, -90),
        far_arm=Limb(-88, -88),
        near_leg=Limb(-20, 10, -60),
        far_leg=Limb(-88, 2, -90),
        moves=(((120.0, 56.0), (140.0, 78.0), -6.0),),
    ),
)
_add(
    "dead_bug",
    _supine(
        near_arm=Limb(-170, -170),
        far_arm=Limb(-88, -88),
        near_leg=Limb(-88, 2, -90),
        far_leg=Limb(-15, 5, -60),
    ),
)
_add(
    "dead_bug_long_lever",
    _supine(
        near_arm=Limb(-172, -172),
        far_arm=Limb(-88, -88),
        near_leg=Limb(-88, 2, -90),
        far_leg=Limb(-8, -8, -70),
    ),
)
_add(
    "curl_up",
    _supine(
        torso=195,
        near_arm=Limb(30, 10),
        far_arm=Limb(28, 8),
        near_leg=Limb(-45, 45, 0),
        far_leg=Limb(2, 2, -80),
    ),
)
_add("hip_hinge_dowel", _hinge(depth=50, knee=12, tool="dowel"))
_add("kettlebell_rdl", _hinge(depth=60, knee=14, tool="kettlebell"))
_add("barbell_rdl", _hinge(depth=62, knee=14, tool="barbell"))
_add("conventional_deadlift", _hinge(depth=55, knee=40, tool="barbell"))
_add("split_squat", _lunge())
_add("reverse_lunge", _lunge(arrow=-1))
_add("walking_lunge walking_lunge_drill", _lunge(arrow=1))
_add("walking_lunge_loaded", _lunge(arrow=1, load=True))
_add("back_extension_prone", _prone())
_add("back_extension_45", _back_ext())
_add("back_extension_loaded", _back_ext(load=True))
_add(
    "step_up",
    replace(
        _stand(
            hip=(80.0, FLOOR - 22 - THIGH - SHIN + 6),
            near_leg=Limb(55, 115, 0),
            far_leg=Limb(98, 100, 20),
        ),
        props=(box(86, 30, 18),),
        moves=(((70.0, 30.0), (70.0, 12.0), 0.0),),
    ),
)
_add(
    "calf_raise",
    _stand(
        hip=(80.0, FLOOR - THIGH - SHIN - 5),
        near_leg=Limb(90, 90, 55),
        far_leg=Limb(90, 90, 55),
        near_arm=Limb(20, -20),
        props=(wall(120),),
        moves=(((60.0, 60.0), (60.0, 44.0), 0.0),),
    ),
)
_add(
    "calf_raise_single_leg",
    _stand(
        hip=(80.0, FLOOR - THIGH - SHIN - 5),
        near_leg=Limb(90, 90, 55),
        far_leg=Limb(100, 170, 170),
        near_arm=Limb(20, -20),
        props=(wall(120),),
    ),
)
_add("brisk_walk", _walk(stride=28))
_add("easy_walk", _walk(stride=18))
_add(
    "leg_swings",
    _stand(
        near_leg=Limb(40, 50, -20),
        near_arm=Limb(20, -20),
        props=(wall(120),),
        moves=(((60.0, 86.0), (118.0, 66.0), -18.0),),
    ),
)
_add(
    "high_knees",
    _stand(
        near_leg=Limb(0, 90, 0),
        near_arm=Limb(130, 60),
        far_arm=Limb(40, -60),
        hip=(80.0, FLOOR - THIGH - SHIN - 2),
    ),
)
_add(
    "butt_kicks",
    _stand(
        near_leg=Limb(110, -100, -120),
        near_arm=Limb(50, -60),
        far_arm=Limb(120, 80),
        hip=(80.0, FLOOR - THIGH - SHIN - 2),
    ),
)
_add(
    "skips",
    _stand(
        near_leg=Limb(-10, 80, 0),
        far_leg=Limb(100, 100, 30),
        near_arm=Limb(130, 90),
        far_arm=Limb(-40, -70),
        hip=(80.0, FLOOR - THIGH - SHIN - 10),
        moves=(((40.0, 80.0), (60.0, 70.0), 0.0),),
    ),
)
_add(
    "hamstring_stretch",
    _supine(
        near_leg=Limb(-80, -80, -10),
        near_arm=Limb(-60, -20),
        far_arm=Limb(-58, -18),
        extra=(_line((70.0, 60.0), (96.0, 36.0), "fig-prop", 2),),
    ),
)
_add(
    "hip_flexor_stretch",
    Pose(
        (80.0, FLOOR - SHIN - 4),
        -84,
        ARMS_DOWN,
        Limb(85, 85),
        Limb(-5, 90, 0),
        Limb(120, 180, 180),
        moves=(((66.0, 40.0), (90.0, 40.0), 0.0),),
    ),
)
_add(
    "lower_back_stretch",
    _supine(
        near_leg=Limb(-135, 100, 10),
        far_leg=Limb(-132, 102, 10),
        near_arm=Limb(-30, 40),
        far_arm=Limb(-28, 42),
    ),
)
_add(
    "glute_stretch",
    _supine(
        near_leg=Limb(-45, 45, 0),
        far_leg=Limb(-60, 170, 120),
        near_arm=Limb(-20, 20),
        far_arm=Limb(-18, 22),
    ),
)
_add(
    "calf_stretch",
    Pose(
        (80.0, FLOOR - 36),
        -70,
        Limb(-10, -10),
        Limb(-12, -12),
        Limb(60, 100, 0),
        Limb(118, 118, 10),
        props=(wall(130),),
    ),
)
_add("cat_cow", _all_fours(curve=10, moves=(((58.0, 40.0), (86.0, 40.0), -8.0),)))
_add(
    "diaphragmatic_breathing",
    _supine(
        near_leg=Limb(-45, 45, 0),
        far_leg=Limb(-47, 43, 0),
        near_arm=Limb(30, -20),
        far_arm=Limb(25, 5),
        moves=(((86.0, 64.0), (86.0, 56.0), 0.0),),
    ),
)
_add("progressive_relaxation", _supine())
_add(
    "swimming",
    Pose(
        (70.0, 56.0),
        0,
        Limb(-30, 10),
        Limb(160, 180),
        Limb(180, 184, 180),
        Limb(178, 170, 180),
        floor=False,
        props=(water(52),),
    ),
)
_add(
    "pool_running",
    _stand(
        hip=(80.0, 66.0),
        near_leg=Limb(20, 100, 0),
        far_leg=Limb(120, 130, 150),
        near_arm=Limb(120, 40),
        far_arm=Limb(50, -60),
        floor=False,
        props=(water(42),),
    ),
)
_add(
    "yoga_gentle",
    Pose((66.0, FLOOR - 16), 12, Limb(8, 0), Limb(6, 0), Limb(40, 180, 180), Limb(38, 180, 180)),
)
_add(
    "cycling",
    Pose(
        (72.0, 48.0),
        -60,
        Limb(25, 10),
        Limb(23, 8),
        Limb(20, 110, 10),
        Limb(80, 60, 0),
        props=(bike(),),
        floor=False,
    ),
)


@cache
def figure_svg(exercise_id: str) -> Markup:
    """The figure of one exercise (a standing figure for an unknown id)."""
    pose = POSES.get(exercise_id, _stand())
    return Markup(render(pose, label=exercise_id))  # noqa: S704 - built from numbers and escape()


__all__ = ["POSES", "Limb", "Pose", "figure_svg", "joints", "render"]
