"""One derivation of the patient, passed down to every engine.

Case -> `Classification` (pathology) + `MolecularProfile` (genomics) -> `Facts`.
`Facts` is built once per case object (`derive_facts`, memoised) and read by the
planner, the trial matcher, the resistance analysis and the board. It is a
mapping of flat facts (named in `nenboard.knowledge.facts.FACTS`) that the rule,
criterion and flag conditions test, plus the typed parts those engines need:
the full classification (with its flags), the molecular profile, the NET G3 /
NEC differential and the treatment history read course by course.

A fact the case does not state is absent (unknown); nothing is guessed. Facts
are read-only by convention: an engine that needs a variant (e.g. the plan for
the entity the differential supports) builds one with `Facts.variant`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nenboard.case.model import Case
from nenboard.genomics.model import MolecularProfile
from nenboard.genomics.tiering import annotate_case, molecular_facts
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.memo import per_case
from nenboard.pathology.classify import (
    Classification,
    Flag,
    classify_core,
    grading,
    ki67_band,
    with_flags,
)

SYSTEMIC_MODALITIES = {"systemic", "radioligand"}
RESPONSES = {"complete_response", "partial_response"}
HORMONAL = ("symptomatic", "both")
RADIOLOGICAL = ("radiological", "both")


def is_systemic(therapy_id: str | None, kb: KnowledgeBase) -> bool:
    """Surgery, liver-directed and supportive care do not count as a line."""
    if therapy_id is None:
        return True
    rec = kb.regimens.get(therapy_id)
    return rec is None or rec.modality in SYSTEMIC_MODALITIES


@dataclass(frozen=True, slots=True)
class Differential:
    """The NET G3 / NEC differential: what the stated differentiation says, what the
    morphology, proliferation and molecular findings support, and whether they conflict."""

    stated: str | None
    supported: str | None  # the entity the findings support when they point one way
    conflict: bool
    findings: tuple[Flag, ...]

    def to_json(self) -> dict[str, Any]:
        return {"stated": self.stated, "supported": self.supported, "conflict": self.conflict,
                "findings": [f.model_dump(mode="json") for f in self.findings]}


@dataclass(frozen=True, slots=True)
class Course:
    """One history entry as the engines read it."""

    index: int
    therapy: str
    name: str
    classes: tuple[str, ...]
    ids: tuple[str, ...]  # the therapy and its component drugs
    outcome: str | None  # progression | toxicity | completed | ongoing | other
    progressed: bool  # progression on it, or after a completed course
    progression_type: str | None
    best_response: str | None
    cycles: int | None
    toxicity: str | None


class Facts(dict[str, Any]):
    """Flat case facts (a mapping the condition language reads) plus typed parts."""

    __slots__ = ("classification", "courses", "differential", "profile")

    classification: Classification
    profile: MolecularProfile
    differential: Differential
    courses: tuple[Course, ...]

    def variant(self, **changes: Any) -> Facts:
        """A copy with some flat facts changed (None removes a fact); typed parts shared."""
        out = Facts({**self, **changes})
        for key, value in changes.items():
            if value is None:
                out.pop(key, None)
        out.classification, out.profile = self.classification, self.profile
        out.differential, out.courses = self.differential, self.courses
        return out


def derive_facts(case: Case, kb: KnowledgeBase) -> Facts:
    """The facts of ``case``, derived once per case object (shared: do not mutate)."""
    return _derive(case, kb)


def classify(case: Case, kb: KnowledgeBase) -> Classification:
    """Full WHO 2019 classification with every cited flag (the `nenboard classify` result)."""
    return derive_facts(case, kb).classification


@per_case()
def _derive(case: Case, kb: KnowledgeBase) -> Facts:
    core = classify_core(case, kb)
    t, p, img, m = case.tumor, case.patient, case.imaging, case.molecular
    values: dict[str, Any] = {
        "entity": core.entity, "grade": core.grade, "differentiation": t.differentiation,
        "morphology": t.morphology, "ki67": t.ki67, "mitoses": t.mitoses,
        "ki67_band": core.ki67_band, "grade_band": _grade_band(core, t.ki67, kb),
        "site": t.primary_site,
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
        values["site_group"] = site.group
        values["gep"] = site.gep
    if t.functional_syndrome:
        values["functional"] = t.functional_syndrome != "none"
    values.update(_sstr_facts(case))
    values["fdg"] = _known(img.fdg)
    for marker, value in (m.ihc or {}).items():
        values[f"ihc.{marker}"] = value
    values.update(_extent_facts(case))
    values.update(molecular_facts(case, kb))
    courses = _courses(case, kb)
    values.update(_history_facts(courses, case, kb))
    facts = Facts({k: v for k, v in values.items() if v is not None})

    classification = with_flags(core, facts, case, kb)
    differential = _differential(classification)
    facts["differential_conflict"] = differential.conflict
    if differential.supported:
        facts["differential"] = differential.supported
    facts.classification, facts.profile = classification, annotate_case(case, kb)
    facts.differential, facts.courses = differential, courses
    return facts


def _grade_band(core: Classification, ki67: float | None, kb: KnowledgeBase) -> str | None:
    """The Ki-67 band consistent with the final grade (the higher of the two indices).

    A tumor G3 by mitotic count with Ki-67 15% is G3, never "Ki-67 10-20%": its band is
    G3_le55. A NEC takes the G3 band of its Ki-67.
    """
    band = core.ki67_band
    final = "G3" if core.entity == "NEC" else core.grade
    if final is None or band is None:
        return "G1" if final == "G1" else None
    if band.startswith(final):
        return band
    if final == "G3":
        return ki67_band(max(ki67 or 0, 21), grading(kb)) if ki67 is not None else None
    return "G2_low" if final == "G2" else band


def _known(value: str | None) -> str | None:
    return None if value in (None, "unknown") else value


def _sstr_facts(case: Case) -> dict[str, Any]:
    """SSTR imaging and SSTR2 IHC are separate facts.

    ``sstr`` is the imaging result: PRRT and SSTR-directed trials select on imaging
    uptake. ``sstr_status`` is "positive SSTR status by functional imaging or
    histology" (mcclellan2022 3.1), what the SSA rules read: the imaging result when
    stated, otherwise SSTR2 IHC.
    """
    imaging = _known(case.imaging.sstr)
    ihc = (case.molecular.ihc or {}).get("SSTR2")
    ihc = ihc if ihc in ("positive", "negative") else None
    status = imaging or ihc  # imaging, when stated, decides: a negative scan is not overruled
    return {"sstr": imaging, "sstr_imaging": imaging, "sstr_ihc": ihc, "sstr_status": status,
            "sstr_ihc_only": ihc == "positive" and imaging is None}


def _extent_facts(case: Case) -> dict[str, Any]:
    t = case.tumor
    out: dict[str, Any] = {}
    if t.stage == "metastatic":
        out["advanced"] = True
    elif t.stage in ("localized", "locoregional") and t.resectable is not None:
        out["advanced"] = not t.resectable
    if t.metastases is not None:
        out["metastases"] = list(t.metastases)
        out["liver_metastases"] = "liver" in t.metastases
        out["liver_dominant"] = t.metastases == ["liver"]
    elif t.stage in ("localized", "locoregional"):
        out["metastases"] = []
        out["liver_metastases"] = False
    return out


def _differential(c: Classification) -> Differential:
    """Findings that support NET or NEC, and whether they contradict the stated entity."""
    findings = tuple(f for f in [*c.warnings, *c.flags] if f.supports)
    sides = {f.supports for f in findings}
    supported = next(iter(sides)) if len(sides) == 1 else None
    stated = c.entity if c.entity in ("NET", "NEC") else None
    conflict = supported is not None and stated is not None and supported != stated
    return Differential(stated=stated, supported=supported if conflict else None,
                        conflict=conflict, findings=findings)


def _courses(case: Case, kb: KnowledgeBase) -> tuple[Course, ...]:
    out = []
    for i, e in enumerate(case.history):
        tid = e.therapy_id
        rec = kb.therapy(tid) if tid else None
        progressed = (e.reason_stopped == "progression" or e.best_response == "progressive_disease"
                      or (e.reason_stopped in ("completed", "ongoing")
                          and e.progression_type is not None))
        out.append(Course(
            index=i, therapy=tid or e.therapy, name=rec.name if rec else e.therapy,
            classes=tuple(kb.classes_of(tid)) if tid else (),
            ids=tuple(dict.fromkeys([tid, *kb.components_of(tid)])) if tid else (),
            outcome=e.reason_stopped, progressed=progressed, progression_type=e.progression_type,
            best_response=e.best_response, cycles=e.cycles, toxicity=e.toxicity))
    return tuple(out)


def _history_facts(courses: tuple[Course, ...], case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    lists: dict[str, list[str]] = {k: [] for k in (
        "prior_therapies", "prior_classes", "progressed_on", "progressed_on_classes",
        "intolerant_of", "responded_to", "symptomatic_progression_on",
        "symptomatic_progression_on_classes", "radiological_progression_on_classes",
        "completed_courses", "ongoing_therapies")}
    line_starts: set[str] = set()
    lines = 0
    last_progression: str | None = None
    for course, entry in zip(courses, case.history, strict=True):
        ids, cls = list(course.ids), list(course.classes)
        lists["prior_therapies"] += ids
        lists["prior_classes"] += cls
        # Entries started together (e.g. cisplatin and etoposide entered apart) are one line.
        if is_systemic(entry.therapy_id, kb) and (entry.start is None
                                                  or entry.start not in line_starts):
            lines += 1
            if entry.start:
                line_starts.add(entry.start)
        if course.progressed:
            lists["progressed_on"] += ids
            lists["progressed_on_classes"] += cls
            if course.progression_type in HORMONAL:
                lists["symptomatic_progression_on"] += ids
                lists["symptomatic_progression_on_classes"] += cls
            if course.progression_type in RADIOLOGICAL:
                lists["radiological_progression_on_classes"] += cls
            last_progression = course.progression_type
        if course.outcome == "toxicity":
            lists["intolerant_of"] += ids
        if course.outcome == "completed" and is_systemic(entry.therapy_id, kb):
            lists["completed_courses"] += ids
        if course.outcome == "ongoing" or (entry.end is None and course.outcome is None
                                           and entry.start is not None):
            lists["ongoing_therapies"] += ids
        if course.best_response in RESPONSES:
            lists["responded_to"] += ids
    out: dict[str, Any] = {"line": lines + 1, **{k: _unique(v) for k, v in lists.items()}}
    if last_progression:
        out["progression_type"] = last_progression
    if courses and case.history[-1].therapy_id:
        last = case.history[-1].therapy_id
        out["last_therapy"] = last
        out["last_class"] = kb.classes_of(last)
    if "ssa" in out["symptomatic_progression_on_classes"] and case.tumor.functional_syndrome:
        out["anti_secretory_resistance"] = case.tumor.functional_syndrome != "none"
    return out


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
