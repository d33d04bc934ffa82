"""The navigation: one list of areas, each reachable in one click (two on a phone, via More).

Other areas (booking, the clinic's pages) add their entries with :func:`register` when their
routers are mounted; nothing is shown for an area that does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backstride.web.session import Visitor


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry: ``key`` (for ``aria-current``), label, path, who sees it and where.

    ``primary`` entries sit in the phone's bottom bar; the others are one tap away under
    "More" (``/menu``), which also describes each area.
    """

    key: str
    label: str
    path: str
    roles: tuple[str, ...] = ("runner",)
    primary: bool = False
    description: str = ""
    current: bool = False


_RUNNER: list[NavItem] = [
    NavItem("home", "Today", "/", primary=True, description="Today's session and your week."),
    NavItem("plan", "Plan", "/plan", primary=True, description="Your weeks, sessions, why."),
    NavItem("log", "Log", "/log", primary=True, description="Log a session and your pain."),
    NavItem(
        "activities",
        "Activities",
        "/activities",
        primary=True,
        description="Every run from your watch, with laps and charts.",
    ),
    NavItem("upload", "Upload", "/upload", description="Add watch files or a whole export."),
    NavItem(
        "progress",
        "Progress",
        "/progress",
        description="Your questionnaire scores over time and what counts as a real change.",
    ),
    NavItem(
        "assessment",
        "My assessment",
        "/assessment",
        description="What your answers mean and what to do now; answer the questions about "
        "your back (again when things change).",
    ),
    NavItem(
        "account",
        "My clinic & data",
        "/account",
        description="Share with your clinic, who saw your data, security, export, delete.",
    ),
]
_EXTRA: list[NavItem] = []


def register(item: NavItem) -> None:
    """Add an area's entry (e.g. booking) to the navigation; idempotent by ``key``."""
    if all(i.key != item.key for i in (*_RUNNER, *_EXTRA)):
        _EXTRA.append(item)


def nav_items(visitor: Visitor, *, current: str | None) -> list[NavItem]:
    """The entries this visitor sees, the current one marked."""
    if visitor.principal is None:
        return []
    role = visitor.principal.role
    items = [i for i in (*_RUNNER, *_EXTRA) if role in i.roles]
    return [replace(i, current=i.key == current) for i in items]


__all__ = ["NavItem", "nav_items", "register"]
