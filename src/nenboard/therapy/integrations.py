"""Options from the trial matcher and the molecular engine.

* Eligible and possibly eligible trials open to enrolment (recruiting or not yet
  recruiting) become ``category: trial`` options.
* Tiered, actionable alterations with matched drugs become
  ``category: investigational`` options carrying the ESCAT tier.
"""

from __future__ import annotations

from dataclasses import dataclass

from nenboard.case.model import Case
from nenboard.genomics import annotate_case
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Citation
from nenboard.memo import per_kb
from nenboard.therapy.evidence import trial_evidence
from nenboard.therapy.model import Option
from nenboard.trials import match_trials

OFFERED_ELIGIBILITY = ("eligible", "possibly_eligible")
OPEN_STATUSES = ("recruiting", "not_yet_recruiting")  # a patient can still enrol
ACTIONABLE_TIERS = ("I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B")


@dataclass(frozen=True)
class MolecularMatch:
    """An actionable alteration as the planner needs it."""

    label: str
    tier: str
    drugs: tuple[str, ...]
    trials: tuple[str, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class TrialArms:
    """What a trial option shows of the trial's arms (static per knowledge base)."""

    therapy: str
    name: str
    classes: tuple[str, ...]


@per_kb
def _trial_arms(kb: KnowledgeBase) -> dict[str, TrialArms]:
    out = {}
    for trial in kb.trials.values():
        therapies = [t for arm in trial.arms for t in arm.therapies]
        drugs = [kb.therapy(t).name for t in therapies if kb.therapy(t)]
        out[trial.id] = TrialArms(
            therapy=therapies[0] if therapies else trial.id,
            name=trial.name + (f": {', '.join(dict.fromkeys(drugs))}" if drugs else ""),
            classes=tuple(c for t in therapies for c in kb.classes_of(t)))
    return out


def trial_options(case: Case, kb: KnowledgeBase, line: str) -> list[Option]:
    options = []
    arms = _trial_arms(kb)
    for m in match_trials(case, kb):
        trial = m.trial
        if m.eligibility not in OFFERED_ELIGIBILITY or trial.status not in OPEN_STATUSES:
            continue
        shown = arms[trial.id]
        rationale = [f"Trial matcher: {m.eligibility.replace('_', ' ')} for {trial.name} "
                     f"({', '.join(trial.nct) or trial.id}; status {trial.status})."]
        unknown = m.unknown_criteria
        if unknown:
            rationale.append("Criteria to confirm: " + "; ".join(unknown))
        options.append(Option(
            therapy=shown.therapy, name=shown.name, category="trial",
            line=line, rationale=rationale, evidence=[trial_evidence(trial.id, kb)],
            citations=list(trial.citations), esmo_level=trial.esmo_level, origin="trial_matcher",
            classes=list(shown.classes), rules=[], notes=[f"trial {trial.id}"], priority=60))
    return options


def molecular_matches(case: Case, kb: KnowledgeBase) -> list[MolecularMatch]:
    """Sensitivity assertions with an actionable ESCAT tier and matched drugs."""
    out = []
    for alt in annotate_case(case, kb).alterations:
        a, v = alt.annotation, alt.observed.variant
        if a.tier in ACTIONABLE_TIERS and a.direction == "sensitivity" and a.drugs:
            out.append(MolecularMatch(
                label=f"{v.gene} {v.alteration}", tier=a.tier, drugs=a.drugs, trials=a.trials,
                citations=tuple(Citation.model_validate(dict(c)) for c in a.citations)))
    return out


def molecular_options(case: Case, kb: KnowledgeBase, line: str) -> list[Option]:
    options = []
    for m in molecular_matches(case, kb):
        for drug in m.drugs:
            rec = kb.therapy(drug)
            options.append(Option(
                therapy=drug, name=(rec.name if rec else drug) + f" (matched to {m.label})",
                category="investigational", line=line, escat_tier=m.tier,
                rationale=[f"Molecularly matched: {m.label}, ESCAT tier {m.tier}"
                           + (f"; trials: {', '.join(m.trials)}" if m.trials else "")],
                evidence=[trial_evidence(t, kb) for t in m.trials], citations=list(m.citations),
                origin="genomics", classes=kb.classes_of(drug), priority=70,
                triggered_by={"alteration": m.label}))
    return options
