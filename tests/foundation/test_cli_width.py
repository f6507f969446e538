"""Every text command on every example fits 80 columns and never splits a word or an id.

A word split by wrapping (or cut short with an ellipsis) shows up as a token that the
same output, laid out without any width limit, does not contain. Each command runs
in-process at width 80 and at an unlimited width, and the tokens are compared.
"""

from __future__ import annotations

import pytest

from nenboard import interface
from tests.conftest import EXAMPLES, run_cli

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
WIDE = 100_000
RULES = "-─━═│┃"

CASE_COMMANDS = [
    ["classify"], ["classify", "--detail"], ["plan"], ["plan", "--detail"],
    ["molecular"], ["molecular", "--detail"], ["trials"], ["trials", "--all", "--detail"],
]
OTHER_COMMANDS = [
    ["kb", "search", "everolimus"], ["kb", "search", "NCT"], ["kb", "show", "radiant-3"],
    ["kb", "show", "everolimus"], ["kb", "show", "who2019-gep-nen"],
    ["simulate", "pathway", "--drug", "everolimus", "--genotype", "TSC2_loss"],
    ["simulate", "trial", "--sequence", "ssa,everolimus", "--patients", "200"],
]


def _render(args: list[str], width: int, capsys, monkeypatch) -> str:
    monkeypatch.setattr(interface.console, "width", width)
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    return out


def _check(args: list[str], capsys, monkeypatch) -> None:
    narrow = _render(args, 80, capsys, monkeypatch)
    wide = _render(args, WIDE, capsys, monkeypatch)
    lines = narrow.splitlines()
    assert lines, args
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, f"{args}: {len(too_wide)} lines over 80 columns: {too_wide[0]!r}"
    whole = set(_words(wide))
    split = [t for t in _words(narrow) if t not in whole]
    assert not split, f"{args}: words split or cut at 80 columns: {split[:5]}"
    assert "…" not in narrow
    assert len(_words(wide)) == len(_words(narrow)), f"{args}: text lost or added by wrapping"


def _words(text: str) -> list[str]:
    """Tokens, without table rules (a rule's length follows the column width)."""
    return [t for t in text.split() if t.strip(RULES)]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_case_commands_fit_80_columns(path, capsys, monkeypatch):
    for command in CASE_COMMANDS:
        _check([*command, str(path)], capsys, monkeypatch)


@pytest.mark.parametrize("command", OTHER_COMMANDS, ids=" ".join)
def test_other_commands_fit_80_columns(command, capsys, monkeypatch):
    from nenboard.systems import calibration

    real = calibration.cached  # a small calibration: the layout is under test, not the fit
    monkeypatch.setattr(calibration, "cached", lambda data: real(data, n=300))
    _check(command, capsys, monkeypatch)


def test_ids_in_kb_search_are_whole_and_showable(capsys, monkeypatch):
    from nenboard.knowledge import default_kb
    from nenboard.knowledge.search import search

    out = _render(["kb", "search", "everolimus"], 80, capsys, monkeypatch)
    ids = [rec.id for _, rec, _ in search(default_kb(), "everolimus")]
    tokens = set(out.split())
    assert ids and all(i in tokens for i in ids)
    longest = max(ids, key=len)
    assert run_cli(["kb", "show", longest], capsys)[0] == 0
