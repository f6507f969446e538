"""CTML export: what maps, what does not, and that the output is MatchMiner-shaped YAML."""

from __future__ import annotations

import yaml

from nenboard.knowledge.conditions import FactTest
from nenboard.trials.ctml import condition_to_ctml, ctml_phase, dumps_ctml, export_ctml


def cond(data):
    from pydantic import TypeAdapter

    from nenboard.knowledge.conditions import Condition

    return TypeAdapter(Condition).validate_python(data)


def test_document_shape(fixture_kb):
    [doc] = export_ctml(fixture_kb, ["fx-dll3-engager"])
    assert doc["protocol_no"] == "fx-dll3-engager" and doc["nct_id"] == "NCT04429087"
    assert doc["phase"] == "I" and doc["status"] == "Open to Accrual"
    [step] = doc["treatment_list"]["step"]
    [arm] = step["arm"]
    assert arm["arm_suspended"] == "N"
    # NEC -> every NEC OncoTree code of the knowledge base's sites
    dx = arm["match"][0]["or"]
    names = {n["clinical"]["oncotree_primary_diagnosis"] for n in dx}
    assert "High-Grade Neuroendocrine Carcinoma of the Colon and Rectum" in names
    assert "Pancreatic Neuroendocrine Tumor" not in names
    unmapped = {u["id"]: u for u in doc["_nenboard"]["unmapped_criteria"]}
    assert set(unmapped) == {"dll3", "after-platinum"}
    assert "ihc.DLL3" in unmapped["dll3"]["reason"]


def test_genomic_and_clinical_nodes(fixture_kb):
    [doc] = export_ctml(fixture_kb, ["fx-msi-nec"])
    match = doc["treatment_list"]["step"][0]["arm"][0]["match"][0]["and"]
    assert {"clinical": {"age_numerical": ">=18"}} in match
    assert {"or": [{"genomic": {"ms_status": "MSI-H"}},
                   {"genomic": {"hugo_symbol": "BRAF", "variant_category": "Mutation",
                                "protein_change": "p.V600E"}}]} in match
    assert doc["status"] == "Closed to Accrual"
    assert doc["treatment_list"]["step"][0]["arm"][0]["arm_suspended"] == "Y"


def test_condition_mapping_rules():
    node, why = condition_to_ctml(cond({"fact": "alterations", "contains": "MYC amplification"}))
    assert node == {"genomic": {"hugo_symbol": "MYC", "variant_category": "Copy Number Variation",
                                "cnv_call": "High Amplification"}} and not why
    node, why = condition_to_ctml(cond({"not": {"fact": "sex", "eq": "male"}}))
    assert node == {"clinical": {"gender": "!Male"}}
    # all: unmappable part dropped (broader), reported
    node, why = condition_to_ctml(cond({"all": [{"fact": "age", "ge": 18, "le": 75},
                                                {"fact": "ecog", "le": 1}]}))
    assert node == {"and": [{"clinical": {"age_numerical": ">=18"}},
                            {"clinical": {"age_numerical": "<=75"}}]}
    assert why == ["no CTML field for fact 'ecog'"]
    # any with an unmappable branch: dropped whole
    node, why = condition_to_ctml(cond({"any": [{"fact": "msi", "eq": "high"},
                                                {"fact": "ihc.DLL3", "eq": "positive"}]}))
    assert node is None and why
    assert condition_to_ctml(FactTest(fact="sstr", eq="positive"))[0] is None


def test_phase_words():
    assert [ctml_phase(p) for p in ("1", "1/2", "1b/3", "3", None)] == [
        "I", "I/II", "I/III", "III", None]


def test_stream_is_plain_yaml(fixture_kb):
    text = dumps_ctml(export_ctml(fixture_kb))
    assert "&id" not in text and "*id" not in text
    docs = list(yaml.safe_load_all(text))
    assert len(docs) == len(fixture_kb.trials)
    uncurated = next(d for d in docs if d["protocol_no"] == "fx-uncurated")
    assert "criteria not yet structured in the knowledge base" in uncurated["_nenboard"]["notes"]


def test_real_kb_exports_every_trial(real_kb):
    docs = export_ctml(real_kb)
    assert len(docs) == len(real_kb.trials)
    for d in docs:
        assert d["treatment_list"]["step"][0]["arm"], d["protocol_no"]
    yaml.safe_load_all(dumps_ctml(docs))
