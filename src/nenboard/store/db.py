"""Database engine and schema migrations (Alembic), SQLite by default.

``NENBOARD_DATABASE_URL`` selects the database (e.g. PostgreSQL:
``postgresql+psycopg://user@host/nenboard``); the default is an embedded SQLite
file under ``NENBOARD_HOME`` (default ``~/.nenboard``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    url = os.environ.get("NENBOARD_DATABASE_URL")
    if url:
        return url
    home = Path(os.environ.get("NENBOARD_HOME", Path.home() / ".nenboard"))
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'nenboard.db'}"


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
    return create_engine(url, future=True, pool_pre_ping=True, **kwargs)


def upgrade(url: str) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine_for(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False, future=True)
