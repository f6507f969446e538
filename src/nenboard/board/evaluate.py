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
from typing import Any

from nenboard import __version__
from nenboard.case.model import Case
from nenboard.facts import derive_facts
from nenboard.genomics.model import MolecularProfile
from nenboard.interface import DISCLAIMER
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Source
from nenboard.pathology import Classification
from nenboard.report.model import Reference, Report
from nenboard.therapy.model import Plan
from nenboard.trials.model import TrialMatch

CLOSED = ("completed", "terminated", "withdrawn")


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
        """The trials a report lists: they may fit and may still enrol.

        The others are counted, not listed (`nenboard trials CASE` shows every
        criterion of every trial).
        """
        return [m for m in self.matches
                if m.eligibility != "ineligible" and m.trial.status not in CLOSED]


def run_engines(case: Case, kb: KnowledgeBase) -> Findings:
    """Classification, plan with resistance, molecular tiers and trial matches, all read
    from one `Facts` derivation of the case."""
    from nenboard.therapy import plan
    from nenboard.trials import match_trials

    facts = derive_facts(case, kb)
    return Findings(facts.classification, plan(case, kb, facts=facts), facts.profile,
                    tuple(match_trials(case, kb)))


def evaluate(case: Case, kb: KnowledgeBase, *, timestamp: str | None = None,
             pathway: bool = False) -> Report:
    """Evaluate one case: classification, plan, resistance, molecular, trials (+ pathway)."""
    return write_report(case, run_engines(case, kb), kb, timestamp=timestamp, pathway=pathway)


def write_report(case: Case, found: Findings, kb: KnowledgeBase, *, timestamp: str | None = None,
                 pathway: bool = False) -> Report:
    """The versioned, cited Report of findings already computed for ``case``."""
    plan_json = found.plan.model_dump(mode="json")
    molecular_json = found.molecular.to_json()
    counts = Counter(m.eligibility for m in found.matches)
    pathway_json = None
    if pathway:
        from nenboard.board.pathway import pathway_prediction

        pathway_json = pathway_prediction(case, kb, [o["therapy"] for o in plan_json["options"]])

    when = timestamp or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    report = Report(
        nenboard_version=__version__, kb_version=kb.version, input_hash=input_hash(case),
        generated_at=when, case_id=case.id, case=case.model_dump(mode="json", exclude_none=True),
        classification=found.classification,
        options=plan_json.get("options", []), excluded=plan_json.get("excluded", []),
        resistance=plan_json.get("resistance", []), to_complete=plan_json.get("to_complete", []),
        alterations=molecular_json.get("alterations", []),
        trials=[m.to_json() for m in found.listed_trials],
        trial_counts={k: counts.get(k, 0) for k in ("eligible", "possibly_eligible", "ineligible")},
        pathway=pathway_json, disclaimer=DISCLAIMER,
    )
    return finalize(report, kb)


def finalize(report: Report, kb: KnowledgeBase) -> Report:
    """Resolve every citation to its full reference and stamp the content hash.

    The hash covers everything but the timestamp, serialised by pydantic's JSON
    encoder (field order is fixed by the model, so the bytes are deterministic).
    """
    body = report.model_dump(mode="json", exclude={"case", "generated_at", "content_hash",
                                                    "references"})
    report = report.model_copy(update={"references": resolve_references(body, kb)})
    payload = report.model_dump_json(exclude={"generated_at", "content_hash"})
    return report.model_copy(update={"content_hash": hashlib.sha256(payload.encode()).hexdigest()})


def citation_key(c: dict[str, Any]) -> str:
    return f"{c.get('source')}|{c.get('ref') or ''}|{c.get('locator')}"


def _walk_citations(node: Any, out: dict[str, dict[str, Any]]) -> None:
    if isinstance(node, dict):
        if "locator" in node and isinstance(node.get("source"), str):
            out.setdefault(citation_key(node), node)
            return
        for value in node.values():
            if isinstance(value, dict | list):
                _walk_citations(value, out)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, dict | list):
                _walk_citations(value, out)


def _full_reference(src: Source) -> str:
    where = f". doi:{src.doi}" if src.doi else f". {src.url}" if src.url else ""
    return f"{src.authors}. {src.title}. {src.journal or ''} ({src.year}){where}"


def resolve_references(body: dict[str, Any], kb: KnowledgeBase) -> list[Reference]:
    """Every citation in a dumped report, in order of first appearance, with its source."""
    found: dict[str, dict[str, Any]] = {}
    _walk_citations(body, found)
    refs = []
    for key, c in found.items():
        src = kb.sources.get(c["source"])
        full = _full_reference(src) if src else c["source"]
        refs.append(Reference(key=key, source=c["source"], full=" ".join(full.split()),
                              ref=c.get("ref"), locator=c["locator"]))
    return refs
