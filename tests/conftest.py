"""Shared fixtures: the bundled knowledge base, example cases, CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenboard.knowledge import KnowledgeBase, default_kb

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "cases"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="session")
def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `nenboard ARGS` in-process; returns (exit code, stdout, stderr)."""
    from nenboard.cli import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
