"""The page routers, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from backstride.web.routes import auth, home, log, plan, public

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    auth.router,
    public.router,
    plan.router,
    log.router,
)

__all__ = ["ROUTERS"]
