"""Property-based tests of every operation in the published OpenAPI document
(schemathesis, in-process ASGI, authenticated as a curator): no server errors.

Operations are driven one by one with Hypothesis (schemathesis' lazy pytest loader
does not work with pytest 9), each bounded to a few dozen generated requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from nenboard.knowledge import KnowledgeBase

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def api(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    from nenboard.api.app import create_app
    from nenboard.store.repo import Store

    store = Store(f"sqlite:///{Path(tmp_path_factory.mktemp('st')) / 'nb.db'}",
                  kb_version=kb.version)
    app = create_app(store=store, kb=kb)
    return app, store.add_user("schemathesis", "curator")


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, (operation.method, operation.path,
                                             response.text[:300])
        assert "Traceback" not in response.text

    check()


def test_no_server_errors_on_any_operation(api: tuple[Any, str]) -> None:
    app, token = api
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        _fuzz(operation, {"Authorization": f"Bearer {token}"})
