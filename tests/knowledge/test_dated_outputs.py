"""Dated statuses in every output: 'as stated in', 'to verify' with the registry link,
closed trials as evidence (not enrolment options), and 'evidence as of' on every command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from nenboard.case import read_case
from nenboard.cli import main
from nenboard.knowledge import dates, default_kb
from nenboard.knowledge.schema import StatusAsOf
from nenboard.therapy import plan
from nenboard.trials import match_trials

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
PANNET = str(EXAMPLES / "pannet_after_ssa.yaml")
SINET = str(EXAMPLES / "si_net_after_ssa.yaml")
AS_OF = dt.date(2026, 12, 2)


def newest_publication() -> str:
    """What "evidence as of" must say: the newest publication date of the registered sources."""
    kb = default_kb()
    return max((s.published for s in kb.sources.values()
                if s.kind in ("review", "article", "label", "guideline")), key=dates.earliest)


@pytest.fixture(scope="module")
def kb():
    return default_kb()


def _walk(node):
    """Every citation dict nested in exported record data."""
    if isinstance(node, dict):
        if "locator" in node and isinstance(node.get("source"), str):
            yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_trials_json_dates_every_status(capsys, kb):
    data = _json(capsys, ["trials", PANNET, "-f", "json", "--as-of", "2026-12-02"])
    assert data["as_of"] == "2026-12-02"
    assert data["evidence"]["evidence_as_of"] == newest_publication() >= "2023-07-08"
    assert data["evidence"]["kb_version"] == kb.version and kb.version.startswith("2026.12.02+")
    for m in data["matches"]:
        assert "(as stated in " in m["status_label"], m["trial"]
        assert m["status_as_of"]["date"], m["trial"]
        # every status in the landed knowledge base is older than 12 months
        assert m["enrolment"] in ("to_verify", "evidence"), m["trial"]
        if m["enrolment"] == "to_verify" and m["nct"]:
            assert m["status_label"].startswith("to verify: ")
            assert f"https://clinicaltrials.gov/study/{m['nct']}" in m["status_label"]
    cabinet = next(m for m in data["matches"] if m["nct"] == "NCT03375320")
    assert cabinet["status_label"] == ("to verify: recruiting (as stated in mcclellan2022, 2022); "
                                       "check https://clinicaltrials.gov/study/NCT03375320")


def test_closed_trials_rank_after_those_to_verify(kb):
    matches = match_trials(read_case(SINET, kb), kb, as_of=AS_OF)
    fitting = [m for m in matches if m.eligibility != "ineligible"]
    standing = [m.enrolment for m in fitting]
    assert standing == sorted(standing, key=["enrolling", "to_verify", "evidence"].index)
    netter1 = next(m for m in matches if m.trial.id == "netter-1")
    assert netter1.enrolment == "evidence" and "not enrolling" in netter1.explanation
    first_closed = standing.index("evidence")
    assert all(m.enrolment != "evidence" for m in fitting[:first_closed])
    retro = [m for m in matches if m.trial.design.study_type == "retrospective"]
    assert retro and all(m.enrolment == "evidence" for m in retro)


def test_plan_offers_no_stale_trial_and_lists_it_to_verify(kb):
    case = read_case(PANNET, kb)
    p = plan(case, kb, as_of=AS_OF)
    assert not [o for o in p.options if o.category == "trial"]
    verify = [e for e in p.excluded if e.category == "trial" and "to verify" in e.reason]
    assert any("https://clinicaltrials.gov/study/NCT03375320" in e.reason for e in verify)
    # no closed trial is ever an enrolment option, on any day
    closed = {t.id for t in kb.trials.values()
              if t.status in ("completed", "terminated", "active_not_recruiting", "withdrawn")}
    assert not {o.notes[0].split()[-1] for o in p.options if o.origin == "trial_matcher"} & closed


def test_a_current_open_status_becomes_a_trial_option(kb):
    case = read_case(PANNET, kb)
    t = kb.trials["nct03375320"]
    fresh = t.model_copy(update={"status_as_of": StatusAsOf(source="ctgov", date="2026-09-01")})
    kb2 = kb.model_copy(update={"trials": {**kb.trials, t.id: fresh}})
    offered = [o for o in plan(case, kb2, as_of=AS_OF).options if o.category == "trial"]
    assert [o.notes[0] for o in offered] == ["trial nct03375320"]
    assert "recruiting (as stated in ctgov, 2026-09-01)" in offered[0].rationale[0]
    # the same record, judged 13 months after the registry's statement: to verify again
    later = plan(case, kb2, as_of=dt.date(2027, 10, 2))
    assert not [o for o in later.options if o.category == "trial"]
    # a closed status is evidence even when current
    closed = fresh.model_copy(update={"status": "active_not_recruiting"})
    kb3 = kb.model_copy(update={"trials": {**kb.trials, t.id: closed}})
    assert not [o for o in plan(case, kb3, as_of=AS_OF).options if o.category == "trial"]


@pytest.mark.parametrize("argv", [
    ["classify", PANNET], ["plan", PANNET], ["molecular", PANNET], ["trials", PANNET],
    ["kb", "show", "netter-1"], ["kb", "search", "NETTER"], ["kb", "check"],
])
def test_every_table_output_states_evidence_as_of(capsys, argv, kb):
    assert main(argv) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"evidence as of {newest_publication()}" in out, argv
    assert kb.version in out.replace(" ", "") or kb.release in out, argv


@pytest.mark.parametrize("argv", [["classify", PANNET], ["plan", PANNET],
                                  ["molecular", PANNET], ["kb", "show", "netter-1"]])
def test_every_json_output_carries_the_evidence_stamp(capsys, argv, kb):
    data = _json(capsys, [*argv, "--format", "json"])
    assert data["evidence"]["evidence_as_of"] == newest_publication()
    assert data["evidence"]["kb_release"] == kb.release


def test_kb_show_dates_the_record_and_its_status(capsys):
    data = _json(capsys, ["kb", "show", "NCT03375320", "-f", "json", "--as-of", "2026-12-02"])
    kb = default_kb()
    cited = {c["source"] for c in _walk(data["record"])}
    assert data["date"] == max((kb.sources[c].published for c in cited), key=dates.earliest)
    assert data["date"] >= "2022-09-29"  # mcclellan2022 Table 1, or a later publication
    assert data["status"]["label"].startswith("to verify: recruiting (as stated in "
                                              "mcclellan2022, 2022)")


def test_report_states_evidence_and_lists_no_closed_trial(capsys, kb):
    data = _json(capsys, ["report", SINET, "-f", "json", "--timestamp", "2026-12-02T09:00:00+00:00"])
    assert data["as_of"] == "2026-12-02" and data["evidence_as_of"] == newest_publication()
    assert data["kb_version"].startswith(data["kb_release"] + "+")
    assert data["evidence"].startswith(f"evidence as of {newest_publication()}; knowledge base ")
    assert data["trials"] and all(t["enrolment"] != "evidence" for t in data["trials"])
    assert all("as stated in" in t["status_label"] for t in data["trials"])
    assert main(["report", SINET, "--timestamp", "2026-12-02T09:00:00+00:00"]) == 0
    html = capsys.readouterr().out
    assert f"evidence as of {newest_publication()}" in html and "to verify: " in html


def test_bad_as_of_exits_2(capsys):
    assert main(["trials", PANNET, "--as-of", "02/12/2026"]) == 2
    assert main(["plan", PANNET, "--as-of", "yesterday"]) == 2
    err = capsys.readouterr().err
    assert "--as-of" in err and "YYYY-MM-DD" in err and "Traceback" not in err
