"""Downloads from ``muniplan.report``: the document (PDF, standalone HTML), the Excel
workbook and the open-data package (Fiscal Data Package, zipped).

A document takes seconds to build (WeasyPrint lays out every page), so each one is built once
per plan version and language and kept; a per-key lock makes concurrent readers wait for that
one build instead of starting their own. Only the formats the report package provides are
offered (:func:`available`), so the page never links to something that is not there.
"""

from __future__ import annotations

import importlib
import io
import threading
import zipfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from muniplan.web.answers import published_answers
from muniplan.web.pages.common import Lang, Version, open_page
from muniplan.web.source import BoundedCache, NotFound

router = APIRouter(include_in_schema=False)


def _document(function: str) -> Callable[..., Any] | None:
    module = _module("muniplan.report.document")
    build = getattr(module, function, None) if module else None
    if build is None:
        return None
    if function == "build_pdf" and not _pdf_engine_loads(module):
        return None  # no pango on this machine: offer no PDF rather than a broken link
    return lambda loaded, lang, store, answers: build(loaded.plan, loaded.projection, lang,
                                                       answers)


def _workbook() -> Callable[..., Any] | None:
    module = _module("muniplan.report.excel")
    build = getattr(module, "export_workbook", None) if module else None
    if build is None:
        return None

    def make(loaded: Any, lang: str, store: Any, answers: Any) -> bytes:
        files = None
        if hasattr(store, "files"):  # the version's own files, comments and all
            files = store.files(loaded.plan.id, loaded.version.number)
        return build(loaded.plan, loaded.projection, files)

    return make


def _data_package() -> Callable[..., Any] | None:
    module = _module("muniplan.report.fdp")
    build = getattr(module, "package_files", None) if module else None
    if build is None:
        return None

    def make(loaded: Any, lang: str, store: Any, answers: Any) -> bytes:
        buf = io.BytesIO()
        folder = f"{loaded.plan.id}-v{loaded.version.number}"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, content in sorted(build(loaded.plan, loaded.projection).items()):
                z.writestr(f"{folder}/{name}", content)
        return buf.getvalue()

    return make


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    ext: str
    media_type: str
    find: Callable[[], Callable[..., Any] | None]

    def builder(self) -> Callable[..., Any] | None:
        return self.find()


FORMATS = (
    Format("pdf", "Handlingsprogrammet som PDF (A4)", "pdf", "application/pdf",
           lambda: _document("build_pdf")),
    Format("html", "Handlingsprogrammet som én HTML-fil", "html", "text/html; charset=utf-8",
           lambda: _document("build_html")),
    Format("xlsx", "Planen og framskrivingen som Excel-arbeidsbok", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _workbook),
    Format("zip", "Åpne data: Fiscal Data Package (CSV og datapackage.json)", "zip",
           "application/zip", _data_package),
)


def _pdf_engine_loads(module: Any) -> bool:
    try:
        module.pdf_engine()
    except Exception:  # PdfUnavailable: WeasyPrint cannot load the system's pango
        return False
    return True


LANGUAGE_FORMATS = {"pdf", "html"}
"""Formats written in the reader's language; the workbook and the data are the same in both."""


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
    store = request.app.state.store
    lang = page.lang if fmt.key in LANGUAGE_FORMATS else None
    answers = published_answers(store, loaded.plan.id) if fmt.key in LANGUAGE_FORMATS else None
    # the published questions are part of the key: publishing one makes a new document
    content = docs.get((*loaded.key, fmt.key, lang, answers),
                       lambda: builder(loaded, page.lang, store, answers))
    name = f"{loaded.plan.id}-v{loaded.version.number}{'-' + lang if lang else ''}.{fmt.ext}"
    return Response(content, media_type=fmt.media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "public, max-age=300"})
