"""WHO 2019 classification and grading of a GEP-NEN case.

Thresholds, flags and syndrome notes come from the knowledge base; this module
applies them: the grade is the higher of the Ki-67 and mitotic grades, taken
from whichever index is present, and the result is "indeterminate" with a
reason when the facts needed are missing. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from nenboard.case.model import Case
from nenboard.knowledge.compile import check_of
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Citation, Grading

GRADE_ORDER = ("G1", "G2", "G3")


class Flag(BaseModel):
    """A cited observation about the classification."""

    code: str
    message: str
    severity: Literal["info", "warning"] = "info"
    citations: list[Citation] = Field(default_factory=list)
    supports: Literal["NET", "NEC"] | None = Field(
        default=None, description="the entity this finding supports in the NET G3 / NEC differential")


class Classification(BaseModel):
    """The `nenboard classify` result (DESIGN.md contract plus extensions)."""

    entity: Literal["NET", "NEC", "MiNEN"] | None = None
    grade: Literal["G1", "G2", "G3"] | None = None
    who_label: str
    ki67_grade: str | None = None
    mitotic_grade: str | None = None
    ki67_band: str | None = None
    morphology: str | None = None
    oncotree: str | None = None
    warnings: list[Flag] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    rationale: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


def grading(kb: KnowledgeBase) -> Grading:
    return next(iter(kb.grading.values()))


def grade_by_ki67(ki67: float | None, g: Grading) -> str | None:
    if ki67 is None:
        return None
    return [b.grade for b in g.bands if b.ki67.admits(ki67)][-1]


def grade_by_mitoses(mitoses: float | None, g: Grading) -> str | None:
    if mitoses is None:
        return None
    return [b.grade for b in g.bands if b.mitoses.admits(mitoses)][-1]


def ki67_band(ki67: float | None, g: Grading) -> str | None:
    if ki67 is None:
        return None
    return [b.name for b in g.ki67_bands if b.lower.admits(ki67)][-1]


def _higher(a: str | None, b: str | None) -> str | None:
    known = [x for x in (a, b) if x is not None]
    return max(known, key=GRADE_ORDER.index) if known else None


def classify_core(case: Case, kb: KnowledgeBase) -> Classification:
    """Entity, grade and label only (what the fact deriver needs); no flags."""
    g = grading(kb)
    t = case.tumor
    why: list[str] = []
    k_grade, m_grade = grade_by_ki67(t.ki67, g), grade_by_mitoses(t.mitoses, g)
    prolif = _higher(k_grade, m_grade)
    if k_grade:
        why.append(f"Ki-67 {t.ki67:g}% -> {k_grade}")
    if m_grade:
        why.append(f"{t.mitoses:g} mitoses/2 mm^2 -> {m_grade}")
    if k_grade and m_grade and k_grade != m_grade:
        why.append(f"indices disagree; the higher grade ({prolif}) applies")

    entity = None
    warnings: list[Flag] = []
    minimum = g.minen_min_fraction
    f = t.minen_fraction
    if f is not None and minimum <= f <= 1 - minimum:
        entity = "MiNEN"
        why.append(f"non-neuroendocrine component {f:.0%}: both components >= {minimum:.0%}")
    elif f is not None and f > 1 - minimum:
        warnings.append(Flag(
            code="not_a_nen", severity="warning", citations=g.citations,
            message=f"non-neuroendocrine component {f:.0%} leaves the neuroendocrine component below "
                    f"{minimum:.0%}: not a NEN or MiNEN by WHO 2019; classify the dominant carcinoma"))
    elif t.differentiation == "poor" or (t.differentiation is None and t.morphology):
        entity = "NEC"
        why.append("poorly differentiated -> NEC" if t.differentiation == "poor"
                   else f"{t.morphology.replace('_', ' ')} morphology -> NEC")
    elif t.differentiation == "well":
        entity = "NET"
        why.append("well differentiated -> NET")
        if t.morphology:
            warnings.append(Flag(
                code="morphology_conflict", severity="warning", citations=g.citations,
                supports="NEC",
                message=f"{t.morphology.replace('_', ' ')} morphology is a NEC subtype but the "
                        "tumor is called well differentiated; review the differentiation"))
    if f is not None and f < minimum:
        why.append(f"non-neuroendocrine component {f:.0%} < {minimum:.0%}: not a MiNEN")

    grade = None
    if entity == "NET":
        grade = prolif
        label = f"NET {grade}" if grade else "NET, grade indeterminate"
        if grade is None:
            why.append("grade indeterminate: neither Ki-67 nor mitotic count is given")
    elif entity == "NEC":
        subtype = {"small_cell": "small cell type", "large_cell": "large cell type"}
        label = f"NEC, {subtype[t.morphology]}" if t.morphology else "NEC"
        why.append("NEC is high grade by definition (WHO 2019 assigns no G1-G3)")
    elif entity == "MiNEN":
        grade = None
        label = "MiNEN"
    else:
        reason = ("differentiation not stated" if t.differentiation is None and f is None
                  else "see warnings")
        label = f"indeterminate ({reason})"
        why.append(f"entity indeterminate: {reason}"
                   + (f"; proliferation alone would be {prolif}" if prolif else ""))

    site = kb.sites.get(t.primary_site) if t.primary_site else None
    oncotree = None
    if site and entity in ("NET", "NEC"):
        key = "NEC_small_cell" if entity == "NEC" and t.morphology == "small_cell" else entity
        oncotree = site.oncotree.get(key) or site.oncotree.get(entity)
    return Classification(
        entity=entity, grade=grade, who_label=label, ki67_grade=k_grade, mitotic_grade=m_grade,
        ki67_band=ki67_band(t.ki67, g), morphology=t.morphology, oncotree=oncotree,
        warnings=warnings, rationale=why, citations=list(g.citations))


def with_flags(core: Classification, facts: Mapping[str, Any], case: Case,
               kb: KnowledgeBase) -> Classification:
    """The classification with every cited flag raised over the derived case facts.

    Takes the facts as an argument (the fact deriver calls it), so pathology never
    imports a later stage.
    """
    warnings, flags = list(core.warnings), []
    for rec in kb.flags.values():
        if check_of(rec.when).met(facts):
            flag = Flag(code=rec.code, message=" ".join(rec.message.split()),
                        severity=rec.severity, citations=rec.citations, supports=rec.supports)
            (warnings if rec.severity == "warning" else flags).append(flag)
    for key in (case.tumor.functional_syndrome, case.tumor.hereditary_syndrome):
        syndrome = kb.syndromes.get(key.lower()) if key else None
        if syndrome:
            flags.append(Flag(code=f"{syndrome.kind}_syndrome", citations=syndrome.citations,
                              message=_syndrome_message(syndrome)))
    return core.model_copy(update={"warnings": warnings, "flags": flags})


def _syndrome_message(s) -> str:
    if s.kind == "functional":
        follow = ", ".join(s.markers) if s.markers else "the secreted hormone"
        return (f"{s.name}: {s.hormone} excess ({', '.join(s.features)}); follow {follow} "
                "for diagnosis and response.")
    return f"{s.name}: {' '.join((s.note or '').split())}"
