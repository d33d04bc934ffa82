"""The page routers, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from backstride.web.routes import (
    account,
    activities,
    auth,
    availability,
    booking,
    clinic,
    home,
    intake,
    log,
    patients,
    plan,
    previsit,
    public,
    records,
    security,
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
    intake.router,
    account.router,
    security.router,
    booking.router,
    clinic.router,
    availability.router,
    previsit.router,
    patients.router,
)

__all__ = ["ROUTERS"]
