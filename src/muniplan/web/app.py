"""The web site's app factory: pages, charts, static files, the JSON API, error pages.

``create_app(settings, store)`` builds a fresh app with all its state on ``app.state`` — no
module globals — so tests can start as many as they like side by side. Everything a page needs
comes from this origin: the CSS, the chart script and the vega-embed bundle, which is built
from the vl-convert package at first use rather than committed or fetched from a CDN.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from muniplan.web import api_errors
from muniplan.web.auth import AuthCookies
from muniplan.web.bad_parameters import validation_messages
from muniplan.web.chart_widths import WIDTHS
from muniplan.web.i18n import gettext_for, message_in, request_language
from muniplan.web.language_choice import LanguageChoice
from muniplan.web.official import mark_official, official
from muniplan.web.page_loader import LoadPages, PageLoader
from muniplan.web.public_cache import PublicCache
from muniplan.web.security import HeadAsGet, SecurityHeaders
from muniplan.web.source import BadParameter, BoundedCache, Loaded, NotFound, PlanSource
from muniplan.web.transfer import Transfer

if TYPE_CHECKING:
    from muniplan.web import charts as chartlib
    from muniplan.web import risk as risklib

# The pages, the charts, the engine and the number formats are imported when first used
# (see muniplan.web.page_loader): the app is built, and answers "/", without numpy or the
# plan models. tests/test_web_first_use.py keeps it so.

HERE = Path(__file__).parent
PREFERRED_PLAN = "baerum-2018-2021"


@dataclass
class WebState:
    """What the pages share within one app: the store's plans, templates and caches."""

    settings: Any
    source: PlanSource
    templates: jinja2.Environment
    charts: BoundedCache = field(default_factory=lambda: BoundedCache(512))
    svgs: BoundedCache = field(default_factory=lambda: BoundedCache(512))
    pages: BoundedCache = field(default_factory=lambda: BoundedCache(512))
    risks: BoundedCache = field(default_factory=lambda: BoundedCache(16))
    _bundle: str | None = None
    _bundle_lock: threading.Lock = field(default_factory=threading.Lock)

    def chart(self, loaded: Loaded, name: str, lang: str) -> chartlib.Chart | None:
        from muniplan.web import charts as chartlib
        from muniplan.web import risk as risklib

        if risklib.is_risk_chart(name):
            return self.charts.get((*loaded.key, name, lang), lambda: risklib.build(
                name, loaded.plan, self.risk(loaded), lang, gettext_for(lang)))
        return self.charts.get((*loaded.key, name, lang), lambda: chartlib.build(
            name, loaded.plan, loaded.projection, lang, gettext_for(lang)))

    def risk(self, loaded: Loaded) -> risklib.Risk:
        """The version's Monte Carlo run and scenarios, computed once (concurrent requests
        wait for the same run) and kept in the store across restarts and workers."""
        from muniplan.web import risk as risklib
        from muniplan.web.kept import kept

        return self.risks.get(loaded.key, lambda: kept(
            self.source.store, loaded.plan.id, loaded.version.number, "risk",
            risklib.stored_key(loaded.to_year),
            lambda: risklib.compute(loaded.plan, loaded.to_year)))

    def svg(self, loaded: Loaded, chart: chartlib.Chart, lang: str) -> str:
        from muniplan.web import charts as chartlib

        return self.svgs.get((*loaded.key, chart.name, lang),
                             lambda: chartlib.to_svg(chart, lang))

    def vega_bundle(self) -> str:
        """vega, vega-lite and vega-embed as one script, from the installed vl-convert."""
        with self._bundle_lock:
            if self._bundle is None:
                import vl_convert

                self._bundle = vl_convert.javascript_bundle()
            return self._bundle


def template_env() -> jinja2.Environment:
    """The pages' templates. Compiling all of them takes about a second; jinja's bytecode
    cache (in the user's temporary directory, keyed by each template's source) makes every
    later process load them in a seventh of that."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    formats = "muniplan.report.formatting"
    env.globals.update(millions=_on_call(formats, "millions"), percent=_on_call(formats, "percent"),
                       number=_on_call(formats, "number"), label=_on_call(formats, "label"),
                       category_label=_on_call("muniplan.web.charts", "category_label"),
                       chart_widths=WIDTHS)
    env.filters["official"] = official
    env.globals["mark_official"] = mark_official
    return env


def _on_call(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported when a template first calls it (the number formats bring
    in the engine's registry and numpy, which the error page and ``/`` do not need)."""

    found: list[Callable[..., Any]] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not found:
            found.append(getattr(importlib.import_module(module), name))
        return found[0](*args, **kwargs)

    call.__name__ = name
    return call


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


