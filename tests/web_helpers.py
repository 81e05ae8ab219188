"""A store for the web tests: the real ``muniplan.store.Store`` on a SQLite file when it
exists, otherwise a tiny in-memory stand-in with the same method names."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muniplan.plan.load import load_plan


@dataclass(frozen=True)
class PlanRecord:
    id: str
    title: str
    municipality: str
    number: str
    latest_version: int
    latest_status: str


@dataclass(frozen=True)
class VersionRecord:
    plan_id: str
    number: int
    status: str
    parent: int | None
    author: str
    message: str
    created_at: str
    digest: str


class MemoryStore:
    """Holds plans in memory; every ``add`` is a new version."""

    def __init__(self) -> None:
        self._versions: dict[str, list[tuple[VersionRecord, Any]]] = {}

    def add(self, plan: Any, status: str = "adopted") -> VersionRecord:
        versions = self._versions.setdefault(plan.id, [])
        rec = VersionRecord(plan.id, len(versions) + 1, status,
                            versions[-1][0].number if versions else None, "test", "import",
                            "2017-12-06T00:00:00", plan.digest)
        versions.append((rec, plan))
        return rec

    def plans(self) -> list[PlanRecord]:
        out = []
        for pid, versions in self._versions.items():
            rec, plan = versions[-1]
            out.append(PlanRecord(pid, plan.title, plan.municipality.name,
                                  plan.municipality.number, rec.number, rec.status))
        return out

    def versions(self, plan_id: str) -> list[VersionRecord]:
        if plan_id not in self._versions:
            raise KeyError(plan_id)
        return [r for r, _ in self._versions[plan_id]]

    def version(self, plan_id: str, number: int | None = None) -> VersionRecord:
        versions = self.versions(plan_id)
        if number is None:
            return versions[-1]
        return next(v for v in versions if v.number == number)

    def load(self, plan_id: str, number: int | None = None) -> Any:
        versions = self._versions[plan_id]
        if number is None:
            return versions[-1][1]
        return next(p for r, p in versions if r.number == number)


def real_store_available() -> bool:
    return importlib.util.find_spec("muniplan.store.settings") is not None or _has_store()


def _has_store() -> bool:
    try:
        import muniplan.store as store
    except ImportError:
        return False
    return hasattr(store, "Store")


def make_store(tmp_path: Path) -> Any:
    """The Bærum example, adopted, in the real store if there is one."""
    if _has_store():
        from muniplan.plan.load import read_folder, resolve
        from muniplan.store import Store

        store = Store(f"sqlite:///{tmp_path}/m.db")
        store.upgrade()
        store.import_files(read_folder(resolve(None)), status="adopted")
        return store
    store = MemoryStore()
    store.add(load_plan())
    return store


def make_settings(tmp_path: Path) -> Any:
    if _has_store():
        from muniplan import store as store_module

        settings_cls = getattr(store_module, "Settings", None)
        if settings_cls is not None:
            try:
                return settings_cls(database_url=f"sqlite:///{tmp_path}/m.db")
            except TypeError:
                return None
    return None
