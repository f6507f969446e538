"""mCODE Bundle -> case: what maps, what does not, and bad input; end to end over HTTP."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from nenboard.case.fhir import bundle_to_case
from nenboard.case.read import case_from_data
from nenboard.errors import InputError


def test_fixture_bundle_maps_to_the_expected_case(mcode_bundle: dict, kb: Any) -> None:
    result = bundle_to_case(mcode_bundle, kb)
    case = result.case
    assert case["patient"] == {"sex": "male", "age": 67, "ecog": 1}
    tumor = case["tumor"]
    assert tumor["primary_site"] == "jejunum_ileum"
    assert tumor["differentiation"] == "well"
    assert tumor["ki67"] == 12 and tumor["mitoses"] == 4
    assert tumor["stage"] == "metastatic"
    assert set(tumor["metastases"]) == {"liver", "lymph_node", "peritoneum"}
    assert case["imaging"] == {"sstr": "positive", "krenning": 4, "fdg": "negative"}
    assert case["labs"] == {"chromogranin_a": 820, "u5hiaa": 35}  # newest CgA wins
    assert case["molecular"]["alterations"] == [
        {"gene": "CDKN1B", "alteration": "p.Gln107Ter", "vaf": 0.31}]
    assert case["molecular"]["msi"] == "stable" and case["molecular"]["tmb"] == 1.2
    [entry] = case["history"]
    assert kb.resolve_therapy(entry["therapy"]) == "octreotide-lar"
    assert entry["start"] == "2023-01-16" and entry["end"] == "2024-06-24"
    assert entry["reason_stopped"] == "progression"
    case_from_data(case, kb)  # the mapped case is a valid case

    unmapped = {u["resource"]: u for u in result.unmapped}
    assert "LOINC 29593-1" in unmapped["Observation/grade"]["reason"]
    assert "718-7" in unmapped["Observation/hemoglobin"]["reason"]
    assert "knowledge base" in unmapped["MedicationRequest/loperamide"]["reason"]
    assert unmapped["Procedure/liver-biopsy"]["reason"] == "resource type not mapped"
    assert "superseded" in unmapped["Observation/cga-2023"]["reason"]


def test_no_identifiers_leave_the_bundle(mcode_bundle: dict, kb: Any) -> None:
    text = repr(bundle_to_case(mcode_bundle, kb).to_json())
    assert "FAKE-000123" not in text and "Testperson" not in text and "1957" not in text


def test_age_is_computed_at_the_bundle_timestamp_or_a_given_date(mcode_bundle: dict) -> None:
    assert bundle_to_case(mcode_bundle).case["patient"]["age"] == 67
    older = bundle_to_case(mcode_bundle, today=dt.date(2030, 6, 1))
    assert older.case["patient"]["age"] == 73


def _obs(code: str, **value: Any) -> dict:
    return {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]}, **value}


def _bundle(*resources: dict) -> dict:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}


def test_units_and_status_are_respected() -> None:
    result = bundle_to_case(_bundle(
        _obs("9811-1", valueQuantity={"value": 3.1, "code": "nmol/L"}),
        _obs("29593-1", valueQuantity={"value": 2, "code": "%"}, status="entered-in-error"),
        _obs("29593-1", valueQuantity={"value": 2, "comparator": "<", "code": "%"})))
    assert result.case == {}
    reasons = " ".join(u["reason"] for u in result.unmapped)
    assert "nmol/L" in reasons and "entered-in-error" in reasons and "<2" in reasons


def test_icdo3_morphology_maps_nec_subtypes() -> None:
    cond = {"resourceType": "Condition", "subject": {"reference": "Patient/p"},
            "meta": {"profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/"
                                 "mcode-primary-cancer-condition"]},
            "extension": [{"url": "http://hl7.org/fhir/us/mcode/StructureDefinition/"
                                  "mcode-histology-morphology-behavior",
                           "valueCodeableConcept": {"coding": [{
                               "system": "http://terminology.hl7.org/CodeSystem/icd-o-3",
                               "code": "8041/3"}]}}],
            "code": {"text": "Small cell neuroendocrine carcinoma"},
            "bodySite": [{"coding": [{"system": "http://snomed.info/sct",
                                      "code": "32849002"}]}]}
    tumor = bundle_to_case(_bundle(cond)).case["tumor"]
    assert tumor == {"primary_site": "esophagus", "differentiation": "poor",
                     "morphology": "small_cell"}


@pytest.mark.parametrize(("data", "where"), [
    ({"resourceType": "Patient"}, "resourceType"),
    ([1], ""),
    ({"resourceType": "Bundle", "type": "collection", "entry": "x"}, "entry"),
    ({"resourceType": "Bundle", "type": "collection",
      "entry": [{"resource": {"resourceType": "NoSuchThing"}}]}, "entry"),
    (_bundle({"resourceType": "Patient", "id": "a"}, {"resourceType": "Patient", "id": "b"}),
     "entry"),
])
def test_bad_bundles_are_input_errors(data: Any, where: str) -> None:
    with pytest.raises(InputError) as err:
        bundle_to_case(data)
    assert err.value.problems[0].path.startswith(where)


def test_fhir_evaluate_end_to_end(svc: Any, mcode_bundle: dict) -> None:
    r = svc.client.post("/fhir/evaluate", json=mcode_bundle, headers=svc.auth("clinician"))
    assert r.status_code == 200
    body = r.json()
    assert body["case"]["tumor"]["primary_site"] == "jejunum_ileum"
    assert body["report"]["classification"]["who_label"] == "NET G2"
    standard = {o["therapy"] for o in body["report"]["options"] if o["category"] == "standard"}
    assert {"prrt-lu177-dotatate", "everolimus"} <= standard
    assert any(u["resource"] == "Observation/hemoglobin" for u in body["unmapped"])


def test_fhir_evaluate_rejects_bad_values_with_field_paths(svc: Any, mcode_bundle: dict) -> None:
    bad = copy.deepcopy(mcode_bundle)
    for e in bad["entry"]:
        if e["resource"].get("id") == "ki67":
            e["resource"]["valueQuantity"]["value"] = 140
    r = svc.client.post("/fhir/evaluate", json=bad, headers=svc.auth("clinician"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == "tumor.ki67"
    r = svc.client.post("/fhir/evaluate", json={"resourceType": "Patient"},
                        headers=svc.auth("clinician"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == "resourceType"
