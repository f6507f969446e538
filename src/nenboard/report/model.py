"""The Report: one versioned, schema-published document per evaluated case.

Sections follow the stable CLI/JSON contracts of DESIGN.md (classification,
plan options/exclusions/resistance, molecular alterations, trial matches);
each section admits the engines' extra keys, so engines can grow without
breaking the published schema. Same input + same versions + same timestamp ->
byte-identical JSON; ``content_hash`` excludes the timestamp so it is equal for
every evaluation of the same input with the same versions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nenboard.knowledge.schema import Citation
from nenboard.pathology.classify import Classification

REPORT_SCHEMA_VERSION = "1.0"


class Open(BaseModel):
    """A contract section: the named fields are guaranteed, engines may add more."""

    model_config = ConfigDict(extra="allow")


class Option(Open):
    therapy: str
    name: str
    category: Literal["standard", "alternative", "trial", "investigational"]
    line: str | int | None = None
    rationale: Any = None
    evidence: Any = None
    citations: list[Citation] = Field(default_factory=list)


class Exclusion(Open):
    therapy: str
    name: str
    reason: str


class Resistance(Open):
    therapy: str
    kind: Literal["primary", "secondary", "unknown"]
    mechanisms: list[Any] = Field(default_factory=list)
    strategies: list[Any] = Field(default_factory=list)


class Alteration(Open):
    gene: str
    alteration: str
    tier: str | None = None
    drugs: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


class CriterionStatus(Open):
    criterion: str
    result: Literal["met", "not_met", "unknown"]


class TrialMatch(Open):
    nct: str | None = None
    status: str
    criteria: list[CriterionStatus] = Field(default_factory=list)


class Reference(BaseModel):
    """A citation resolved to its full source."""

    key: str = Field(description="source id + reference + locator, as cited in the text")
    source: str
    full: str = Field(description="the source's full bibliographic reference")
    ref: str | None = None
    locator: str


class Section(BaseModel):
    """Status of one engine run: ok, skipped (not requested/not built) or error."""

    status: Literal["ok", "skipped", "error"] = "ok"
    message: str | None = None


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_schema: str = REPORT_SCHEMA_VERSION
    nenboard_version: str
    kb_version: str
    input_hash: str = Field(description="sha256 of the canonical case JSON")
    content_hash: str = Field(default="", description="sha256 of the report without timestamp")
    generated_at: str = Field(description="ISO-8601 UTC evaluation time")
    case_id: str | None = None
    case: dict[str, Any] = Field(description="the validated case, as evaluated")
    classification: Classification
    options: list[Option] = Field(default_factory=list)
    excluded: list[Exclusion] = Field(default_factory=list)
    resistance: list[Resistance] = Field(default_factory=list)
    to_complete: list[Any] = Field(default_factory=list)
    alterations: list[Alteration] = Field(default_factory=list)
    trials: list[TrialMatch] = Field(default_factory=list,
                                     description="eligible and possibly eligible trials")
    trial_counts: dict[str, int] = Field(default_factory=dict,
                                         description="trials evaluated, by eligibility")
    pathway: dict[str, Any] | None = None
    sections: dict[str, Section] = Field(default_factory=dict)
    references: list[Reference] = Field(default_factory=list)
    disclaimer: str
