"""Results of trial matching: per criterion, per trial, per case.

Plain slotted dataclasses (not pydantic): the matcher builds thousands of them
per second. `to_json()` gives the DESIGN.md contract shape:
``{"matches": [{"nct", "status", "criteria": [{"criterion", "result"}]}]}``
plus extensions (``nct_ids``, ``trial``, ``name``, ``phase``, ``eligibility``,
``explanation``, per-criterion ``facts``/``missing``/``citations``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from nenboard.knowledge.conditions import Truth
from nenboard.knowledge.dates import StatusView
from nenboard.knowledge.schema import Citation, Trial

Eligibility = Literal["eligible", "possibly_eligible", "ineligible"]
ELIGIBILITY_ORDER: tuple[Eligibility, ...] = ("eligible", "possibly_eligible", "ineligible")

UNSTRUCTURED_ID = "criteria_not_structured"
UNSTRUCTURED_TEXT = "criteria not yet structured (a curator must structure the eligibility text)"


@dataclass(slots=True)
class CriterionResult:
    """One criterion evaluated on one case: met / not_met / unknown, and the facts it read."""

    id: str
    text: str
    truth: Truth
    reads: tuple[str, ...]
    facts: Mapping[str, Any]
    citations: tuple[Citation, ...] = ()

    @property
    def used(self) -> dict[str, Any]:
        """The case facts this criterion read (None = not stated in the case)."""
        return {name: self.facts.get(name) for name in self.reads}

    @property
    def missing(self) -> list[str]:
        """Facts the case does not state; collecting them would settle an unknown."""
        return [name for name in self.reads if self.facts.get(name) is None]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "criterion": self.text,
            "result": str(self.truth),
            "facts": self.used,
            "missing": self.missing if self.truth is Truth.UNKNOWN else [],
            "citations": [c.model_dump(mode="json", exclude_none=True) for c in self.citations],
        }


class CompiledCriterionLike(Protocol):
    id: str
    text: str
    reads: tuple[str, ...]
    citations: tuple[Citation, ...]


@dataclass(slots=True)
class TrialMatch:
    """One trial against one case. Criterion results are built on demand from ``truths``."""

    trial: Trial
    eligibility: Eligibility
    truths: tuple[Truth, ...]
    specs: tuple[CompiledCriterionLike, ...]
    facts: Mapping[str, Any]
    structured: bool
    met: int
    not_met: int
    unknown: int
    view: StatusView | None = None  # the status as enrolment sees it on the day judged

    @property
    def enrolment(self) -> str:
        """enrolling | to_verify | evidence (`nenboard.knowledge.dates.status_view`)."""
        return self.view.standing if self.view else "to_verify"

    @property
    def status_label(self) -> str:
        """'recruiting (as stated in mcclellan2022, 2022)', or 'to verify: ...' with the link."""
        return self.view.label if self.view else self.trial.status.replace("_", " ")

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        out = [CriterionResult(c.id, c.text, t, c.reads, self.facts, c.citations)
               for c, t in zip(self.specs, self.truths, strict=True)]
        if not self.structured:
            out.append(CriterionResult(UNSTRUCTURED_ID, UNSTRUCTURED_TEXT, Truth.UNKNOWN, (),
                                       self.facts, tuple(self.trial.citations)))
        return tuple(out)

    @property
    def unknown_criteria(self) -> list[str]:
        """The texts of the criteria still to confirm (what `criteria` marks unknown)."""
        out = [c.text for c, t in zip(self.specs, self.truths, strict=True) if t is Truth.UNKNOWN]
        return out if self.structured else [*out, UNSTRUCTURED_TEXT]

    @property
    def id(self) -> str:
        return self.trial.id

    @property
    def nct(self) -> str | None:
        return self.trial.nct[0] if self.trial.nct else None

    @property
    def known(self) -> int:
        return self.met + self.not_met

    @property
    def explanation(self) -> str:
        from nenboard.trials.explain import explain

        return explain(self)

    def to_json(self) -> dict[str, Any]:
        t = self.trial
        return {
            "nct": self.nct,
            "nct_ids": list(t.nct),
            "trial": t.id,
            "name": t.name,
            "phase": t.phase,
            "status": t.status,
            "status_label": self.status_label,
            "enrolment": self.enrolment,
            "status_as_of": self.view.to_json() if self.view else None,
            "eligibility": self.eligibility,
            "explanation": self.explanation,
            "structured": self.structured,
            "counts": {"met": self.met, "not_met": self.not_met, "unknown": self.unknown},
            "criteria": [c.to_json() for c in self.criteria],
            "citations": [c.model_dump(mode="json", exclude_none=True) for c in t.citations],
        }


@dataclass(frozen=True, slots=True)
class MatchReport:
    """All trials matched against one case, ranked (the `nenboard trials` result)."""

    matches: tuple[TrialMatch, ...]
    kb_version: str
    status_filter: tuple[str, ...] | None = None
    case_id: str | None = None
    summary: dict[str, int] = field(default_factory=dict)
    as_of: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "kb_version": self.kb_version,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "status_filter": list(self.status_filter) if self.status_filter else None,
            "summary": self.summary,
            "matches": [m.to_json() for m in self.matches],
        }
