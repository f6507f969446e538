"""Fixtures for the service tests: a store per backend (SQLite always, PostgreSQL when
NENBOARD_TEST_POSTGRES_URL is set), the app, users of every role and their tokens."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from nenboard.knowledge import KnowledgeBase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
PG_URL = os.environ.get("NENBOARD_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.skipif(
    not PG_URL, reason="NENBOARD_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL "
    "server and sets it)")])]


def reset_postgres(url: str) -> None:
    """Drop nenboard's tables so every test session starts from an empty database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("audit_events", "reports", "cases", "users", "alembic_version"):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


_CREATED: list[str] = []


def worker_postgres_url(url: str) -> str:
    """A database of this test run and xdist worker (nenboard_test_<run>_gw0, ...), created on
    demand and dropped at the end, so parallel workers and parallel runs on one server do not
    drop each other's tables. Without xdist the named database is used as it is."""
    worker, run = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not worker:
        return url
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_{(run or str(os.getppid()))[:8]}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            _CREATED.append(name)
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def _drop_worker_databases() -> Iterator[None]:
    yield
    if not (_CREATED and PG_URL):
        return
    from sqlalchemy import create_engine, make_url, text

    from nenboard.store.db import engine_for

    engine_for.cache_clear()  # close this run's connections first
    engine = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in _CREATED:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def make_store(backend: str, tmp: Path, kb: KnowledgeBase) -> Any:
    from nenboard.store.repo import Store

    if backend == "sqlite":
        return Store(f"sqlite:///{tmp / 'nenboard.db'}", kb_version=kb.version)
    assert PG_URL
    from nenboard.store.db import engine_for

    url = worker_postgres_url(PG_URL)
    engine_for(url).dispose()
    reset_postgres(url)
    return Store(url, kb_version=kb.version)


@dataclass
class Service:
    client: Any
    store: Any
    app: Any
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(scope="module", params=BACKENDS)
def svc(request: pytest.FixtureRequest, kb: KnowledgeBase,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    from fastapi.testclient import TestClient

    from nenboard.api.app import create_app

    store = make_store(request.param, tmp_path_factory.mktemp(request.param), kb)
    tokens = {role: store.add_user(f"test-{role}", role)
              for role in ("viewer", "clinician", "curator")}
    app = create_app(store=store, kb=kb)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Service(client, store, app, tokens)


@pytest.fixture(scope="session")
def si_net_case() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "si_net_after_ssa.yaml").read_text())


@pytest.fixture(scope="session")
def mcode_bundle() -> dict[str, Any]:
    return json.loads((FIXTURES / "si_net_after_ssa_mcode.json").read_text())
