"""The board summary: what it lists matches the plan, and what changed since the last report."""

from __future__ import annotations

import json

import pytest

from nenboard.board import evaluate
from nenboard.case import Case, read_case
from nenboard.report.summary import LISTED, summarise, summary_text
from tests.conftest import EXAMPLES, run_cli

STAMP = "2026-01-01T00:00:00+00:00"


def _report(kb, name):
    return evaluate(read_case(EXAMPLES / f"{name}.yaml", kb), kb, timestamp=STAMP)


@pytest.mark.parametrize("name", ["si_net_after_ssa", "nec_after_platinum",
                                  "pannet_after_everolimus"])
def test_summary_lists_the_plans_options_tests_and_trials(kb, name):
    report = _report(kb, name)
    s = report.summary
    assert s == summarise(report)  # pure: the stored summary is the function's result
    planned = [o.name for o in report.options if o.category in LISTED]
    assert [o.name for o in s.options] == planned[:len(s.options)] and s.options
    assert s.who_label == report.classification.who_label
    wanted = {t.lower() for r in report.resistance for t in (r.model_extra or {}).get("tests", [])}
    wanted |= {(t.get("item") or "").lower() for t in report.to_complete if isinstance(t, dict)}
    assert s.tests and all(t.test.lower() in wanted for t in s.tests)
    listed = [(t.model_extra or {}).get("name") for t in report.trials]
    assert [t.name for t in s.trials] and all(t.name in listed for t in s.trials)
    assert s.changes is None  # no previous report given


def test_summary_support_is_the_options_own_trial_number(kb):
    s = _report(kb, "si_net_after_ssa").summary
    prrt = next(o for o in s.options if "177Lu-DOTATATE" in o.name)
    assert prrt.support.startswith("NETTER-1") and "8.4" in prrt.support  # control-arm PFS
    everolimus = next(o for o in s.options if o.name.startswith("Everolimus"))
    assert "RADIANT-4" in everolimus.support and "11" in everolimus.support


def test_applying_cautions_reach_the_summary(kb):
    report = _report(kb, "si_net_refractory_carcinoid_syndrome")
    for o in report.summary.options:
        full = next(x for x in report.options if x.therapy == o.therapy)
        applies = [c["text"] for c in (full.model_extra or {}).get("cautions", [])
                   if c["status"] == "applies"]
        assert o.cautions == applies


def test_changes_since_the_previous_report(kb):
    before = _report(kb, "si_net_after_ssa")
    assert summarise(before, before).changes == []
    data = read_case(EXAMPLES / "si_net_after_ssa.yaml", kb).model_dump(mode="json")
    data["tumor"]["ki67"] = 25  # regraded on re-biopsy: NET G3
    after = evaluate(Case.model_validate(data), kb, timestamp=STAMP)
    changes = summarise(after, before).changes
    what = {(c.kind, c.what) for c in changes}
    assert ("changed", "classification") in what
    assert any(c.what == "fact" and "Ki-67 12%" in c.text and "Ki-67 25%" in c.text
               for c in changes)
    old = {o.therapy for o in before.options}
    new = {o.therapy for o in after.options}
    assert {c.text.split(" (")[0] for c in changes if c.what == "option" and c.kind == "added"} \
        == {o.name.split(" (")[0] for o in after.options if o.therapy in new - old}


def test_summary_text_fits_the_width_without_splitting_words(kb):
    s = _report(kb, "pannet_after_everolimus").summary
    text = summary_text(s, width=80)
    assert max(len(line) for line in text.splitlines()) <= 80
    words = set(" ".join(o.name for o in s.options).split())
    printed = set(text.split())
    assert all(w in printed or w + "," in printed or "[" in w for w in words)


def test_board_command_prints_the_summary_and_compares_to_a_previous_report(
        kb, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    case = str(EXAMPLES / "si_net_after_ssa.yaml")
    code, out, _ = run_cli(["board", case, "--timestamp", STAMP], capsys)
    assert code == 0 and out.startswith("BOARD SUMMARY")
    assert "NET G2" in out and "does not replace" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    prev = tmp_path / "prev.json"
    code, _, _ = run_cli(["board", case, "--timestamp", STAMP, "-o", str(prev)], capsys)
    report = json.loads(prev.read_text())
    keys = list(report)
    assert code == 0 and keys.index("summary") < keys.index("case")  # the summary comes first
    code, out, _ = run_cli(["board", case, "--previous", str(prev)], capsys)
    assert code == 0 and "Since the previous report" in out and "nothing changed" in out
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a report"}')
    code, _, err = run_cli(["board", case, "--previous", str(bad)], capsys)
    assert code == 2 and "--previous" in err and "Traceback" not in err
