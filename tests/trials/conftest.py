"""Fixtures for the trial-matching tests.

``real_kb`` is the bundled knowledge base as it loads (records that validate;
the cross-reference check is `nenboard kb check`'s job). ``fixture_kb`` is the
same knowledge base with its trials replaced by tests/trials/fixtures/trials.yaml,
so matcher semantics are tested independently of curation progress.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from nenboard.case import Case, read_case
from nenboard.knowledge import KnowledgeBase
from nenboard.knowledge.loader import load_with_problems
from nenboard.knowledge.schema import Trial

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    return load_with_problems()[0]


@pytest.fixture(scope="session")
def fixture_trials() -> dict[str, Trial]:
    records = yaml.safe_load((FIXTURES / "trials.yaml").read_text(encoding="utf-8"))
    return {r["id"]: Trial.model_validate(r) for r in records}


@pytest.fixture(scope="session")
def fixture_kb(real_kb: KnowledgeBase, fixture_trials: dict[str, Trial]) -> KnowledgeBase:
    return real_kb.model_copy(update={"trials": fixture_trials})


@pytest.fixture(scope="session")
def fixture_case(real_kb: KnowledgeBase) -> Callable[[str], Case]:
    def load(name: str) -> Case:
        return read_case(FIXTURES / f"{name}.yaml", real_kb)

    return load