request_lang = request_language


def error_page(request: Request, status: int, messages: list[str]) -> HTMLResponse:
    lang = request_lang(request)
    _ = gettext_for(lang)
    titles = {403: _("Ingen tilgang"), 404: _("Siden finnes ikke"), 405: _("Siden finnes ikke"),
              422: _("Ugyldig adresse"), 500: _("Noe gikk galt")}
    if request.method == "POST" and status in (409, 422):  # a refused form, not a bad address
        titles[status] = _("Ikke lagret")
    env = request.app.state.web.templates
    html = env.get_template("error.html").render(
        _=_, lang=lang, status=status, title=titles.get(status, _("Feil")),
        messages=[message_in(m, lang) for m in messages])
    return HTMLResponse(html, status_code=status)


def _mount_api(app: FastAPI, store: Any) -> None:
    """The JSON API under /api, once its module exists (built alongside, by another part)."""
    if importlib.util.find_spec("muniplan.web.api") is None:
        return
    from muniplan.web import api

    app.include_router(api.api_router(store), prefix="/api")


def _add_pages(app: FastAPI, store: Any) -> None:
    """Every page, chart, document, the JSON API and the static files, in that order (the
    chart script's route before the static files' mount)."""
    from muniplan.web.pages import routers
    from muniplan.web.pages.assets import router as assets_router
    from muniplan.web.pages.downloads import Documents

    app.state.documents = Documents()
    app.include_router(assets_router)
    for router in routers():
        app.include_router(router)
    _mount_api(app, store)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def create_app(settings: Any, store: Any, *, pages_on_first_use: bool = False) -> FastAPI:
    """A new app serving ``store``'s plans. ``settings`` is kept on ``app.state``.

    With ``pages_on_first_use`` (as ``muniplan serve`` builds it) the app answers ``/`` at
    once and adds its pages when a request first needs them (:mod:`muniplan.web.page_loader`);
    otherwise every route is there when this returns, for code that reads ``app.routes``."""
    app = FastAPI(title="muniplan", docs_url=None, redoc_url=None,
                  description="Handlingsprogram med økonomiplan: nettsider og JSON-API.")
    app.state.settings = settings
    app.state.store = store
    app.state.web = WebState(settings, PlanSource(store), template_env())

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return api_errors.http_error(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else None
        _ = gettext_for(request_lang(request))
        default = _("Finner ingenting på adressen {path}.").format(path=request.url.path)
        msg = detail if detail and detail not in ("Not Found", "Method Not Allowed") else default
        response = error_page(request, exc.status_code, [msg])
        response.headers.update(exc.headers or {})  # e.g. Location of a login redirect
        return response

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error_page(request, 404, [exc.message(gettext_for(request_lang(request)))])

    @app.exception_handler(BadParameter)
    async def _bad_parameter(request: Request, exc: BadParameter) -> Response:
        return error_page(request, 422, [str(exc)])

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return api_errors.validation_error(request, exc)
        return error_page(request, 422, validation_messages(
            exc, gettext_for(request_lang(request))))

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        ids = [r.id for r in app.state.web.source.records()]
        if not ids:
            raise NotFound(
                "Ingen planer er lagt inn ennå. Importer en plan med «muniplan import».")
        target = PREFERRED_PLAN if PREFERRED_PLAN in ids else ids[0]
        query = ("?" + request.url.query) if request.url.query else ""
        return RedirectResponse(f"/plan/{target}/{query}", status_code=307)

    @app.get("/plan/{plan_id}", include_in_schema=False)
    def plan_root(request: Request) -> Response:
        # the id from the path as given, not a declared parameter: FastAPI checks declared
        # parameters with pydantic, whose v1 layer it imports for that (a tenth of a second)
        plan_id = request.path_params["plan_id"]
        query = ("?" + request.url.query) if request.url.query else ""
        return RedirectResponse(f"/plan/{plan_id}/{query}", status_code=308)

    quick = [r for r in app.router.routes if getattr(r, "endpoint", None) in (home, plan_root)]
    app.state.pages = PageLoader(lambda: _add_pages(app, store))
    app.add_middleware(LoadPages, loader=app.state.pages, quick=quick)
    if not pages_on_first_use:
        app.state.pages.load()
    app.add_middleware(AuthCookies)
    app.add_middleware(Transfer)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(PublicCache, ttl=lambda: app.state.web.source.fresh_seconds,
                       forget=lambda: app.state.web.source.forget())
    app.add_middleware(LanguageChoice)
    return app
