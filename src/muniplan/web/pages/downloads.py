"""Downloads from ``muniplan.report``: the document (PDF, standalone HTML), the Excel
workbook and the open-data package (Fiscal Data Package, zipped).

A document takes seconds to build (WeasyPrint lays out every page), so each one is built once
per plan version and language and kept; a per-key lock makes concurrent readers wait for that
one build instead of starting their own. Only the formats this machine can build are offered
(:func:`available`), so the page never links to something that is not there. What a format
needs is looked up, not imported: importing WeasyPrint, openpyxl and the document builder
costs about a second, which the first reader of the overview after a start would otherwise
wait for; they are imported when a document is first asked for.
"""

from __future__ import annotations

import ctypes.util
import importlib
import importlib.util
import io
import threading
import zipfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
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


def _installed(*packages: str) -> bool:
    return all(importlib.util.find_spec(name) is not None for name in packages)


PDF_LIBRARIES = {"gobject-2.0": "libgobject-2.0.so.0", "pango-1.0": "libpango-1.0.so.0",
                 "harfbuzz": "libharfbuzz.so.0", "fontconfig": "libfontconfig.so.1",
                 "pangoft2-1.0": "libpangoft2-1.0.so.0"}
"""The system libraries WeasyPrint loads to draw text (``weasyprint/text/ffi.py``), with
their names on Linux; elsewhere they are looked for by name."""


def _loads(name: str, soname: str) -> bool:
    for path in (soname, ctypes.util.find_library(name)):
        try:
            if path:
                ctypes.CDLL(path)
                return True
        except OSError:
            continue
    return False


def _pdf_libraries_load() -> bool:
    """WeasyPrint is installed and the system libraries it draws text with load, found
    without importing WeasyPrint (whose import loads them, and takes half a second)."""
    return _installed("weasyprint") and all(
        _loads(name, soname) for name, soname in PDF_LIBRARIES.items())


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    ext: str
    media_type: str
    find: Callable[[], Callable[..., Any] | None]
    can_build: Callable[[], bool]

    def builder(self) -> Callable[..., Any] | None:
        return self.find()


FORMATS = (
    Format("pdf", "Handlingsprogrammet som PDF (A4)", "pdf", "application/pdf",
           lambda: _document("build_pdf"), _pdf_libraries_load),
    Format("html", "Handlingsprogrammet som én HTML-fil", "html", "text/html; charset=utf-8",
           lambda: _document("build_html"), lambda: _installed("jinja2")),
    Format("xlsx", "Planen og framskrivingen som Excel-arbeidsbok", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _workbook,
           lambda: _installed("openpyxl")),
    Format("zip", "Åpne data: Fiscal Data Package (CSV og datapackage.json)", "zip",
           "application/zip", _data_package, lambda: True),
)


def _pdf_engine_loads(module: Any) -> bool:
    try:
        module.pdf_engine()
    except Exception:  # PdfUnavailable: WeasyPrint cannot load the system's pango
        return False
    return True


LANGUAGE_FORMATS = {"pdf", "html"}
"""Formats written in the reader's language; the workbook and the data are the same in both."""


@cache
def available() -> list[Format]:
    """The formats this machine can build (looked up once a process)."""
    return [f for f in FORMATS if f.can_build()]


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
    if builder is None:  # the libraries were found but do not load after all
        raise NotFound(page._("Dokumentet finnes ikke i formatet «{ext}».").format(ext=ext))
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
