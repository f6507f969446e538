"""Run every engine on one case and assemble one Report.

`evaluate` is a pure function of (Case, KnowledgeBase, timestamp): it reads no
files and prints nothing. Engine outputs are converted to their contract JSON
shape (DESIGN.md) and validated into the Report's sections.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from nenboard import __version__
from nenboard.case.model import Case
from nenboard.facts import derive_facts
from nenboard.genomics.model import MolecularProfile
from nenboard.interface import DISCLAIMER
from nenboard.knowledge.dates import evidence_as_of, evidence_line
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.pathology import Classification
from nenboard.report.model import Report
from nenboard.report.references import citation_key, resolve_references
from nenboard.therapy.model import Plan
from nenboard.trials.model import TrialMatch


def input_hash(case: Case) -> str:
    """sha256 of the validated case as JSON (field order fixed by the model)."""
    return hashlib.sha256(case.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Findings:
    """What every engine says about one case, before it is written up as a Report.

    The batch summary reads these directly; the Report (with every citation
    resolved and a content hash) is built only when it is wanted.
    """

    classification: Classification
    plan: Plan
    molecular: MolecularProfile
    matches: tuple[TrialMatch, ...]

    @property
    def listed_trials(self) -> list[TrialMatch]:
        """The trials a report lists: they may fit and may enrol (now, or once their
        status is verified). Closed trials and retrospective evidence are counted,
        not listed (`nenboard trials CASE` shows every criterion of every trial).
        """
        return [m for m in self.matches
                if m.eligibility != "ineligible" and m.enrolment != "evidence"]


def run_engines(case: Case, kb: KnowledgeBase, as_of: dt.date | None = None) -> Findings:
    """Classification, plan with resistance, molecular tiers and trial matches, all read
    from one `Facts` derivation of the case.

    ``as_of``: the day trial statuses are judged on (None: no status is current).
    """
    from nenboard.therapy import plan
    from nenboard.trials import match_trials

    facts = derive_facts(case, kb)
    return Findings(facts.classification, plan(case, kb, facts=facts, as_of=as_of),
                    facts.profile, tuple(match_trials(case, kb, as_of=as_of)))


def report_time(timestamp: str | None) -> tuple[str, dt.date]:
    """The report's timestamp (now unless pinned) and the day it judges trial statuses on."""
    when = timestamp or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    try:
        day = dt.date.fromisoformat(when[:10])
    except ValueError:
        day = dt.datetime.now(dt.UTC).date()
    return when, day


def evaluate(case: Case, kb: KnowledgeBase, *, timestamp: str | None = None,
             pathway: bool = False, as_of: dt.date | None = None) -> Report:
    """Evaluate one case: classification, plan, resistance, molecular, trials (+ pathway).

    Trial statuses are judged on ``as_of``, by default the day of the report's timestamp.
    """
    when, day = report_time(timestamp)
    as_of = as_of or day
    return write_report(case, run_engines(case, kb, as_of), kb, timestamp=when,
                        pathway=pathway, as_of=as_of)


def write_report(case: Case, found: Findings, kb: KnowledgeBase, *, timestamp: str | None = None,
                 pathway: bool = False, as_of: dt.date | None = None) -> Report:
    """The versioned, cited Report of findings already computed for ``case``."""
    plan_json = found.plan.model_dump(mode="json")
    molecular_json = found.molecular.to_json()
    counts = Counter(m.eligibility for m in found.matches)
    pathway_json = None
    if pathway:
        from nenboard.board.pathway import pathway_prediction

        pathway_json = pathway_prediction(case, kb, [o["therapy"] for o in plan_json["options"]])

    from nenboard.report.evidence import option_comparisons
    from nenboard.report.wording import case_facts

    options = plan_json.get("options", [])
    for option in options:
        option["comparisons"] = [c.model_dump(mode="json")
                                 for c in option_comparisons(option, kb)]
    case_json = case.model_dump(mode="json", exclude_none=True)
    when = timestamp or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    report = Report(
        nenboard_version=__version__, kb_version=kb.version, input_hash=input_hash(case),
        kb_release=kb.release or None, evidence_as_of=evidence_as_of(kb),
        as_of=as_of.isoformat() if as_of else None, evidence=evidence_line(kb, as_of),
        generated_at=when, case_id=case.id, case=case_json,
        case_facts=case_facts(case_json, kb), classification=found.classification,
        options=options, excluded=plan_json.get("excluded", []),
        resistance=plan_json.get("resistance", []), to_complete=plan_json.get("to_complete", []),
        alterations=molecular_json.get("alterations", []),
        trials=[m.to_json() for m in found.listed_trials],
        trial_counts={k: counts.get(k, 0) for k in ("eligible", "possibly_eligible", "ineligible")},
        pathway=pathway_json, disclaimer=DISCLAIMER,
    )
    return finalize(report, kb)


def finalize(report: Report, kb: KnowledgeBase) -> Report:
    """Resolve every citation to its publication, add the board summary, stamp the hash.

    The hash covers everything but the timestamp and the summary (which is
    derived from the rest, and may be recomputed against a previous report),
    serialised by pydantic's JSON encoder (field order is fixed by the model,
    so the bytes are deterministic).
    """
    from nenboard.report.summary import summarise

    body = report.model_dump(mode="json", exclude={"case", "generated_at", "content_hash",
                                                    "references", "summary"})
    report = report.model_copy(update={"references": resolve_references(body, kb)})
    report = report.model_copy(update={"summary": summarise(report)})
    payload = report.model_dump_json(exclude={"generated_at", "content_hash", "summary"})
    return report.model_copy(update={"content_hash": hashlib.sha256(payload.encode()).hexdigest()})


__all__ = ["Findings", "citation_key", "evaluate", "finalize", "input_hash",
           "run_engines", "write_report"]
