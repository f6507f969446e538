"""Database engine and schema migrations (Alembic), SQLite by default.

``NENBOARD_DATABASE_URL`` selects the database (e.g. PostgreSQL:
``postgresql+psycopg://user@host/nenboard``); the default is an embedded SQLite
file under ``NENBOARD_HOME`` (default ``~/.nenboard``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    url = os.environ.get("NENBOARD_DATABASE_URL")
    if url:
        return url
    chosen = os.environ.get("NENBOARD_HOME")
    home = Path(chosen) if chosen else Path.home() / ".nenboard"
    private_dir(home)
    db = home / "nenboard.db"
    if not chosen:  # nenboard's own directory: tighten what an older version left open
        _owner_only(home, 0o700)
        if db.exists():
            _owner_only(db, 0o600)
    return f"sqlite:///{db}"


def private_dir(path: Path) -> None:
    """Create ``path`` owner-only (0700) if it is missing; an existing one is left alone."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
        _owner_only(path, 0o700)


def _owner_only(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(mode)
    except (AttributeError, OSError):  # no getuid (Windows) or not ours: leave it alone
        pass


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL; None for in-memory or other databases."""
    if not url.startswith("sqlite"):
        return None
    name = make_url(url).database
    return Path(name) if name and name != ":memory:" and not name.startswith("file:") else None


def prepare_sqlite(url: str) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does (it would use the umask).

    SQLite gives its journal and WAL files the database file's mode. A directory
    nenboard creates is 0700. An existing file is left as its owner set it.
    """
    path = sqlite_path(url)
    if path is None:
        return
    if not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
    return create_engine(url, future=True, pool_pre_ping=True, **kwargs)


def upgrade(url: str) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    prepare_sqlite(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine_for(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False, future=True)
