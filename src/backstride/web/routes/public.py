"""Pages anyone may open: the full safety-netting text, display settings, the menu."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from backstride.intake import SAFETY_NETTING
from backstride.web.session import (
    THEME_COOKIE,
    THEMES,
    LoginRequired,
    PostedForm,
    VisitorDep,
)
from backstride.web.templating import redirect, render

router = APIRouter()


@router.get("/safety")
def safety(request: Request, visitor: VisitorDep) -> Response:
    """When to get help: the whole safety-netting text (clinical reference §1.4)."""
    return render(
        request,
        "safety.html",
        {"safety": SAFETY_NETTING},
        visitor=visitor,
        title="When to get help",
    )


@router.get("/settings")
def settings_page(request: Request, visitor: VisitorDep) -> Response:
    """Display settings (colour theme)."""
    return render(
        request,
        "settings.html",
        {"saved": request.query_params.get("saved") == "1"},
        visitor=visitor,
        title="Display settings",
    )


@router.post("/settings")
def save_settings(request: Request, form: PostedForm) -> Response:
    """Remember the colour theme in this browser for a year."""
    theme = form.get("theme")
    response = redirect("/settings?saved=1")
    if isinstance(theme, str) and theme in THEMES:
        response.set_cookie(
            THEME_COOKIE,
            theme,
            max_age=365 * 24 * 3600,
            httponly=True,
            secure=request.app.state.settings.cookie_secure,
            samesite="lax",
            path="/",
        )
    return response


@router.get("/menu")
def menu(request: Request, visitor: VisitorDep) -> Response:
    """Every area with a line about it (the phone's "More"), for whoever is signed in."""
    if visitor.principal is None:
        raise LoginRequired("please log in", code="auth.required")
    return render(request, "menu.html", {}, visitor=visitor, title="More", current=None)
