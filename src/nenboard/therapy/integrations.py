"""Options from the trial matcher and the molecular engine.

* Eligible and possibly eligible trials a patient can join on ``as_of`` (a
  recruiting or not-yet-recruiting status stated at most 12 months earlier)
  become ``category: trial`` options. Those whose open status is older are
  listed as not offered, "to verify" with the registry link; closed trials,
  retrospective cohorts and meta-analyses are evidence (under the options they
  support), never trial options. See `nenboard.knowledge.dates`.
* Each actionable biomarker assertion that applies becomes an ``investigational``
  option per regimen its evidence is for (never one drug of a combination), with
  the assertion's own ESCAT tier and the line its evidence comes from; the safety
  gates ``no-partner-drug-alone`` and ``molecular-evidence-line`` enforce both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nenboard.case.model import Case
from nenboard.genomics import annotate_case
from nenboard.genomics.model import TIER_ORDER
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import BiomarkerAssertion, Citation, EvidenceLine
from nenboard.memo import per_kb
from nenboard.therapy.evidence import trial_evidence
from nenboard.therapy.model import Exclusion, Option
from nenboard.trials import match_trials

OFFERED_ELIGIBILITY = ("eligible", "possibly_eligible")
OPEN_STATUSES = ("recruiting", "not_yet_recruiting")  # as stated; `enrolment` says if current
ACTIONABLE_TIERS = ("I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B")


@dataclass(frozen=True)
class MolecularMatch:
    """One sensitivity assertion that applies to one alteration, as the planner needs it.

    ``tier`` is the assertion's own ESCAT tier (never borrowed from another assertion on
    the same alteration); ``regimens`` are the regimens its evidence is for, so a
    combination is never split into single drugs; ``line`` is the line of therapy the
    evidence comes from.
    """

    label: str
    tier: str
    drugs: tuple[str, ...]
    trials: tuple[str, ...]
    citations: tuple[Citation, ...]
    assertion: str = ""
    regimens: tuple[str, ...] = ()
    line: EvidenceLine | None = None
    note: str | None = None

    @property
    def offered(self) -> tuple[str, ...]:
        """What is offered: the evidence's regimens (each drug only if none is named)."""
        return self.regimens or self.drugs


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


def trial_options(case: Case, kb: KnowledgeBase, line: str,
                  as_of: dt.date | None = None) -> list[Option]:
    """``category: trial`` options: fitting trials enrolling on ``as_of`` (None: none are)."""
    options = []
    arms = _trial_arms(kb)
    for m in match_trials(case, kb, as_of=as_of):
        trial = m.trial
        if m.eligibility not in OFFERED_ELIGIBILITY or m.enrolment != "enrolling":
            continue
        shown = arms[trial.id]
        rationale = [f"Trial matcher: {m.eligibility.replace('_', ' ')} for {trial.name} "
                     f"({', '.join(trial.nct) or trial.id}; status {m.status_label})."]
        unknown = m.unknown_criteria
        if unknown:
            rationale.append("Criteria to confirm: " + "; ".join(unknown))
        options.append(Option(
            therapy=shown.therapy, name=shown.name, category="trial",
            line=line, rationale=rationale, evidence=[trial_evidence(trial.id, kb)],
            citations=list(trial.citations), esmo_level=trial.esmo_level, origin="trial_matcher",
            classes=list(shown.classes), rules=[], notes=[f"trial {trial.id}"], priority=60))
    return options


def trials_to_verify(case: Case, kb: KnowledgeBase,
                     as_of: dt.date | None = None) -> list[Exclusion]:
    """Fitting trials whose open status is too old to offer: not offered, "to verify"."""
    out = []
    arms = _trial_arms(kb)
    for m in match_trials(case, kb, as_of=as_of):
        if (m.eligibility in OFFERED_ELIGIBILITY and m.enrolment == "to_verify"
                and m.trial.status in OPEN_STATUSES):
            out.append(Exclusion(
                therapy=arms[m.trial.id].therapy, name=arms[m.trial.id].name, kind="pending",
                category="trial", citations=list(m.trial.citations),
                reason=f"not offered as a trial until its status is confirmed: {m.status_label}"))
    return out


