"""A lean HTTP/1.1 load client for the web benchmarks: keep-alive connections on raw asyncio
streams, nothing parsed but the status line and the body's length.

The server and the client share the same two cores, so a heavy client (httpx costs about a
millisecond of CPU per request) takes CPU from the server it measures and adds its own queue
to every time. This one costs a tenth of that; and the benchmarks print the same client
against a trivial app (:func:`baseline_app`) so the reader sees the floor the client and the
HTTP server set, as a ratio, in the same run.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

HEADERS = {"accept-encoding": "br, gzip", "accept-language": "nb"}


@dataclass
class Result:
    """Seconds per request and how many failed (not 200/303, or the connection broke)."""

    times: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class Connection:
    """One keep-alive connection to ``host:port``."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, bytes, dict[str, str]]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}",
                 *(f"{k}: {v}" for k, v in {**HEADERS, **(headers or {})}.items())]
        if body or method == "POST":
            lines.append(f"content-length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        found = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            if name:
                found[name.strip().lower()] = value.strip()
        payload = await self.reader.readexactly(int(found.get("content-length", "0")))
        if found.get("connection", "").lower() == "close":
            self.close()
        return int(status_line.split()[1]), payload, found

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def sustained(host: str, port: int, n: int, seconds: float,
                    make: Callable[[Connection], Awaitable[int]]) -> Result:
    """``n`` connections each calling ``make`` (one request, its status) for ``seconds``."""
    result = Result()
    end = time.perf_counter() + seconds

    async def client() -> None:
        conn = Connection(host, port)
        while time.perf_counter() < end:
            t = time.perf_counter()
            try:
                status = await make(conn)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                conn.close()
                status = 0
            result.times.append(time.perf_counter() - t)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.errors += 0 if status in (200, 303) else 1
        conn.close()

    await asyncio.gather(*[client() for _ in range(n)])
    return result


async def get_many(host: str, port: int, path: str, n: int, seconds: float) -> Result:
    async def one(conn: Connection) -> int:
        return (await conn.request("GET", path))[0]

    return await sustained(host, port, n, seconds, one)


def port_range(default: range | None = None) -> range | None:
    """The loopback ports a benchmark may use: ``BENCH_PORTS=8100-8199`` (on a shared machine
    each user keeps to their own), else ``default`` (None: any free port the system gives)."""
    spec = os.environ.get("BENCH_PORTS")
    if not spec:
        return default
    low, _, high = spec.partition("-")
    return range(int(low), int(high or low) + 1)


def free_port(ports: range | None = None) -> int:
    """A free loopback port, from ``ports`` if given."""
    for port in ports if ports is not None else [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free loopback port in {ports}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


async def baseline_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The cheapest ASGI app: what the HTTP server and this client cost on their own."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """End a server the benchmark started: terminate, and kill if it does not go."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
