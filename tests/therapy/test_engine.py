"""Planner mechanics: line specs, gates, to-complete, integrations, CLI contract."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nenboard.case import read_case
from nenboard.knowledge import KnowledgeBase
from nenboard.therapy import integrations, plan
from nenboard.therapy.rules import line_matches
from tests.conftest import EXAMPLES, run_cli

MIDGUT_AFTER_SSA: dict[str, Any] = {
    "patient": {"diabetes": True, "egfr": 40},
    "tumor": {"primary_site": "jejunum_ileum", "differentiation": "well", "ki67": 4,
              "stage": "metastatic", "resectable": False, "metastases": ["liver", "bone"],
              "bone_metastases_count": 6},
    "imaging": {"sstr": "positive", "krenning": 2, "fdg": "positive"},
    "history": [{"therapy": "octreotide LAR", "start": "2022-01", "end": "2023-07",
                 "best_response": "stable_disease", "reason_stopped": "progression",
                 "progression_type": "radiological"}],
}


@pytest.mark.parametrize(("spec", "line", "expected"), [
    ("any", None, True), ("1", 1, True), ("1", 2, False), ("2+", 2, True), ("2+", 5, True),
    ("2+", 1, False), ("1-2", 2, True), ("1-2", 3, False), ("2", None, False)])
def test_line_specs(spec: str, line: int | None, expected: bool) -> None:
    assert line_matches(spec, line) is expected


def test_cautions_are_checked_against_the_case(kb: KnowledgeBase) -> None:
    p = plan(read_case(MIDGUT_AFTER_SSA, kb), kb)
    prrt = next(o for o in p.options if o.therapy == "prrt-lu177-dotatate")
    applies = {c.text: c.triggered_by for c in prrt.cautions if c.status == "applies"}
    # each unfavourable factor says whether this patient has it, with the value
    assert {"krenning": 2} in applies.values()
    assert {"fdg": "positive"} in applies.values()
    assert {"bone_metastases_count": 6} in applies.values()
    renal = next(c for c in prrt.cautions if "eGFR" in c.text)
    assert renal.status == "applies" and renal.triggered_by == {"egfr": 40}
    # NETTER-1 required Krenning 3-4: the prerequisite fails, so PRRT is not standard here
    krenning = next(q for q in prrt.prerequisites if "Krenning" in q.text)
    assert krenning.status == "applies" and krenning.triggered_by == {"krenning": 2}
    assert prrt.category == "alternative" and any("prerequisite not met" in n for n in prrt.notes)
    # the stated eGFR meets the "renal function" prerequisite: not repeated as a to-do
    egfr = next(q for q in prrt.prerequisites if "eGFR" in q.text)
    assert egfr.status == "met"
    assert all("eGFR" not in t for r in p.resistance for t in r.tests)
    ever = next(o for o in p.options if o.therapy == "everolimus")
    assert any(c.status == "applies" and "diabetes" in c.text for c in ever.cautions)


def test_missing_sstr_imaging_is_listed_to_complete_not_guessed(kb: KnowledgeBase) -> None:
    data = json.loads(json.dumps(MIDGUT_AFTER_SSA))
    data["imaging"] = {}
    p = plan(read_case(data, kb), kb)
    assert "prrt-lu177-dotatate" not in {o.therapy for o in p.options if o.category != "trial"}
    [item] = [t for t in p.to_complete if "SSTR imaging" in t.item]
    assert item.facts == ["sstr"] and any("177Lu" in a for a in item.affects)
    assert any(e.kind == "pending" and e.therapy == "prrt-lu177-dotatate" for e in p.excluded)


def test_options_are_ordered_by_category_then_evidence(kb: KnowledgeBase) -> None:
    order = ("standard", "alternative", "trial", "investigational")
    levels = ("I", "II", "III", "IV", "V")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        p = plan(read_case(path, kb), kb)
        keys = [(order.index(o.category),
                 levels.index(o.esmo_level) if o.esmo_level in levels else 9) for o in p.options]
        assert keys == sorted(keys), path.stem


def test_molecular_matches_become_investigational_with_tier(kb: KnowledgeBase) -> None:
    p = plan(read_case(EXAMPLES / "colorectal_nec_braf.yaml", kb), kb)
    offered = {o.therapy for o in p.options}
    assert {"dabrafenib-trametinib", "vemurafenib", "encorafenib-cetuximab"} <= offered
    assert not {"trametinib", "encorafenib", "cetuximab"} & offered  # regimens stay whole
    tiers = {o.therapy: o.escat_tier for o in p.options if o.escat_tier}
    # each regimen carries the tier of its own assertion (CRC-extrapolated: III-A)
    assert tiers["vemurafenib"] == "II-B" and tiers["encorafenib-cetuximab"] == "III-A"
    for o in (o for o in p.options if o.origin == "genomics"):
        assert o.category == "investigational"
        assert "BRAF V600E" in o.name and f"ESCAT tier {o.escat_tier}" in o.rationale[0]
        assert o.citations


def test_uncited_engine_options_are_never_offered(kb: KnowledgeBase,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake = integrations.MolecularMatch(label="X y", tier="I-A", drugs=("olaparib",), trials=(),
                                       citations=())
    monkeypatch.setattr(integrations, "molecular_matches", lambda case, kb: [fake])
    p = plan(read_case(MIDGUT_AFTER_SSA, kb), kb)
    assert "olaparib" not in {o.therapy for o in p.options}
    assert any(e.therapy == "olaparib" and "citation" in e.reason for e in p.excluded)


def test_trial_options_are_open_trials_only(kb: KnowledgeBase) -> None:
    p = plan(read_case(EXAMPLES / "si_net_after_ssa.yaml", kb), kb)
    trials = [o for o in p.options if o.category == "trial"]
    for o in trials:
        trial_id = o.notes[0].removeprefix("trial ")
        assert kb.trials[trial_id].status in ("recruiting", "not_yet_recruiting")
        assert o.citations


def test_cli_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["plan", str(EXAMPLES / "pannet_after_everolimus.yaml"),
                            "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {"options", "excluded", "resistance"} <= set(data)
    for o in data["options"]:
        assert {"therapy", "name", "category", "line", "rationale", "evidence",
                "citations"} <= set(o)
        assert o["category"] in ("standard", "alternative", "trial", "investigational")
    for e in data["excluded"]:
        assert {"therapy", "name", "reason"} <= set(e)
    for r in data["resistance"]:
        assert {"therapy", "kind", "mechanisms", "strategies"} <= set(r)
        assert r["kind"] in ("primary", "secondary", "unknown")
    assert "does not replace" in data["disclaimer"]


def test_cli_table_and_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    code, out, _ = run_cli(["plan", str(EXAMPLES / "si_net_refractory_carcinoid_syndrome.yaml")],
                           capsys)
    assert code == 0
    flat = " ".join(out.split())  # wrapped at the terminal width
    assert "STANDARD" in flat and "Telotristat" in flat and "does not replace" in flat
    bad = tmp_path / "bad.yaml"
    bad.write_text("tumor: {ki67: 140}\n")
    code, _, err = run_cli(["plan", str(bad)], capsys)
    assert code == 2 and "ki67" in err


def test_gates_are_what_stops_a_failed_therapy_being_re_offered(kb: KnowledgeBase) -> None:
    """Without the gate records the planner would re-offer everolimus as standard: the gates work."""
    case = read_case(EXAMPLES / "pannet_after_everolimus.yaml", kb)
    ungated = kb.model_copy(update={"safety": {}})
    assert "everolimus" in {o.therapy for o in plan(case, ungated).options
                            if o.category == "standard"}
    assert "everolimus" not in {o.therapy for o in plan(case, kb).options
                                if o.category == "standard"}
