"""The NET G3 / NEC differential in the plan.

When the morphology, proliferation or molecular findings support a different
entity than the stated differentiation (ooki2023 Table 2 and section 2.3;
mcclellan2022 section 2), the plan shows both entity-appropriate option sets:
the rules are evaluated once more over a variant of the case facts with the
supported entity, and those options are labelled with it. The standard of care
of the supported entity (e.g. platinum-etoposide for NEC) is therefore never
dropped, and the pathology re-review comes first in "to complete".
"""

from __future__ import annotations

from nenboard.facts import Facts
from nenboard.pathology.classify import GRADE_ORDER
from nenboard.therapy.model import Differential, Option

DIFFERENTIATION = {"NET": "well", "NEC": "poor"}


def entity_view(facts: Facts, entity: str) -> Facts:
    """The case facts as if the tumor were ``entity`` (everything else unchanged)."""
    c = facts.classification
    grade = None
    if entity == "NET":
        known = [g for g in (c.ki67_grade, c.mitotic_grade) if g]
        grade = max(known, key=GRADE_ORDER.index) if known else None
    return facts.variant(entity=entity, grade=grade, differentiation=DIFFERENTIATION[entity],
                         differential=None, differential_conflict=False)


def label(option: Option, entity: str, supported: str) -> Option:
    why = ("the entity the morphology/proliferation/molecular findings support"
           if entity == supported else "the entity as stated by the pathology report")
    return option.model_copy(update={
        "entity": entity,
        "rationale": [f"Option set for {entity} ({why}); see the differential.",
                      *option.rationale]})


def summary(facts: Facts) -> Differential | None:
    d = facts.differential
    if not d.findings:
        return None
    found = "; ".join(f.message for f in d.findings)
    if d.conflict:
        text = (f"Stated {d.stated} but the findings support {d.supported}: {found} Both option "
                f"sets are shown (labelled {d.stated} and {d.supported}); the standard of care "
                f"of {d.supported} is kept. Re-review the pathology first (see to complete).")
    else:
        text = f"Findings bearing on the NET G3 / NEC differential: {found}"
    return Differential(stated=d.stated, supported=d.supported, conflict=d.conflict,
                        explanation=text,
                        findings=[f.model_dump(mode="json") for f in d.findings])
