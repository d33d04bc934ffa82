"""The page routers, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from backstride.web.routes import (
    account,
    activities,
    auth,
    booking,
    clinic,
    home,
    log,
    plan,
    public,
    records,
    upload,
)

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    auth.router,
    public.router,
    plan.router,
    log.router,
    activities.router,
    upload.router,
    records.router,
    account.router,
    booking.router,
    clinic.router,
)

__all__ = ["ROUTERS"]
