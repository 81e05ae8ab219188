"""How responses travel: compressed (brotli or gzip), with an ETag so a reader's browser can
ask "has it changed?" and get an empty 304, and with a Cache-Control that fits the page.

A plain ASGI middleware, so it costs nothing on responses it leaves alone (downloads that are
already compressed, like PDF and Excel, pass straight through). The compressed bodies of the
most recent responses are kept: the pages of a version are the same for every reader, so the
site compresses each once, not once per request.
"""

from __future__ import annotations

import gzip
import hashlib
from typing import Any

from muniplan.web.source import BoundedCache

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
MIN_SIZE = 512
"""Smaller bodies are sent as they are: compression would save less than its headers cost."""

STATIC = "public, max-age=3600"
"""The site's own CSS, script and icon: an hour, then a cheap revalidation by ETag."""
PUBLIC_PAGE = "public, max-age=60"
"""A page or chart of a published version: a minute (a new adoption shows within one)."""
PRIVATE = "private, no-cache"
"""Anything asked with a cookie or credentials, or setting one: never kept by a shared
cache."""


def encoder(accept: str) -> str | None:
    offered = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if "br" in offered:
        return "br"
    if "gzip" in offered:
        return "gzip"
    return None


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        import brotli

        return brotli.compress(body, quality=5)
    return gzip.compress(body, compresslevel=6, mtime=0)


class Transfer:
    """Compression, ETag / 304 and Cache-Control for GET responses of the wrapped app."""

    def __init__(self, app: Any, cache_size: int = 256) -> None:
        self.app = app
        self.compressed = BoundedCache(cache_size)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        passing = False

        async def capture(message: dict[str, Any]) -> None:
            nonlocal passing
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"").decode()
                if message["status"] != 200 or not kind.startswith(COMPRESSIBLE):
                    passing = True
                    await send(message)
                    return
                start.update(message)
                return
            if passing:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._finish(scope, headers, start, b"".join(chunks), send)

        await self.app(scope, receive, capture)

    async def _finish(self, scope: dict[str, Any], request: dict[str, str],
                      start: dict[str, Any], body: bytes, send: Any) -> None:
        out = [(k, v) for k, v in start.get("headers", [])
               if k.lower() not in (b"content-length", b"etag")]
        present = {k.lower() for k, _ in out}
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        encoding = encoder(request.get("accept-encoding", "")) if len(body) >= MIN_SIZE else None
        etag = f'"{digest}{"-" + encoding if encoding else ""}"'
        out.append((b"etag", etag.encode()))
        out.append((b"vary", b"Accept-Encoding"))
        if b"cache-control" not in present:
            policy = PRIVATE if b"set-cookie" in present else self._policy(scope["path"], request)
            out.append((b"cache-control", policy.encode()))
        if etag in {t.strip() for t in request.get("if-none-match", "").split(",")}:
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        if encoding is not None:
            body = self.compressed.get((digest, encoding), lambda: _compress(body, encoding))
            out.append((b"content-encoding", encoding.encode()))
        out.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": out})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _policy(path: str, request: dict[str, str]) -> str:
        if "cookie" in request or "authorization" in request:
            return PRIVATE
        if path.startswith("/static/"):
            return STATIC
        return PUBLIC_PAGE
