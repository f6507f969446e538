"""Derive the flat case facts that rule, criterion and flag conditions test.

One function, one place: the planner, the trial matcher and the pathology flags
all see the same facts, named in `nenboard.knowledge.facts.FACTS`. A fact the
case does not state is absent (unknown); nothing is guessed.
"""

from __future__ import annotations

from typing import Any

from nenboard.case.model import Case
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.memo import per_case

SYSTEMIC_MODALITIES = {"systemic", "radioligand"}
RESPONSES = {"complete_response", "partial_response"}


def is_systemic(therapy_id: str | None, kb: KnowledgeBase) -> bool:
    """Surgery, liver-directed and supportive care do not count as a line."""
    if therapy_id is None:
        return True
    rec = kb.regimens.get(therapy_id)
    return rec is None or rec.modality in SYSTEMIC_MODALITIES


def derive_facts(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    """The facts of ``case`` (a fresh dict; callers may add to it)."""
    return dict(_derive(case, kb))


@per_case()
def _derive(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    from nenboard.pathology.classify import classify_core

    c = classify_core(case, kb)
    t, p, img, m = case.tumor, case.patient, case.imaging, case.molecular
    facts: dict[str, Any] = {
        "entity": c.entity, "grade": c.grade, "differentiation": t.differentiation,
        "morphology": t.morphology, "ki67": t.ki67, "mitoses": t.mitoses,
        "ki67_band": c.ki67_band, "site": t.primary_site,
        "syndrome": t.functional_syndrome, "hereditary": t.hereditary_syndrome,
        "stage": t.stage, "resectable": t.resectable, "liver_burden": t.liver_tumor_burden,
        "bone_metastases_count": t.bone_metastases_count,
        "age": p.age, "sex": p.sex, "ecog": p.ecog, "diabetes": p.diabetes, "egfr": p.egfr,
        "krenning": img.krenning, "msi": m.msi, "tmb": m.tmb, "mgmt_promoter": m.mgmt_promoter,
        "bowel_movements_per_day": case.symptoms.bowel_movements_per_day,
        "chromogranin_a": case.labs.chromogranin_a, "u5hiaa": case.labs.u5hiaa,
        "nlr": case.labs.nlr, "crp": case.labs.crp,
    }
    site = kb.sites.get(t.primary_site) if t.primary_site else None
    if site:
        facts["site_group"] = site.group
        facts["gep"] = site.gep
    if t.functional_syndrome:
        facts["functional"] = t.functional_syndrome != "none"
    facts["sstr_imaging"] = _known(img.sstr)
    facts["fdg"] = _known(img.fdg)
    ihc = m.ihc or {}
    for marker, value in ihc.items():
        facts[f"ihc.{marker}"] = value
    sstr2 = ihc.get("SSTR2")
    facts["sstr"] = facts["sstr_imaging"] or (sstr2 if sstr2 in ("positive", "negative") else None)

    if t.stage == "metastatic":
        facts["advanced"] = True
    elif t.stage in ("localized", "locoregional") and t.resectable is not None:
        facts["advanced"] = not t.resectable
    if t.metastases is not None:
        facts["metastases"] = list(t.metastases)
        facts["liver_metastases"] = "liver" in t.metastases
        facts["liver_dominant"] = t.metastases == ["liver"]
    elif t.stage in ("localized", "locoregional"):
        facts["metastases"] = []
        facts["liver_metastases"] = False

    from nenboard.genomics.tiering import molecular_facts

    facts.update(molecular_facts(case, kb))
    facts.update(_history_facts(case, kb))
    return {k: v for k, v in facts.items() if v is not None}


def _known(value: str | None) -> str | None:
    return None if value in (None, "unknown") else value


def _history_facts(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    prior: list[str] = []
    classes: list[str] = []
    progressed: list[str] = []
    progressed_classes: list[str] = []
    intolerant: list[str] = []
    responded: list[str] = []
    symptomatic: list[str] = []
    symptomatic_classes: list[str] = []
    line_starts: set[str] = set()
    lines = 0
    for entry in case.history:
        tid = entry.therapy_id
        ids = [tid, *kb.components_of(tid)] if tid else []
        cls = kb.classes_of(tid) if tid else []
        prior += ids
        classes += cls
        # Entries started together (e.g. cisplatin and etoposide entered apart) are one line.
        if is_systemic(tid, kb) and (entry.start is None or entry.start not in line_starts):
            lines += 1
            if entry.start:
                line_starts.add(entry.start)
        if entry.reason_stopped == "progression" or entry.best_response == "progressive_disease":
            progressed += ids
            progressed_classes += cls
            if entry.progression_type in ("symptomatic", "both"):
                symptomatic += ids
                symptomatic_classes += cls
        if entry.reason_stopped == "toxicity":
            intolerant += ids
        if entry.best_response in RESPONSES:
            responded += ids
    out: dict[str, Any] = {
        "line": lines + 1,
        "prior_therapies": _unique(prior), "prior_classes": _unique(classes),
        "progressed_on": _unique(progressed), "progressed_on_classes": _unique(progressed_classes),
        "intolerant_of": _unique(intolerant), "responded_to": _unique(responded),
        "symptomatic_progression_on": _unique(symptomatic),
        "symptomatic_progression_on_classes": _unique(symptomatic_classes),
    }
    if case.history and case.history[-1].therapy_id:
        last = case.history[-1].therapy_id
        out["last_therapy"] = last
        out["last_class"] = kb.classes_of(last)
    return out


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
