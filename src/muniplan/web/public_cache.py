"""The anonymous reader's fast path: whole responses kept for a moment, in front of everything.

Under a crowd most requests are the same few public pages asked by readers without a cookie,
and each of them answers exactly as the last one did: the same version, the same bytes, the
same compression. So the outermost middleware keeps each such finished response — headers,
compressed body and ETag — per (path, query, language, encoding) and answers the next reader
from memory without touching the routing, the templates, the store or the compressor.

What keeps it right:

* Only a ``GET`` without a cookie or credentials, answered 200 without ``Set-Cookie``, is
  kept (a logged-in user's page, a login redirect, an error, a form that hands out a CSRF
  cookie never are).
* An entry lives ``ttl()`` seconds: the same freshness the site already allows for "which
  version is current" (``muniplan serve``: 1 s), so a version adopted or a comment published
  from the command line or another worker shows within it. A write by a logged-in user
  through this worker that succeeds (any other method, with a session cookie, answered below
  400: publishing, moderating) empties the cache at once. A citizen's anonymous submission
  does not: it changes no public page until staff moderate it.
* ``ttl() <= 0`` (the default of an app built without ``muniplan serve``, as the tests build
  it) turns the cache off: every request goes through the whole stack.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from muniplan.web.auth.session import SESSION_COOKIE
from muniplan.web.i18n import page_language
from muniplan.web.transfer import encoder

MAX_BODY = 4 << 20
"""Bigger bodies (none of the pages; a large download) are not kept."""
STALE = 5.0
"""Seconds past its freshness an entry may still answer while another request remakes it."""


@dataclass(frozen=True)
class Kept:
    """One finished response and when it was made."""

    made: float
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes


class PublicCache:
    """ASGI middleware: the finished public responses of the last ``ttl()`` seconds."""

    def __init__(self, app: Any, ttl: Callable[[], float],
                 forget: Callable[[], None] = lambda: None, size: int = 1024) -> None:
        self.app = app
        self.ttl = ttl
        self.forget = forget
        """Called with :meth:`clear`: what else the site reuses for ``ttl()`` seconds."""
        self.size = size
        self._data: OrderedDict[tuple[Any, ...], Kept] = OrderedDict()
        self._lock = threading.Lock()
        self._refreshing: set[tuple[Any, ...]] = set()
        self.hits = 0
        """Responses answered from memory: what the tests and the benchmark count."""

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
        self.forget()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        if scope["method"] not in ("GET", "HEAD"):
            staff = SESSION_COOKIE.encode() in headers.get(b"cookie", b"")
            await self.app(scope, receive, self._clearing(send) if staff else send)
            return
        ttl = self.ttl()
        if (scope["method"] != "GET" or ttl <= 0 or b"cookie" in headers
                or b"authorization" in headers):
            await self.app(scope, receive, send)
            return
        key = self._key(scope, headers)
        kept, refresh = self._fresh(key, ttl)
        if kept is not None and not refresh:
            self.hits += 1
            await self._answer(kept, headers.get(b"if-none-match", b""), send)
            return
        try:
            await self.app(scope, receive, self._keeping(key, send))
        finally:
            if refresh:
                with self._lock:
                    self._refreshing.discard(key)

    @staticmethod
    def _key(scope: dict[str, Any], headers: dict[bytes, bytes]) -> tuple[Any, ...]:
        query = scope.get("query_string", b"")
        asked = dict(parse_qsl(query.decode("latin-1"))).get("lang") if query else None
        lang = page_language(asked)
        return (scope["path"], query, lang,
                encoder(headers.get(b"accept-encoding", b"").decode("latin-1")))

    def _fresh(self, key: tuple[Any, ...], ttl: float) -> tuple[Kept | None, bool]:
        """The entry to answer with, and whether this request is the one to refresh it.

        When an entry expires under a crowd, one request goes through the stack to make it
        again while the others are answered with the one just expired (for at most
        ``STALE`` seconds more): without that, every reader arriving in that moment would
        render the page at once, each second, for each page."""
        with self._lock:
            kept = self._data.get(key)
            if kept is None:
                return None, False
            age = time.monotonic() - kept.made
            if age < ttl:
                self._data.move_to_end(key)
                return kept, False
            if key in self._refreshing and age < ttl + STALE:
                return kept, False
            if key in self._refreshing:
                return None, False
            self._refreshing.add(key)
            return None, True

    def _store(self, key: tuple[Any, ...], kept: Kept) -> None:
        with self._lock:
            self._data[key] = kept
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    @staticmethod
    async def _answer(kept: Kept, if_none_match: bytes, send: Any) -> None:
        if kept.etag and kept.etag in {t.strip() for t in if_none_match.split(b",")}:
            headers = [(k, v) for k, v in kept.headers
                       if k not in (b"content-length", b"content-encoding")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": kept.status,
                    "headers": list(kept.headers)})
        await send({"type": "http.response.body", "body": kept.body})

    def _keeping(self, key: tuple[Any, ...], send: Any) -> Any:
        """``send`` that also keeps the response, if it may be kept."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        size = 0
        keeping = True

        async def capture(message: dict[str, Any]) -> None:
            nonlocal keeping, size
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", ())}
                keeping = message["status"] == 200 and b"set-cookie" not in names
                start.update(message)
            elif keeping and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                keeping = size <= MAX_BODY
                if keeping and not message.get("more_body", False):
                    headers = tuple((k.lower(), v) for k, v in start.get("headers", ()))
                    self._store(key, Kept(time.monotonic(), start["status"], headers,
                                          b"".join(chunks), dict(headers).get(b"etag", b"")))
            await send(message)

        return capture

    def _clearing(self, send: Any) -> Any:
        """``send`` that empties the cache when a write succeeded."""

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                self.clear()
            await send(message)

        return watch
