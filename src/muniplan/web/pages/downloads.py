"""Downloads: the plan as a document (PDF and standalone HTML) from ``muniplan.report``.

A document takes seconds to build (WeasyPrint lays out every page), so each one is built once
per plan version and language and kept; a per-key lock makes concurrent readers wait for that
one build instead of starting their own. Only the formats the report package provides are
offered (:func:`available`), so the page never links to something that is not there.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from muniplan.web.pages.common import Lang, Version, open_page
from muniplan.web.source import BoundedCache, NotFound

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    ext: str
    media_type: str
    module: str
    function: str

    def builder(self) -> Callable[..., Any] | None:
        try:
            module = importlib.import_module(self.module)
        except ImportError:
            return None
        return getattr(module, self.function, None)


FORMATS = (
    Format("pdf", "Handlingsprogrammet som PDF (A4)", "pdf", "application/pdf",
           "muniplan.report.document", "build_pdf"),
    Format("html", "Handlingsprogrammet som én HTML-fil", "html", "text/html; charset=utf-8",
           "muniplan.report.document", "build_html"),
)


def available() -> list[Format]:
    return [f for f in FORMATS if f.builder() is not None]


class Documents:
    """Built documents by (plan, version, digest, format, language), one build per key."""

    def __init__(self) -> None:
        self.cache = BoundedCache(16)
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            return self.cache.get(key, make)


@router.get("/plan/{plan_id}/dokument.{ext}")
def document(request: Request, plan_id: str, ext: str, lang: Lang = None,
             version: Version = None) -> Response:
    page = open_page(request, plan_id, lang, version)
    fmt = next((f for f in available() if f.ext == ext), None)
    if fmt is None:
        raise NotFound(page._("Dokumentet finnes ikke i formatet «{ext}».").format(ext=ext))
    builder = fmt.builder()
    assert builder is not None
    loaded = page.loaded
    docs: Documents = request.app.state.documents
    content = docs.get((*loaded.key, fmt.key, page.lang),
                       lambda: builder(loaded.plan, loaded.projection, page.lang))
    name = f"{loaded.plan.id}-v{loaded.version.number}-{page.lang}.{fmt.ext}"
    return Response(content, media_type=fmt.media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "public, max-age=300"})
