"""Clinical reasoning of the planner (issue 13): each test is one patient, with what the
reviews say about them, and asserts the class of behaviour the plan must show."""

from __future__ import annotations

from typing import Any

from nenboard.board.synthetic import synthetic_cases
from nenboard.case import read_case
from nenboard.case.read import case_from_data
from nenboard.facts import derive_facts
from nenboard.knowledge import default_kb
from nenboard.therapy import plan
from nenboard.therapy.model import Plan
from tests.therapy.helpers import violations

KB = default_kb()
METASTATIC_PANCREAS = {"primary_site": "pancreas", "differentiation": "well",
                       "stage": "metastatic", "metastases": ["liver"]}
MIDGUT = {"primary_site": "jejunum_ileum", "differentiation": "well", "ki67": 5,
          "stage": "metastatic", "metastases": ["liver"]}
SSA_PROGRESSION = {"therapy": "octreotide LAR", "best_response": "stable_disease",
                   "reason_stopped": "progression", "progression_type": "radiological"}


def _plan(data: dict[str, Any]) -> Plan:
    return plan(read_case(data, KB), KB)


def offered(p: Plan, *categories: str) -> set[str]:
    return {o.therapy for o in p.options if o.category in (categories or ("standard",
                                                                          "alternative"))}


def test_g3_by_mitotic_count_is_planned_as_g3() -> None:
    # WHO 2019 (ooki2023 Table 1): the higher of the Ki-67 and mitotic grades applies.
    # Ki-67 15% with 25 mitoses/2 mm^2 is NET G3, never an SSA "for Ki-67 10-20%".
    p = _plan({"tumor": {**METASTATIC_PANCREAS, "ki67": 15, "mitoses": 25},
               "imaging": {"sstr": "positive", "krenning": 3}})
    assert p.summary["grade"] == "G3" and p.summary["grade_band"] == "G3_le55"
    assert not {"lanreotide-autogel", "octreotide-lar"} & offered(p)
    assert not any("10-20" in o.name for o in p.options)
    assert "captem" in offered(p)


def test_conflicting_differential_shows_both_sets_and_keeps_the_nec_standard() -> None:
    # ooki2023 2.2/Table 2: NEC Ki-67 typically >= 55%; 2.3: TP53/RB1 loss characterises NEC.
    p = _plan({"tumor": {**METASTATIC_PANCREAS, "ki67": 60},
               "imaging": {"sstr": "negative", "fdg": "positive"},
               "molecular": {"alterations": [{"gene": "TP53", "alteration": "R273H"}],
                             "ihc": {"RB1": "loss"}}})
    assert p.differential is not None and p.differential.conflict
    assert (p.differential.stated, p.differential.supported) == ("NET", "NEC")
    nec = {o.therapy for o in p.options if o.entity == "NEC" and o.category == "standard"}
    assert "cisplatin-etoposide" in nec
    assert {o.entity for o in p.options if o.origin == "rule"} == {"NET", "NEC"}
    first = p.to_complete[0]
    assert "Pathology re-review" in first.item and "p53" in first.item and first.citations


def test_molecular_net_markers_in_a_tumor_called_nec() -> None:
    # mcclellan2022 2.2: MEN1/DAXX/ATRX are the hallmark of well-differentiated panNET.
    p = _plan({"tumor": {"primary_site": "pancreas", "differentiation": "poor", "ki67": 30,
                         "stage": "metastatic", "metastases": ["liver"]},
               "imaging": {"sstr": "positive", "krenning": 3},
               "molecular": {"alterations": [{"gene": "DAXX", "alteration": "loss"}]}})
    assert p.differential and p.differential.supported == "NET"
    assert any(o.entity == "NEC" and o.therapy == "cisplatin-etoposide" for o in p.options)
    assert any(o.entity == "NET" for o in p.options)


def test_sstr_ihc_alone_gives_imaging_to_do_not_prrt() -> None:
    # pavel2016: strong SSTR-2 expression on scintigraphy (Krenning 3-4, NETTER-1) selects PRRT;
    # mcclellan2022 3.1: SSAs need SSTR status "by functional imaging or histology".
    p = _plan({"tumor": MIDGUT, "molecular": {"ihc": {"SSTR2": "positive"}},
               "history": [SSA_PROGRESSION]})
    assert not any("prrt" in o.classes for o in p.options)
    item = next(t for t in p.to_complete if "SSTR imaging" in t.item)
    assert any("177Lu" in a for a in item.affects)
    first_line = _plan({"tumor": MIDGUT, "molecular": {"ihc": {"SSTR2": "positive"}}})
    assert {"lanreotide-autogel", "octreotide-lar"} & offered(first_line, "standard")


