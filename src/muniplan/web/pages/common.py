"""What every page shares: the strict query parameters, the plan behind the URL, rendering.

Query parameters are typed and bounded, so FastAPI answers a wrong one with 422 (shown as an
HTML page that names the parameter). The parameters a reader chose — language, version,
horizon — stick to every link on the page, so switching pages keeps the same plan version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from muniplan.plan.model import Provenance
from muniplan.web.auth import current_user
from muniplan.web.charts import Chart
from muniplan.web.i18n import gettext_for, page_language, request_language
from muniplan.web.source import BadParameter, Loaded, OutOfRange

Lang = Annotated[Literal["nb", "en"] | None, Query(
    description="Språk: nb (bokmål, standard) eller en (English)")]
Version = Annotated[int | None, Query(ge=1, le=1_000_000, description="Planversjon, fra 1")]
ToYear = Annotated[int | None, Query(ge=1900, le=2200,
                                     description="Siste år i framskrivingen")]


@dataclass
class Page:
    """One request's page: language, plan version, links that keep the reader's choices."""

    request: Request
    lang: str
    loaded: Loaded
    sticky: dict[str, Any] = field(default_factory=dict)
    audience: str = "public"  # who the page is for: it lists only the versions they may see

    @property
    def _(self) -> Any:
        return gettext_for(self.lang)

    @property
    def plan(self) -> Any:
        return self.loaded.plan

    @property
    def proj(self) -> Any:
        return self.loaded.projection

    def url(self, suffix: str = "", **extra: Any) -> str:
        """A link inside this plan's site, carrying the sticky parameters."""
        base = f"/plan/{self.plan.id}/{suffix}"
        params = {**self.sticky, **{k: v for k, v in extra.items() if v is not None}}
        anchor = ""
        if "#" in base:
            base, anchor = base.split("#", 1)
            anchor = "#" + anchor
        return base + (("?" + urlencode(params)) if params else "") + anchor

    def switch_lang(self, lang: str) -> str:
        params = {**self.sticky, "lang": lang}
        return self.request.url.path + "?" + urlencode(params)

    def chart(self, name: str) -> Chart:
        chart = self.request.app.state.web.chart(self.loaded, name, self.lang)
        if chart is None:
            raise LookupError(name)
        return chart

    def chart_url(self, name: str, ext: str, bredde: str | None = None) -> str:
        return self.url(f"chart/{name}.{ext}", bredde=bredde)

    def source_refs(self, obj: Provenance | None) -> list[tuple[str, str, bool]]:
        """(text, href, external) for each source a figure names."""
        if obj is None or not obj.source:
            return []
        known = {s.id: s for s in self.plan.sources}
        out = []
        for part in obj.source.split(";"):
            ref = part.strip()
            if not ref:
                continue
            if ref in known:
                out.append((known[ref].title, self.url(f"kilder#src-{ref}"), False))
            elif ref.startswith(("http://", "https://")):
                out.append((ref, ref, True))
            else:
                out.append((ref, self.url("kilder"), False))
        return out

    def render(self, template: str, title: str, active: str, **context: Any) -> HTMLResponse:
        """Render once per plan version, page, language and reader's choices; a version
        never changes, so neither does its page (the cache is bounded)."""
        state = self.request.app.state.web
        key = (*self.loaded.key, template, self.request.url.path, self.lang,
               tuple(sorted(self.sticky.items())), self.audience)
        charted = context.pop("charted", None)
        if charted is None:
            charted = has_charts(context.values())
        body = state.pages.get(key, lambda: state.templates.get_template(template).render(
            page=self, _=self._, lang=self.lang, plan=self.plan, proj=self.proj,
            title=title, active=active, charted=charted, **context))
        return HTMLResponse(body)


def has_charts(values: Any) -> bool:
    """Does the page show a chart (so it needs the chart script, 0.9 MB)?"""
    for value in values:
        if isinstance(value, Chart):
            return True
        if isinstance(value, list | tuple) and any(isinstance(v, Chart) for v in value):
            return True
        if isinstance(value, dict) and any(isinstance(v, Chart) for v in value.values()):
            return True
    return False


def open_page(request: Request, plan_id: str, lang: str | None, version: int | None,
              to: int | None = None) -> Page:
    """Resolve the URL's plan and version (404 via NotFound) and the reader's language."""
    chosen = page_language(lang) if lang is not None else request_language(request)
    state = request.app.state.web
    try:
        viewer = current_user(request)
        loaded = state.source.load(plan_id, version, to, viewer=viewer)
    except OutOfRange as exc:
        raise BadParameter("to", exc.message(gettext_for(chosen))) from exc
    sticky: dict[str, Any] = {}
    if lang is not None:
        sticky["lang"] = lang
    if version is not None:
        sticky["version"] = version
    if to is not None:
        sticky["to"] = to
    return Page(request, chosen, loaded, sticky, audience(viewer))


def audience(viewer: Any) -> str:
    """Readers who see the same versions: the public, staff, or one group's members."""
    if viewer is None:
        return "public"
    return "staff" if viewer.role in ("finance", "admin") else f"group:{viewer.group_id}"


def charts(page: Page, *names: str) -> list[Chart]:
    """The charts of ``names`` this plan has (a plan without services has no demography)."""
    out = []
    for name in names:
        try:
            out.append(page.chart(name))
        except LookupError:
            continue
    return out