def molecular_matches(case: Case, kb: KnowledgeBase) -> list[MolecularMatch]:
    """One match per (alteration, applicable sensitivity assertion) with an actionable tier."""
    out = []
    for alt in annotate_case(case, kb).alterations:
        v = alt.observed.variant
        for m in alt.annotation.matches:
            rec = kb.biomarkers.get(m.assertion)
            if (rec is None or m.direction != "sensitivity" or m.tier not in ACTIONABLE_TIERS
                    or not (rec.regimens or rec.drugs)):
                continue
            out.append(MolecularMatch(
                label=f"{v.gene} {v.alteration}", tier=m.tier, drugs=tuple(rec.drugs),
                trials=tuple(rec.trials), citations=tuple(rec.citations), assertion=rec.id,
                regimens=tuple(rec.regimens), line=rec.line, note=m.note))
    return out


def line_met(line: EvidenceLine | None, facts: Mapping[str, Any],
             kb: KnowledgeBase) -> bool:
    """Has the case reached the line the evidence comes from? (no line stated: yes)."""
    if line is None:
        return True
    now = facts.get("line")
    if line.min_line is not None and isinstance(now, int) and now < line.min_line:
        return False
    if line.after:
        prior = {*(facts.get("prior_therapies") or ()), *(facts.get("prior_classes") or ())}
        had = prior | {c for t in prior for c in kb.classes_of(t)}
        if not had & set(line.after):
            return False
    return True


def evidence_line_gap(option: Option, facts: Mapping[str, Any], kb: KnowledgeBase) -> str | None:
    """Why a matched option is premature: no matched assertion's evidence line is reached."""
    recs = _assertions_of(option, kb)
    if not recs or any(line_met(r.line, facts, kb) for r in recs):
        return None
    return "; ".join(f"{r.id}: evidence is {r.line.text}" for r in recs if r.line)


def partner_alone_gap(option: Option, kb: KnowledgeBase) -> str | None:
    """Why a matched option splits a regimen: its therapy is not a regimen its evidence names."""
    recs = _assertions_of(option, kb)
    if not recs:
        return None
    named = list(dict.fromkeys(r for rec in recs for r in (rec.regimens or rec.drugs)))
    if option.therapy in named:
        return None
    combos = [r for r in named if option.therapy in kb.components_of(r)]
    if combos:
        return (f"{option.therapy} is a partner drug of {', '.join(combos)}; the evidence is for "
                "the combination")
    return f"{option.therapy} is not a regimen its evidence names ({', '.join(named)})"


def _assertions_of(option: Option, kb: KnowledgeBase) -> list[BiomarkerAssertion]:
    ids = option.triggered_by.get("assertions") or ()
    return [kb.biomarkers[i] for i in ids if i in kb.biomarkers]


def molecular_options(case: Case, kb: KnowledgeBase, line: str) -> list[Option]:
    """One investigational option per evidence regimen, with each assertion's own tier.

    A regimen several assertions name (e.g. berzosertib + topotecan for CCNE1 gain and
    ARID1A loss) is one option whose tier is the best of those assertions; the rationale
    gives every assertion with its own tier and the line its evidence comes from.
    """
    by_regimen: dict[str, list[MolecularMatch]] = {}
    for m in molecular_matches(case, kb):
        for therapy in m.offered:
            by_regimen.setdefault(therapy, []).append(m)
    options = []
    for therapy, matches in by_regimen.items():
        rec = kb.therapy(therapy)
        best = min(matches, key=lambda m: TIER_ORDER.index(m.tier))
        labels = list(dict.fromkeys(m.label for m in matches))
        trials = list(dict.fromkeys(t for m in matches for t in m.trials))
        rationale = [f"Molecularly matched: {m.label} ({m.assertion or 'assertion'}), ESCAT tier "
                     f"{m.tier}" + (f"; {m.note}" if m.note else "") for m in matches]
        rationale += [f"Evidence line ({m.assertion}): {m.line.text}" for m in matches if m.line]
        if trials:
            rationale.append(f"trials: {', '.join(trials)}")
        components = kb.components_of(therapy)
        if len(components) > 1:
            rationale.append("The evidence is for the combination; its drugs are not offered "
                             "alone.")
        options.append(Option(
            therapy=therapy, name=(rec.name if rec else therapy)
            + f" (matched to {', '.join(labels)})",
            category="investigational", line=line, escat_tier=best.tier, rationale=rationale,
            evidence=[trial_evidence(t, kb) for t in trials],
            citations=list({(c.source, c.ref, c.locator, c.quote): c
                            for m in matches for c in m.citations}.values()),
            origin="genomics", classes=kb.classes_of(therapy), priority=70,
            triggered_by={"alteration": ", ".join(labels),
                          "assertions": [m.assertion for m in matches if m.assertion]}))
    return options
