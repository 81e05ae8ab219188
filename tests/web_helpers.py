"""The store for the web tests: the real ``muniplan.store.Store`` on a SQLite file in a
temporary folder, with the Bærum example imported as an adopted version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from muniplan.plan.load import read_folder, resolve
from muniplan.store import Settings, Store


def make_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/m.db")


def make_store(tmp_path: Path) -> Any:
    """The Bærum example, adopted, as version 1."""
    store = Store.from_settings(make_settings(tmp_path))
    store.upgrade()
    store.import_files(read_folder(resolve(None)), status="adopted")
    add_followup_reports(store)
    return store


def add_followup_reports(store: Any) -> None:
    """The follow-up TEST year (tests/followup/, not Bærum's accounts) recorded and
    published: 2018 T1, T2 and the accounts."""
    from muniplan.store.followup import publish_report, record_report

    folder = Path(__file__).parent / "followup" / "baerum" / "actuals"
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv"))}
    for period in ("T1", "T2", "year"):
        record_report(store, "baerum-2018-2021", 2018, period, files, author="test")
        publish_report(store, "baerum-2018-2021", 2018, period, by="test")


def add_draft(store: Any, title: str) -> Any:
    """A later draft of the example with another title (a new version, not adopted)."""
    files = read_folder(resolve(None))
    files["plan.yaml"] = files["plan.yaml"].replace(
        'title: "Handlingsprogram 2018–2021: Rigge kommunen for langsiktig bærekraft"',
        f'title: "{title}"', 1)
    version, created = store.import_files(files, status="draft")
    assert created
    return version
