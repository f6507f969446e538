"""The SQLite database holds clinical cases: nenboard creates it owner-only (0600) in an
owner-only directory (0700), whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from nenboard.store.db import default_url, sqlite_path

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def open_umask():
    old = os.umask(0o002)  # a permissive umask: group- and world-readable by default
    yield
    os.umask(old)


def test_default_home_and_database_are_owner_only(tmp_path: Path, monkeypatch, kb,
                                                  open_umask) -> None:
    from nenboard.store.repo import Store

    home = tmp_path / "home" / "nbhome"
    monkeypatch.delenv("NENBOARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("NENBOARD_HOME", str(home))
    store = Store(kb_version=kb.version)
    store.add_user("perm", "viewer")  # written, journal and all
    db = sqlite_path(store.url)
    assert db == home / "nenboard.db"
    assert _mode(home) == 0o700 and _mode(db) == 0o600
    assert not [p for p in home.iterdir() if _mode(p) & 0o077]


def test_an_explicit_sqlite_file_is_created_owner_only(tmp_path: Path, kb, open_umask) -> None:
    from nenboard.store.repo import Store

    store = Store(f"sqlite:///{tmp_path / 'new' / 'cases.db'}", kb_version=kb.version)
    assert _mode(tmp_path / "new") == 0o700 and _mode(tmp_path / "new" / "cases.db") == 0o600
    existing = tmp_path / "shared.db"  # a file its owner made: its mode is theirs
    existing.touch(mode=0o640)
    os.chmod(existing, 0o640)
    Store(f"sqlite:///{existing}", kb_version=kb.version)
    assert _mode(existing) == 0o640
    assert store.url.startswith("sqlite")


def test_the_default_database_left_world_readable_is_tightened(tmp_path: Path, monkeypatch,
                                                               open_umask) -> None:
    home = tmp_path / ".nenboard"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    (home / "nenboard.db").touch()
    os.chmod(home / "nenboard.db", 0o644)
    monkeypatch.delenv("NENBOARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("NENBOARD_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{home / 'nenboard.db'}"
    assert _mode(home) == 0o700 and _mode(home / "nenboard.db") == 0o600
