"""Where the store lives, read from the environment.

A plain dataclass so that the CLI, the web app and the tests can build one by hand; only
:meth:`Settings.from_env` looks at the environment. The default is an embedded SQLite file in
``./data`` (relative to the working directory, so ``make run`` in a checkout keeps its data
beside the code); ``MUNIPLAN_DATABASE_URL`` switches to any SQLAlchemy URL, e.g.
``postgresql+psycopg://user@host/db``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DATABASE_URL_ENV = "MUNIPLAN_DATABASE_URL"
DATA_DIR_ENV = "MUNIPLAN_DATA_DIR"
DEFAULT_DATA_DIR = "data"
SQLITE_FILE = "muniplan.db"


def _env_url() -> str | None:
    return os.environ.get(DATABASE_URL_ENV, "").strip() or None


def _env_data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV, "").strip() or DEFAULT_DATA_DIR)


@dataclass(frozen=True)
class Settings:
    """The store's location. ``database_url`` wins over ``data_dir`` when both are set.

    ``Settings()`` reads the environment; pass values to override it.
    """

    data_dir: Path = field(default_factory=_env_data_dir)
    database_url: str | None = field(default_factory=_env_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get(DATABASE_URL_ENV, "").strip() or None
        data_dir = env.get(DATA_DIR_ENV, "").strip() or DEFAULT_DATA_DIR
        return cls(data_dir=Path(data_dir), database_url=url)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL to open: ``database_url``, or the SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / SQLITE_FILE).as_posix()}"
