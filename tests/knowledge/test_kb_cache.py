"""The JSON cache of the bundled knowledge base gives back exactly the YAML-loaded one."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenboard.knowledge import loader


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NENBOARD_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cached_kb_equals_the_yaml_kb(cache: Path) -> None:
    fresh = loader.load()
    first = loader._load_cached()  # writes the cache
    files = list(cache.glob("kb-*.json"))
    assert len(files) == 1 and fresh.version in files[0].name
    second = loader._load_cached()  # reads it
    assert first == fresh and second == fresh
    assert second.rules["prrt-midgut-after-ssa"].when == \
        fresh.rules["prrt-midgut-after-ssa"].when


def test_corrupt_or_tampered_cache_is_rebuilt(cache: Path) -> None:
    loader._load_cached()
    path = next(cache.glob("kb-*.json"))
    path.write_text('{"version": "x", "rules": {"r": {"not": "a rule"}}}', encoding="utf-8")
    assert loader._load_cached() == loader.load()
    path.write_bytes(b"\x00 not json")
    assert loader._load_cached() == loader.load()


def test_unwritable_cache_dir_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NENBOARD_CACHE_DIR", str(blocker / "sub"))
    assert loader._load_cached() == loader.load()