def test_completed_prrt_course_is_not_re_offered_as_first_time() -> None:
    # mcclellan2022 3.2: after 177Lu-DOTATATE, trials of alpha-emitting PRRT, no retreatment.
    p = _plan({"tumor": MIDGUT, "imaging": {"sstr": "positive", "krenning": 4},
               "history": [SSA_PROGRESSION,
                           {"therapy": "lutetium-177-dotatate", "cycles": 4,
                            "best_response": "partial_response", "reason_stopped": "completed",
                            "progression_type": "radiological"}]})
    assert "prrt-lu177-dotatate" not in offered(p)
    reason = next(e.reason for e in p.excluded if e.therapy == "prrt-lu177-dotatate")
    assert "course completed" in reason and "4 cycles" in reason
    prrt = next(r for r in p.resistance if r.therapy == "lutetium-177-dotatate")
    assert prrt.after_completed_course and prrt.kind == "secondary"


def test_toxicity_stop_is_not_resistance_and_names_the_toxicity() -> None:
    p = _plan({"tumor": {**METASTATIC_PANCREAS, "ki67": 8},
               "imaging": {"sstr": "positive", "krenning": 3},
               "history": [{**SSA_PROGRESSION, "therapy": "lanreotide"},
                           {"therapy": "everolimus", "reason_stopped": "toxicity",
                            "toxicity": "grade 3 pneumonitis"}]})
    assert all(r.therapy != "everolimus" for r in p.resistance)
    ever = next(o for o in p.options if o.therapy == "everolimus")
    assert ever.category != "standard"
    assert any("grade 3 pneumonitis" in n for n in ever.notes)


def test_symptomatic_progression_is_not_the_netter1_population() -> None:
    # mcclellan2022 3.2: NETTER-1 enrolled radiographic progression on first-line SSA.
    p = _plan({"tumor": {**MIDGUT, "functional_syndrome": "carcinoid_syndrome"},
               "imaging": {"sstr": "positive", "krenning": 4},
               "history": [{**SSA_PROGRESSION, "progression_type": "symptomatic"}]})
    prrt = next(o for o in p.options if o.therapy == "prrt-lu177-dotatate")
    assert prrt.category == "alternative"
    assert any("radiological progression" in n for n in prrt.notes)
    [res] = p.resistance
    assert res.anti_secretory and res.mechanisms[0].id == "ssa-refractory-hormonal-syndrome"


def test_small_cell_nec_after_platinum_asks_for_dll3_and_msi() -> None:
    # ooki2023 4.6: DLL3 in 76.9% of GEP-NEC, DLL3-directed agents after platinum; 4.10: MSI/TMB.
    p = _plan({"tumor": {"primary_site": "esophagus", "differentiation": "poor",
                         "morphology": "small_cell", "ki67": 80, "stage": "metastatic",
                         "metastases": ["liver"]},
               "history": [{"therapy": "cisplatin-etoposide", "best_response": "partial_response",
                            "reason_stopped": "progression"}]})
    items = [t.item for t in p.to_complete]
    assert "DLL3 immunohistochemistry" in items
    assert any("MSI" in i for i in items)


def test_minen_gets_an_explanation_not_an_empty_plan() -> None:
    p = _plan({"tumor": {"primary_site": "colon", "differentiation": "poor", "ki67": 70,
                         "minen_fraction": 0.5, "stage": "metastatic", "metastases": ["liver"]}})
    [gap] = [g for g in p.no_guidance if g.id == "minen-no-guidance"]
    assert "Closest evidence" in gap.closest_evidence and gap.citations


def test_invariants_on_thousands_of_synthetic_cases() -> None:
    for data in synthetic_cases(2000, seed=13):
        case = case_from_data(data, KB)
        result = plan(case, KB)
        assert violations(result, derive_facts(case, KB), KB) == [], case.id
