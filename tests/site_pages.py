"""Every page of the site, read from its routes so pages added later are checked too: the
paths with their parameters filled for the Bærum example, and the pages staff see more of."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute

from muniplan.web.pages import routers

PLAN_ID = "baerum-2018-2021"
FILL = {"plan_id": PLAN_ID, "sector_id": "barn-og-unge", "year": "2018", "period": "T2"}
APP_PAGES = ["/", f"/plan/{PLAN_ID}"]
"""The two routes the app itself declares (the start page and the plan's bare address)."""
NOT_PAGES = re.compile(r"^/api/|/chart/|\.\{ext\}$|^/static/|^/openapi")
"""Routes that answer with data, a drawing or a file, not a page."""


def route_paths(routes: Any) -> list[str]:
    """Every GET route's path, looking into included routers."""
    out = []
    for r in routes:
        if isinstance(r, APIRoute) and "GET" in r.methods:
            out.append(r.path)
        out += route_paths(getattr(r, "routes", None) or [])
    return out


def fill(path: str) -> str | None:
    names = re.findall(r"\{(\w+)", path)
    if NOT_PAGES.search(path) or not all(n in FILL for n in names):
        return None
    return re.sub(r"\{(\w+)\}", lambda m: FILL[m.group(1)], path)


def html_pages() -> list[str]:
    """Every GET page of the site's routers and the app's own, parameters filled."""
    paths = APP_PAGES + [fill(p) for router in routers() for p in route_paths(router.routes)]
    return sorted({p for p in paths if p})


PAGES = html_pages()
STAFF_PAGES = {f"/plan/{PLAN_ID}/innspill/moderering": "okonomi",
               f"/plan/{PLAN_ID}/oppfolging/utkast": "okonomi", "/konto": "okonomi",
               "/prosess": "okonomi", f"/plan/{PLAN_ID}/alternativ": "kari",
               f"/plan/{PLAN_ID}/sporsmal": "okonomi", "/admin/brukere": "admin"}
"""Pages that show more (or only a login) to someone logged in, and who (tests/auth_helpers):
finance staff, or a party group's member for the alternative budget."""
