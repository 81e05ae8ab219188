"""The server's first pages do no work they do not show: the overview lists the documents this
machine can build without importing what builds them (WeasyPrint, openpyxl), and a document
asked for is still built; the store checks its schema without importing Alembic, with the
same answer as Alembic's. The warm-up starts once the server answers. How long the server
takes to its first answer is measured by benchmarks/bench_startup.py (no timed assertion
here)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from web_helpers import make_store

from muniplan.store import migrate
from muniplan.web.pages.downloads import PDF_LIBRARIES, _loads, available

PROBE = """
import sys
from fastapi.testclient import TestClient
sys.path.insert(0, {tests!r})
from web_helpers import make_settings
from pathlib import Path
from muniplan.store import Store
from muniplan.web.app import create_app
settings = make_settings(Path({tmp!r}))
with TestClient(create_app(settings, Store.from_settings(settings))) as client:
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    assert 'dokument.xlsx"' in page.text
    before = sorted(m for m in ("weasyprint", "openpyxl", "alembic") if m in sys.modules)
    workbook = client.get("/plan/baerum-2018-2021/dokument.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    print(" ".join(before) or "-", "openpyxl" in sys.modules)
"""


def test_the_first_page_imports_neither_document_builders_nor_alembic(tmp_path: Path) -> None:
    make_store(tmp_path).dispose()  # upgraded and the example imported, in this process
    probe = PROBE.format(tests=str(Path(__file__).parent), tmp=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["-", "True"]


def _engines(tmp_path: Path) -> list[Any]:
    """An empty SQLite database, and a fresh schema of the test PostgreSQL server (where
    other tests' tables are out of sight) if there is one."""
    from sqlalchemy import create_engine, text

    engines = [create_engine(f"sqlite:///{tmp_path}/schema.db")]
    url = os.environ.get("MUNIPLAN_TEST_POSTGRES_URL")
    if url:
        schema = f"schema_check_{os.getpid()}"
        with create_engine(url).begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        engines.append(create_engine(url, connect_args={"options": f"-csearch_path={schema}"}))
    return engines


def test_the_schema_check_gives_alembics_answer(tmp_path: Path) -> None:
    from sqlalchemy import text

    from muniplan.store import migrate

    assert migrate.head() == migrate.alembic_head() is not None
    for engine in _engines(tmp_path):
        try:
            assert migrate.current(engine) is None and migrate.alembic_current(engine) is None
            with engine.begin() as connection:
                connection.execute(text("CREATE TABLE alembic_version "
                                        "(version_num VARCHAR(32) NOT NULL)"))
                connection.execute(text("INSERT INTO alembic_version VALUES ('0003'), ('0002')"))
            assert migrate.current(engine) == migrate.alembic_current(engine) == "0002,0003"
            with engine.begin() as connection:
                connection.execute(text("DROP TABLE alembic_version"))
                if engine.dialect.name == "postgresql":
                    schema = connection.execute(text("SELECT current_schema()")).scalar()
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        finally:
            engine.dispose()


def test_the_pdf_is_offered_where_its_libraries_load() -> None:
    offered = "pdf" in {f.key for f in available()}
    loads = all(_loads(name, soname) for name, soname in PDF_LIBRARIES.items())
    assert offered == loads
    assert not _loads("no-such-library", "libno-such-library.so.0")


def test_the_warm_up_starts_once_the_server_accepts_connections(monkeypatch) -> None:
    import socket
    import time

    from muniplan.web import serving

    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
        return started[-1]

    monkeypatch.setattr(serving, "start_warming", start)
    with socket.socket() as probe:  # a port nothing listens on yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        warming = serving.Warming("0.0.0.0", port)
        time.sleep(5 * serving.Warming.POLL_SECONDS)
        assert started == [] and warming.process is None
        probe.listen()
        for _ in range(300):
            if warming.process is not None:
                break
            time.sleep(serving.Warming.POLL_SECONDS)
    assert warming.process is not None and started == [warming.process]
    warming.stop()
    assert warming.process.poll() is not None  # ended with the server


def test_a_warm_up_stopped_before_the_server_answers_never_starts(monkeypatch) -> None:
    import socket
    import time

    from muniplan.web import serving

    monkeypatch.setattr(serving, "start_warming", lambda: pytest.fail("started"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        warming = serving.Warming("127.0.0.1", probe.getsockname()[1])
        warming.stop()
        probe.listen()
        time.sleep(5 * serving.Warming.POLL_SECONDS)
    assert warming.process is None


def test_the_shipped_head_is_read_once_whoever_asks(monkeypatch) -> None:
    """A server's first readers arrive together, each on its own thread, and each store read
    asks for the head: parsing the migration files from several threads at once fails in
    CPython 3.11 ("AST constructor recursion depth mismatch"), so it is read once, under a
    lock, and kept."""
    reads = []
    real = migrate._read_head

    def counted() -> str | None:
        reads.append(1)
        return real()

    monkeypatch.setattr(migrate, "_read_head", counted)
    monkeypatch.setattr(migrate, "_HEAD", [])
    gate = threading.Barrier(16)
    heads: list[str | None] = []

    def ask() -> None:
        gate.wait()
        heads.append(migrate.head())

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reads) == 1
    assert len(heads) == 16 and set(heads) == {migrate.alembic_head()}
