"""Shared fixtures for the genomics tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenboard.knowledge.loader import KnowledgeBase, load_with_problems

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
REAL = ROOT.parent / "shared" / "data" / "real"
SEEDS = ROOT.parent / "shared" / "seeds"
CASES = ROOT / "examples" / "cases"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled knowledge base; our own records must load without problems."""
    base, problems = load_with_problems()
    mine = [p for p in problems if "biomarkers/" in p.path or "frequencies/" in p.path]
    assert not mine, mine
    return base


def real(*parts: str) -> Path:
    path = REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    return path
