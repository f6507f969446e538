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

REPORT_SCHEMA_VERSION = "1.1"


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
    comparisons: list[Comparison] = Field(default_factory=list, description="the evidence as "
                                          "one comparison per trial endpoint, subgroup, source")


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
    status_label: str | None = Field(default=None, description="status with whose statement "
                                     "it is and its date; 'to verify: ...' when stale")
    criteria: list[CriterionStatus] = Field(default_factory=list)


class CitedAt(BaseModel):
    """One place a publication is cited: its internal reference and the locator."""

    key: str = Field(description="source id + reference + locator of the in-text citation")
    ref: str | None = Field(default=None, description="reference number inside the review")
    locator: str
    primary: str | None = Field(default=None, description="the primary study this reference is, "
                                "as the review's reference list names it")
    trial: str | None = Field(default=None, description="knowledge-base trial id")
    nct: list[str] = Field(default_factory=list)


class Reference(BaseModel):
    """One publication, with every locator the report cites in it."""

    key: str = Field(description="source id (one entry per publication); in-text citations "
                     "map to it through `cited[].key`")
    source: str
    full: str = Field(description="the source's full bibliographic reference")
    ref: str | None = Field(default=None, description="the review's reference numbers cited, "
                            "comma-separated")
    locator: str = Field(description="the locators cited, semicolon-separated")
    doi: str | None = None
    pmid: str | None = None
    cited: list[CitedAt] = Field(default_factory=list)


class CaseFact(BaseModel):
    """One topic of the case in words (every fact the user entered)."""

    key: str
    label: str
    text: str
    items: list[str] = Field(default_factory=list)
    short: str | None = Field(default=None, description="a shorter form for the one-line summary")


class ComparisonArm(BaseModel):
    arm: str
    name: str
    value: float
    unit: str
    qualifier: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    this_option: bool = Field(default=False, description="the arm that gives this option")


class Comparison(BaseModel):
    """One trial endpoint compared across its arms, for one subgroup, as one source reports it."""

    trial: str
    trial_name: str
    endpoint: str
    label: str = Field(description="the endpoint in words, e.g. 'median PFS'")
    unit: str
    subgroup: str | None = None
    timepoint: str | None = None
    sources: list[str] = Field(default_factory=list, description="source ids reporting it")
    source_names: list[str] = Field(default_factory=list, description="e.g. 'McClellan 2022'")
    arms: list[ComparisonArm] = Field(default_factory=list)
    effect: ComparisonArm | None = Field(default=None, description="HR/OR/RR of arm vs comparator")
    comparator: str | None = None
    p: str | None = None
    randomized: bool | None = Field(default=None, description="false: arms are groups of a "
                                    "non-randomised study, not compared head to head")
    disagrees: bool = Field(default=False, description="another source reports other values "
                            "for the same endpoint and subgroup")
    text: str
    citations: list[Citation] = Field(default_factory=list)


class SummaryOption(BaseModel):
    therapy: str
    name: str
    category: str
    line: str | None = None
    level: str | None = Field(default=None, description="ESMO level or ESCAT tier, named")
    support: str | None = Field(default=None, description="the one number that supports it")
    cautions: list[str] = Field(default_factory=list, description="cautions that apply")


class SummaryTest(BaseModel):
    test: str
    why: str | None = None


class SummaryTrial(BaseModel):
    trial: str | None = None
    name: str
    nct: str | None = None
    phase: str | None = None
    eligibility: str | None = None
    status: str | None = Field(default=None, description="dated status; 'to verify: ...' "
                               "when older than 12 months")
    to_check: list[str] = Field(default_factory=list, description="criteria not yet known")


class Change(BaseModel):
    kind: Literal["added", "removed", "changed"]
    what: str = Field(description="classification, option, test, trial, fact or knowledge base")
    text: str


class BoardSummary(BaseModel):
    """What the board reads first: one A4 page (see `nenboard.report.summary.summarise`)."""

    patient: str = Field(description="the patient in one line")
    who_label: str
    warnings: list[str] = Field(default_factory=list)
    line: str | None = Field(default=None, description="the line of therapy the options are for")
    options: list[SummaryOption] = Field(default_factory=list)
    more_options: dict[str, int] = Field(default_factory=dict,
                                         description="options not listed, by category")
    tests: list[SummaryTest] = Field(default_factory=list)
    trials: list[SummaryTrial] = Field(default_factory=list)
    more_trials: int = 0
    changes: list[Change] | None = Field(default=None, description="null: no previous report "
                                         "given; []: nothing changed")
    previous: dict[str, str] | None = Field(default=None, description="generated_at and "
                                            "content_hash of the previous report")


class Section(BaseModel):
    """Status of one engine run: ok, skipped (not requested/not built) or error."""

    status: Literal["ok", "skipped", "error"] = "ok"
    message: str | None = None


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_schema: str = REPORT_SCHEMA_VERSION
    nenboard_version: str
    kb_version: str
    kb_release: str | None = Field(default=None, description="knowledge-base release date, "
                                   "YYYY.MM.DD (docs/changelog-kb.md)")
    evidence_as_of: str | None = Field(default=None, description="newest source date")
    as_of: str | None = Field(default=None, description="the day trial statuses were judged on")
    evidence: str = Field(default="", description="'evidence as of ...; knowledge base ...'")
    input_hash: str = Field(description="sha256 of the canonical case JSON")
    content_hash: str = Field(default="", description="sha256 of the report without timestamp")
    generated_at: str = Field(description="ISO-8601 UTC evaluation time")
    case_id: str | None = None
    summary: BoardSummary | None = Field(default=None, description="the board summary, first")
    case: dict[str, Any] = Field(description="the validated case, as evaluated")
    case_facts: list[CaseFact] = Field(default_factory=list, description="the case in words")
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


Option.model_rebuild()
