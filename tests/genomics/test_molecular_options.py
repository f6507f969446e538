"""Regimen-level molecular options (issue 13 item 3).

Each match names the regimen of its evidence, carries its own assertion's ESCAT tier and
knows its line; a partner drug never stands alone (ooki2023 4.1, 4.3, 4.4, 4.6, Table 7).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from nenboard.board.synthetic import synthetic_case
from nenboard.case import read_case
from nenboard.facts import derive_facts
from nenboard.knowledge import default_kb
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.therapy import plan
from nenboard.therapy.model import Option, Plan
from nenboard.therapy.safety import apply_gates

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
KB = default_kb()


def _nec(alterations: list[dict[str, str]], history: list[dict[str, Any]] | None = None,
         site: str = "esophagus", ihc: dict[str, str] | None = None) -> dict[str, Any]:
    return {"tumor": {"primary_site": site, "differentiation": "poor", "morphology": "small_cell",
                      "ki67": 80, "stage": "metastatic", "metastases": ["liver"]},
            "imaging": {"sstr": "negative"},
            "molecular": {"alterations": alterations, **({"ihc": ihc} if ihc else {})},
            "history": history or []}


AFTER_EP = [{"therapy": "cisplatin-etoposide", "best_response": "partial_response",
             "reason_stopped": "progression", "progression_type": "radiological"}]


def _offered(p: Plan) -> dict[str, Option]:
    return {o.therapy: o for o in p.options}


def partner_violations(p: Plan, kb: KnowledgeBase) -> list[str]:
    """Independent of the gate: an offered single drug that only a combination's evidence names."""
    out = []
    for o in p.options:
        ids = o.triggered_by.get("assertions") or []
        recs = [kb.biomarkers[i] for i in ids if i in kb.biomarkers]
        named = {r for rec in recs for r in (rec.regimens or rec.drugs)}
        if recs and o.therapy not in named:
            out.append(f"{o.therapy} offered for {ids} which name {sorted(named)}")
    return out


def test_braf_v600e_colorectal_nec_gets_regimens_not_the_mek_inhibitor_alone() -> None:
    # ooki2023 4.1: BRAF-MEK combination and BRAF inhibitor alone in colorectal NEC; in CRC,
    # encorafenib + cetuximab (site-matched extrapolation, III-A); no MEK-alone evidence.
    p = plan(read_case(_nec([{"gene": "BRAF", "alteration": "V600E"}], site="colon"), KB), KB)
    offered = _offered(p)
    assert offered["dabrafenib-trametinib"].escat_tier == "II-B"
    assert offered["encorafenib-cetuximab"].escat_tier == "III-A"
    assert not {"trametinib", "encorafenib", "cetuximab", "dabrafenib"} & set(offered)


def test_braf_v600e_outside_the_colon_gets_no_crc_extrapolation() -> None:
    p = plan(read_case(_nec([{"gene": "BRAF", "alteration": "V600E"}], site="stomach"), KB), KB)
    assert "encorafenib-cetuximab" not in _offered(p)
    assert "dabrafenib-trametinib" in _offered(p)


def test_myc_amplification_offers_alisertib_with_paclitaxel_only() -> None:
    # ooki2023 4.3 ref 172: paclitaxel with or without alisertib in SCLC
    p = plan(read_case(_nec([{"gene": "MYC", "alteration": "amplification"}], AFTER_EP), KB), KB)
    assert _offered(p)["alisertib-paclitaxel"].escat_tier == "III-B"
    assert "alisertib" not in _offered(p)


def test_arid1a_truncation_keeps_each_assertion_tier() -> None:
    # ARID1A p.Q586* matches the ICI assertion (II-B, toripalimab) and the replication-stress
    # assertion (III-A, berzosertib + topotecan): neither borrows the other's tier.
    p = plan(read_case(_nec([{"gene": "ARID1A", "alteration": "p.Gln586Ter"}], AFTER_EP,
                            site="stomach"), KB), KB)
    offered = _offered(p)
    assert offered["toripalimab"].escat_tier == "II-B"
    assert offered["berzosertib-topotecan"].escat_tier == "III-A"
    assert not {"berzosertib", "topotecan"} & {o.therapy for o in p.options
                                               if o.origin == "genomics"}


def test_dll3_directed_agent_waits_for_platinum() -> None:
    # ooki2023 Table 7: DLL3-targeting agents are studied second line; 4.6: after platinum
    first = plan(read_case(_nec([], ihc={"DLL3": "positive"}), KB), KB)
    assert "tarlatamab" not in _offered(first)
    held = [e for e in first.excluded if e.therapy == "tarlatamab"]
    assert held and held[0].gate == "molecular-evidence-line" and "platinum" in held[0].reason
    later = plan(read_case(_nec([], AFTER_EP, ihc={"DLL3": "positive"}), KB), KB)
    assert _offered(later)["tarlatamab"].escat_tier == "III-A"


def test_berzosertib_topotecan_is_second_line_evidence() -> None:
    alt = [{"gene": "CCNE1", "alteration": "amplification"}]
    assert "berzosertib-topotecan" not in _offered(plan(read_case(_nec(alt), KB), KB))
    assert "berzosertib-topotecan" in _offered(plan(read_case(_nec(alt, AFTER_EP), KB), KB))


def test_gate_excludes_a_partner_drug_offered_alone() -> None:
    case = read_case(_nec([{"gene": "BRAF", "alteration": "V600E"}], site="colon"), KB)
    facts = derive_facts(case, KB)
    fake = Option(therapy="trametinib", name="Trametinib (matched to BRAF V600E)",
                  category="investigational", line="1", rationale=["x"], evidence=[],
                  citations=list(KB.biomarkers["braf-v600e-nec"].citations), origin="genomics",
                  triggered_by={"alteration": "BRAF V600E", "assertions": ["braf-v600e-nec"]})
    kept, excluded = apply_gates([fake], KB, facts)
    assert kept == []
    assert excluded[0].gate == "no-partner-drug-alone"
    assert "partner drug of dabrafenib-trametinib" in excluded[0].reason


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_partner_drug_alone_on_examples(path: Path) -> None:
    p = plan(read_case(path, KB), KB)
    assert partner_violations(p, KB) == []
    for o in (o for o in p.options if o.origin == "genomics"):
        assert o.escat_tier and o.triggered_by.get("assertions")


def test_no_partner_drug_alone_on_generated_cases() -> None:
    rng = random.Random(13)
    checked = 0
    for i in range(1500):
        raw = synthetic_case(rng, i)
        if rng.random() < 0.3:  # the synthetic generator has no DLL3/CCNE1/ARID1A: add some
            raw.setdefault("molecular", {}).setdefault("alterations", []).append(rng.choice([
                {"gene": "CCNE1", "alteration": "amplification"},
                {"gene": "ARID1A", "alteration": "p.Gln586Ter"},
                {"gene": "BRCA2", "alteration": "p.Lys3326Ter"}]))
        p = plan(read_case(raw, KB), KB)
        assert partner_violations(p, KB) == [], raw
        checked += any(o.origin == "genomics" for o in p.options)
    assert checked > 100  # the invariant was exercised on many matched cases
