"""The store: plans and their immutable versions, in SQLite or PostgreSQL (DESIGN.md,
"Storage").

    store = Store.from_settings(Settings())      # MUNIPLAN_DATABASE_URL or ./data/muniplan.db
    store.upgrade()                              # muniplan db upgrade
    version, created = store.import_files(read_folder(resolve(None)), status="adopted")
    plan = store.load(version.plan_id)           # the newest adopted version, else the newest
"""

from muniplan.store import followup_schema  # noqa: F401 - its tables join the schema
from muniplan.store.errors import NotFoundError, StoreError
from muniplan.store.records import PlanRecord, VersionRecord
from muniplan.store.schema import STATUSES
from muniplan.store.settings import Settings
from muniplan.store.store import Store

__all__ = [
    "STATUSES",
    "NotFoundError",
    "PlanRecord",
    "Settings",
    "Store",
    "StoreError",
    "VersionRecord",
]
