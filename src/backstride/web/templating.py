"""Jinja2 pages: one environment (autoescaped, strict), the page context and the response.

Every page response is ``Cache-Control: no-store`` (health data stays out of shared and
back-button caches) and carries the visitor's form token; htmx requests get the fragment
named by the route instead of the whole page.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from backstride.web import format as fmt
from backstride.web import plan_view
from backstride.web.assets import Assets
from backstride.web.nav import nav_items
from backstride.web.session import CSRF_FIELD, Visitor, remember_form_token, theme_of

NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie, HX-Request"}


def _json_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` break-out)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for the script context


def make_environment(assets: Assets) -> Environment:
    """The template environment of the web pages."""
    env = Environment(
        loader=PackageLoader("backstride.web", "templates"),
        autoescape=select_autoescape(["html", "svg"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fmt.FILTERS)
    env.filters["json_script"] = _json_script
    env.globals["static"] = assets.url
    env.globals["csrf_field"] = CSRF_FIELD
    env.globals["pv"] = plan_view
    return env


def is_htmx(request: Request) -> bool:
    """The request came from htmx (not a boosted full navigation)."""
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    visitor: Visitor,
    status: int = 200,
    title: str,
    current: str | None = None,
) -> HTMLResponse:
    """A whole page (or, for htmx, the template's ``fragment`` block when it has one)."""
    env: Environment = request.app.state.web_env
    tmpl = env.get_template(template)
    ctx = {
        **context,
        "request": request,
        "visitor": visitor,
        "csrf": visitor.csrf_token,
        "title": title,
        "theme": theme_of(request),
        "nav": nav_items(visitor, current=current),
        "today": request.app.state.clock().date(),
        "path": request.url.path,
    }
    if is_htmx(request) and "fragment" in tmpl.blocks:
        body = "".join(tmpl.blocks["fragment"](tmpl.new_context(ctx)))
    else:
        body = tmpl.render(ctx)
    response = HTMLResponse(body, status_code=status, headers=NO_STORE)
    remember_form_token(response, visitor, settings=request.app.state.settings)
    return response


def redirect(url: str) -> RedirectResponse:
    """Post/redirect/get: ``303 See Other`` to a page of this site."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def safe_next(value: object, default: str = "/") -> str:
    """A local path to go back to after logging in (never another site)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value[:500]
    return default


def today_of(request: Request) -> dt.date:
    """Today by the app's clock."""
    now: dt.datetime = request.app.state.clock()
    return now.date()


__all__ = ["NO_STORE", "is_htmx", "make_environment", "redirect", "render", "safe_next", "today_of"]
