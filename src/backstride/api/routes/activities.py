"""The runner's own activities: the list and one in detail, each with its coded data warnings.

The answers are ``to_jsonable`` of the service views (numpy values as numbers, date-times in
``isoformat``); each route names its view as ``response_model`` for the OpenAPI document
(decision 0064), and ``tests/api/test_answer_schemas.py`` checks the answers against it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from backstride.api.deps import Caller, DbSession
from backstride.api.jsonable import to_jsonable
from backstride.errors import InvalidInput
from backstride.services import activities

router = APIRouter(prefix="/me/activities", tags=["runner"])


@router.get("", response_model=list[activities.ActivitySummary])
def list_my_activities(principal: Caller, session: DbSession) -> JSONResponse:
    """My activities, newest first; ``warnings`` lists what was cleaned, salvaged or doubted
    (``data.*`` codes) and what each leaves out of the load (``effect``)."""
    return JSONResponse(to_jsonable(activities.my_activity_summaries(session, principal=principal)))


@router.get("/{activity_id}", response_model=activities.ActivityDetail)
def get_my_activity(activity_id: str, principal: Caller, session: DbSession) -> JSONResponse:
    """One of my activities: summary, laps, channels and data warnings."""
    if len(activity_id) > 64:
        raise InvalidInput("activity id too long", code="activity.invalid_id")
    detail = activities.my_activity(session, principal=principal, activity_id=activity_id)
    return JSONResponse(to_jsonable(detail))
