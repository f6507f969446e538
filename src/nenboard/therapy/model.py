"""The `nenboard plan` result: options, exclusions, what to complete, resistance.

The JSON contract of DESIGN.md (``options``, ``excluded``, ``resistance`` and
their listed keys) holds exactly; further keys extend it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from nenboard.knowledge.schema import Category, Citation

CATEGORY_ORDER: tuple[Category, ...] = ("standard", "alternative", "trial", "investigational")
ESMO_ORDER = ("I", "II", "III", "IV", "V")


class Benefit(BaseModel):
    """One transcribed trial outcome (an expected-benefit figure)."""

    trial: str
    endpoint: str
    arm: str
    value: float
    unit: str
    comparator: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: str | None = None
    timepoint: str | None = None
    text: str
    citations: list[Citation] = Field(default_factory=list, description="where the number is from")


class Evidence(BaseModel):
    """A trial behind an option, with its key numbers from the knowledge base."""

    trial: str
    name: str
    summary: str
    phase: str | None = None
    design: str | None = None
    esmo_level: str | None = None
    population: str | None = None
    benefit: list[Benefit] = Field(default_factory=list)
    curated: bool = Field(default=True, description="false: the trial is not in the knowledge base")
    citations: list[Citation] = Field(default_factory=list)


Status = Literal["applies", "to_check", "met"]


class CautionCheck(BaseModel):
    """A caution from the sources, evaluated against the case.

    ``applies``: the case triggers it, or it is a standing caution for anyone given
    the therapy (the values are in ``triggered_by``); ``to_check``: a fact it needs
    is unknown; ``met``: not used for cautions the case triggers.
    """

    text: str
    status: Status
    triggered_by: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, Any] = Field(default_factory=dict, description="every fact it read")
    source: str = Field(description="rule, or the drug/regimen record it comes from")
    citations: list[Citation] = Field(default_factory=list)


class DatedSource(BaseModel):
    """A source behind an option published after the source reviews, with its date."""

    source: str
    date: str | None = None
    label: str
    url: str | None = None


class DatedStatement(BaseModel):
    """What one source said, when (its publication date), and where it says so."""

    source: str
    date: str | None = None
    statement: str
    locator: str | None = None
    quote: str | None = None
    url: str | None = None


class EvidenceUpdate(BaseModel):
    """A later source changing what a review said about an evidence trial: both, dated."""

    trial: str
    earlier: DatedStatement
    later: DatedStatement
    later_sources: list[str] = Field(default_factory=list)
    status: str | None = Field(default=None, description="status the later source implies")


class Prerequisite(BaseModel):
    """A prerequisite of an option, evaluated against the case.

    ``met``: the case fulfils it (not repeated as a to-do); ``applies``: the case
    fails it (the value is in ``triggered_by``); ``to_check``: unknown.
    """

    text: str
    status: Status
    triggered_by: dict[str, Any] = Field(default_factory=dict)
    citations: list[Citation] = Field(default_factory=list)


class Option(BaseModel):
    therapy: str
    name: str
    category: Category
    line: str
    rationale: list[str]
    evidence: list[Evidence]
    citations: list[Citation]
    esmo_level: str | None = None
    escat_tier: str | None = None
    triggered_by: dict[str, Any] = Field(default_factory=dict,
                                         description="the case facts the rule read")
    benefit: list[Benefit] = Field(default_factory=list)
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    cautions: list[CautionCheck] = Field(default_factory=list)
    entity: str | None = Field(default=None, description="the entity whose option set it "
                               "belongs to when the NET G3 / NEC differential conflicts")
    classes: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="e.g. safety-gate demotions")
    rules: list[str] = Field(default_factory=list, description="knowledge-base rule ids")
    origin: Literal["rule", "trial_matcher", "genomics"] = "rule"
    priority: int = 50
    after_reviews: list[DatedSource] = Field(
        default_factory=list, description="evidence published after the source reviews")
    updates: list[EvidenceUpdate] = Field(
        default_factory=list, description="what a review said and what a later source reports")


class Exclusion(BaseModel):
    therapy: str
    name: str
    reason: str
    kind: Literal["requirement", "safety_gate", "pending", "no_citation"]
    category: Category | None = Field(default=None, description="category it would have had")
    rule: str | None = None
    gate: str | None = None
    citations: list[Citation] = Field(default_factory=list)


class ToComplete(BaseModel):
    """A missing test or fact that would change the plan (ranked: most decisive first)."""

    item: str
    facts: list[str]
    affects: list[str] = Field(default_factory=list, description="option names it decides")
    trials: list[str] = Field(default_factory=list, description="trial options it decides")
    why: str | None = None
    request: str | None = Field(default=None, description="knowledge-base work-up record id")
    citations: list[Citation] = Field(default_factory=list)


class Differential(BaseModel):
    """The NET G3 / NEC differential as the plan acted on it."""

    stated: str | None
    supported: str | None
    conflict: bool
    explanation: str
    findings: list[dict[str, Any]] = Field(default_factory=list)


class NoGuidance(BaseModel):
    """An entity or situation the sources do not cover, and the closest evidence."""

    id: str
    name: str
    explanation: str
    closest_evidence: str
    citations: list[Citation] = Field(default_factory=list)


class Mechanism(BaseModel):
    id: str
    name: str
    kind: str
    therapy_class: str
    description: str
    evidence_types: list[str]
    tests: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


class StrategyOut(BaseModel):
    description: str
    therapies: list[str] = Field(default_factory=list)
    trials: list[str] = Field(default_factory=list)
    evidence: str | None = None
    mechanism: str | None = None
    citations: list[Citation] = Field(default_factory=list)


class Resistance(BaseModel):
    therapy: str
    kind: Literal["primary", "secondary", "unknown"]
    mechanisms: list[Mechanism]
    strategies: list[StrategyOut]
    name: str = ""
    history_index: int = 0
    classes: list[str] = Field(default_factory=list)
    basis: str = ""
    best_response: str | None = None
    duration_months: float | None = None
    progression_type: str | None = None
    symptomatic: bool | None = None
    radiological: bool | None = None
    anti_secretory: bool = Field(default=False, description="functional tumor with symptomatic "
                                 "(hormonal) progression on an SSA")
    after_completed_course: bool = Field(default=False, description="progression after a "
                                         "completed course (e.g. 4 cycles of PRRT)")
    tests: list[str] = Field(default_factory=list, description="what to test now")
    citations: list[Citation] = Field(default_factory=list)


class Plan(BaseModel):
    case_id: str | None = None
    kb_version: str
    line: int | None = None
    summary: dict[str, Any] = Field(default_factory=dict)
    options: list[Option]
    excluded: list[Exclusion]
    to_complete: list[ToComplete] = Field(default_factory=list)
    resistance: list[Resistance] = Field(default_factory=list)
    differential: Differential | None = None
    no_guidance: list[NoGuidance] = Field(default_factory=list)
    disclaimer: str
