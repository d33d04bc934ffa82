"""The runner's own activities: the list and one in detail, each with its coded data warnings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from backstride.api.deps import Caller, DbSession
from backstride.api.jsonable import to_jsonable
from backstride.errors import InvalidInput
from backstride.services import activities

router = APIRouter(prefix="/me/activities", tags=["runner"])


@router.get("")
def list_my_activities(principal: Caller, session: DbSession) -> list[Any]:
    """My activities, newest first; ``warnings`` lists what was cleaned, salvaged or doubted
    (``data.*`` codes) and what each leaves out of the load (``effect``)."""
    result: list[Any] = to_jsonable(activities.my_activity_summaries(session, principal=principal))
    return result


@router.get("/{activity_id}")
def get_my_activity(activity_id: str, principal: Caller, session: DbSession) -> dict[str, Any]:
    """One of my activities: summary, laps, channels and data warnings."""
    if len(activity_id) > 64:
        raise InvalidInput("activity id too long", code="activity.invalid_id")
    detail = activities.my_activity(session, principal=principal, activity_id=activity_id)
    result: dict[str, Any] = to_jsonable(detail)
    return result
