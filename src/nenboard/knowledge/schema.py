"""Schema of the curated knowledge base.

Every record carries ``citations``; the schema refuses a record without one.
Cross-references (drug ids in regimens, trial ids in rules, ...) are checked
by `nenboard.knowledge.check`, which also validates conditions against the fact
vocabulary and the numeric sanity of transcribed outcomes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from nenboard.knowledge.conditions import Condition

ID_PATTERN = r"^[a-z0-9][a-z0-9_.+\-]*$"
NCT_PATTERN = re.compile(r"^NCT\d{8}$")
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"


def _date_text(v: object) -> object:
    """YAML reads 2016 as int and 2016-09-20 as a date; keep both as text."""
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()[:10]
    return v


PartialDate = Annotated[str, BeforeValidator(_date_text), Field(pattern=DATE_PATTERN)]
"""A date as precise as the source gives it: ``2016``, ``2016-09`` or ``2016-09-20``."""

EsmoLevel = Literal["I", "II", "III", "IV", "V"]
EscatTier = Literal["I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B", "IV-A", "IV-B", "X"]
Category = Literal["standard", "alternative", "trial", "investigational"]
Entity = Literal["NET", "NEC", "MiNEN", "SCLC", "NEN"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Citation(Strict):
    """Where a fact comes from: registered source, reference inside it, and where."""

    source: str = Field(description="registered source id, e.g. mcclellan2022")
    ref: str | None = Field(
        default=None, description="reference number or author-year inside the source"
    )
    locator: str = Field(min_length=1, description="section, table or figure")
    quote: str | None = Field(default=None, description="short verbatim excerpt, optional")
    date: PartialDate | None = Field(
        default=None, description="date of the statement when it is not the source's publication "
        "date (a registry record's last update, a web page's date)")
    url: str | None = Field(
        default=None, description="address of the stored page the quote was read on (facts from "
        "outside the seed reviews: journal abstract, PubMed, registry, regulator, society page)")

    @field_validator("ref", mode="before")
    @classmethod
    def _ref_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v

    def label(self) -> str:
        ref = f" [{self.ref}]" if self.ref else ""
        return f"{self.source}{ref}, {self.locator}"


class Record(Strict):
    """Common base: stable id, display name, synonyms, at least one citation."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(min_length=1)
    notes: str | None = None
    ambiguities: list[str] = Field(
        default_factory=list, description="what the source leaves unclear, kept visible"
    )


class Source(Strict):
    """A citable source. The three reviews are the primary sources."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["review", "article", "label", "guideline", "dataset", "model", "classification"]
    title: str
    authors: str
    year: int
    published: PartialDate = Field(description="publication date, as precise as known "
                                   "(2016, 2016-09 or 2016-09-20); dates every record citing it")
    published_quote: str | None = Field(
        default=None, description="verbatim line of the source that gives the date")
    journal: str | None = None
    doi: str | None = None
    pmid: str | None = None
    label_date: str | None = None
    isbn: str | None = None
    url: str | None = None
    file: str | None = Field(default=None, description="seed file name for the reviews")
    license: str | None = None

    @model_validator(mode="after")
    def _verifiable(self) -> Source:
        if not (self.doi or self.pmid or self.isbn or self.label_date or self.url or self.file):
            raise ValueError(f"source {self.id!r} needs a verifiable identifier (doi, pmid, "
                             "label_date, url, or the shipped seed file)")
        if not self.published.startswith(str(self.year)):
            raise ValueError(f"source {self.id!r}: published {self.published!r} is not in "
                             f"year {self.year}")
        return self


class TherapyClass(Record):
    """A class of therapy that resistance and rules reason about (SSA, PRRT, ...)."""

    primary_resistance: str | None = None
    secondary_resistance: str | None = None


class Approval(Strict):
    agency: str = Field(description="FDA, EMA, ...")
    year: int
    indication: str
    citations: list[Citation] = Field(min_length=1)


class Toxicity(Strict):
    name: str
    note: str | None = None
    fact: str | None = Field(
        default=None, description="case fact that makes this caution relevant, e.g. diabetes"
    )
    citations: list[Citation] = Field(min_length=1)


class Drug(Record):
    drug_class: str = Field(description="pharmacological class in words")
    classes: list[str] = Field(default_factory=list, description="therapy class ids")
    targets: list[str] = Field(default_factory=list)
    mechanism: str | None = None
    route: str | None = None
    schedule: str | None = None
    status: Literal["approved", "investigational", "off_label", "withdrawn"] = "investigational"
    approvals: list[Approval] = Field(default_factory=list)
    toxicities: list[Toxicity] = Field(default_factory=list)


class Regimen(Record):
    """A regimen, schedule or non-drug modality (surgery, liver-directed therapy)."""

    modality: Literal["systemic", "radioligand", "surgery", "liver_directed", "supportive",
                      "radiotherapy"] = "systemic"
    components: list[str] = Field(default_factory=list, description="drug ids")
    classes: list[str] = Field(default_factory=list, description="therapy class ids")
    schedule: str | None = None
    toxicities: list[Toxicity] = Field(default_factory=list)


class Outcome(Strict):
    endpoint: str = Field(description="PFS, TTP, OS, ORR, DCR, PFS_rate, OS_rate, ...")
    arm: str
    value: float
    qualifier: Literal[">", ">=", "<", "<="] | None = Field(
        default=None, description="the value is a bound, e.g. '>' for 'not reached (>27 months)'")
    unit: Literal["months", "weeks", "days", "years", "%", "HR", "OR", "RR", "n"]
    comparator: str | None = Field(default=None, description="for HR/OR: the reference arm")
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = 95
    p: str | None = Field(default=None, description="p-value as written, e.g. '<0.001'")
    timepoint: str | None = Field(default=None, description="for rates, e.g. '20 months'")
    note: str | None = None
    citations: list[Citation] = Field(default_factory=list)

    @field_validator("p", mode="before")
    @classmethod
    def _p_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) else v


class Arm(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    therapies: list[str] = Field(default_factory=list, description="drug or regimen ids")
    n: int | None = Field(default=None, ge=0)
    cohort: Condition | None = Field(
        default=None, description="the cohort this arm belongs to, where a trial has separate "
        "cohorts (CABINET: pancreatic vs extra-pancreatic); its outcomes are shown first to a "
        "case in that cohort")


StudyType = Literal["interventional", "observational", "retrospective", "meta_analysis",
                    "case_series"]
"""retrospective, meta_analysis and case_series studies are evidence, never enrolment options."""


class Design(Strict):
    study_type: StudyType | None = Field(default=None, description="None = interventional "
                                         "trial (what the sources mostly describe)")
    randomized: bool | None = None
    blinding: Literal["double-blind", "single-blind", "open-label"] | None = None
    placebo_controlled: bool | None = None
    n: int | None = Field(default=None, ge=0)
    description: str | None = None


class Population(Strict):
    """Who the trial enrolled, as the source states it (free text kept verbatim)."""

    description: str | None = None
    entities: list[Entity] = Field(default_factory=list)
    sites: list[str] = Field(default_factory=list)
    grades: list[str] = Field(default_factory=list)
    ki67: str | None = None
    sstr: Literal["positive", "negative", "any"] | None = None
    line: str | None = None
    prior_required: list[str] = Field(default_factory=list)
    prior_excluded: list[str] = Field(default_factory=list)
    biomarker: str | None = None
    functional: bool | None = None
    progression: Literal["radiological", "any"] | None = Field(
        default=None, description="progression the trial required for enrolment; 'radiological': "
        "symptomatic (hormonal) progression alone is outside the population")


class Criterion(Strict):
    """One structured eligibility criterion, in the condition language."""

    id: str = Field(pattern=ID_PATTERN)
    text: str
    condition: Condition
    citations: list[Citation] = Field(min_length=1)


TrialStatus = Literal["completed", "active_not_recruiting", "recruiting", "not_yet_recruiting",
                      "ongoing", "terminated", "withdrawn", "suspended", "unknown"]
"""``ongoing``: the source lists the trial as ongoing without saying whether it recruits."""


class StatusAsOf(Strict):
    """Whose statement the trial status is, and of when (docs/curation.md, "Dates")."""

    source: str = Field(description="registered source id that states the status")
    date: PartialDate | None = Field(default=None, description="date of the statement; "
                                     "default: the source's publication date")
    locator: str | None = Field(default=None, description="e.g. Table 1, NCT03375320 record")
    file: str | None = Field(default=None, description="registry export the status was read "
                             "from (nenboard kb update-trials)")


class RegistrySnapshot(Strict):
    """What a ClinicalTrials.gov record stated, as of its last update (kb update-trials).

    Every value is the registry's own, taken from ``file``; ``last_update_posted``
    is the record's lastUpdatePostDate, i.e. when the registry stated them.
    """

    nct: str
    overall_status: str = Field(description="verbatim, e.g. ACTIVE_NOT_RECRUITING")
    last_update_posted: PartialDate
    status_verified: PartialDate | None = None
    start_date: PartialDate | None = None
    primary_completion_date: PartialDate | None = None
    completion_date: PartialDate | None = None
    results_posted: bool = False
    results_first_posted: PartialDate | None = None
    file: str = Field(description="the export file the values were read from")


class TrialUpdate(Strict):
    """A later source that changes what a review said about a trial; both statements are kept.

    E.g. a review lists the trial as recruiting and a later journal article reports its results.
    The dates shown with each statement are the publication dates of the two sources.
    """

    earlier: str = Field(min_length=1, description="what the review said, in words")
    earlier_citation: Citation
    later: str = Field(min_length=1, description="what the later source reports")
    status: TrialStatus | None = Field(
        default=None, description="status the later source implies (e.g. completed: final results "
        "reported); the record's own `status` stays as the review printed it")
    citations: list[Citation] = Field(min_length=1, description="the later source(s), with url")


class Trial(Record):
    nct: list[str] = Field(default_factory=list)
    phase: str | None = Field(default=None, description="'1', '1/2', '2', '2/3', '3', '4'")
    design: Design = Field(default_factory=Design)
    population: Population = Field(default_factory=Population)
    arms: list[Arm] = Field(default_factory=list)
    status: TrialStatus = "unknown"
    status_source: str | None = Field(default=None, description="as of which source (text)")
    status_as_of: StatusAsOf | None = Field(
        default=None, description="whose statement the status is; default: the newest source "
        "the trial cites")
    registry: RegistrySnapshot | None = Field(
        default=None, description="registry values last applied by nenboard kb update-trials")
    outcomes: list[Outcome] = Field(default_factory=list)
    esmo_level: EsmoLevel | None = None
    esmo_rationale: str | None = None
    eligibility: list[Criterion] = Field(default_factory=list)
    uncurated: bool = Field(default=False, description="imported, criteria not yet structured")
    eligibility_text: str | None = Field(default=None, description="verbatim, for curators")
    updates: list[TrialUpdate] = Field(
        default_factory=list, description="later publications changing what a review said")

    @field_validator("nct")
    @classmethod
    def _nct_format(cls, v: list[str]) -> list[str]:
        bad = [n for n in v if not NCT_PATTERN.match(n)]
        if bad:
            raise ValueError(f"NCT ids must look like NCT01234567, got {bad}")
        return v


class EligibilityDefault(Record):
    """A criterion that applies to every structured trial that does not test its facts.

    For requirements the sources imply for all trials they discuss (e.g. systemic
    therapy trials enrol advanced disease) without repeating them in every record.
    """

    criterion: Criterion
    skip_if_tested: list[str] = Field(
        default_factory=list, description="facts: a trial testing any of them keeps its own")
    except_trials: list[str] = Field(default_factory=list, description="trial ids")


class Strategy(Strict):
    description: str
    therapies: list[str] = Field(default_factory=list, description="drug or regimen ids")
    trials: list[str] = Field(default_factory=list, description="trial ids")
    evidence: str | None = None
    citations: list[Citation] = Field(min_length=1)


EvidenceType = Literal["clinical", "xenograft", "cell_line", "preclinical", "in_silico",
                       "hypothesis", "review"]


class ResistanceMechanism(Record):
    therapy_class: str
    kind: Literal["primary", "secondary", "both", "unknown"] = "both"
    description: str
    evidence_types: list[EvidenceType] = Field(min_length=1)
    cell_lines: list[str] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list, description="what to test now")
    strategies: list[Strategy] = Field(default_factory=list)


class AlterationMatch(Strict):
    """Which alterations an assertion applies to (variant-level or class-level)."""

    gene: str = Field(description="HGNC symbol, or MSI / TMB for signatures")
    kind: Literal["mutation", "amplification", "deletion", "loss", "fusion", "expression",
                  "methylation", "signature", "any"]
    variants: list[str] = Field(default_factory=list, description="protein changes, e.g. V600E; "
                                "empty = any variant of this kind")
    variant_class: Literal["any", "activating", "truncating", "loss_of_function", "hotspot",
                           "specific"] = "any"
    value: str | None = Field(default=None, description="expression/IHC/MSI value, e.g. positive")
    threshold: float | None = Field(default=None, description="e.g. TMB >= 10")
    partner: str | None = Field(default=None, description="fusion partner if required")
    genes: list[str] = Field(default_factory=list, description="further genes, any of which "
                             "matches like ``gene`` (e.g. MLH1, MSH2, MSH6, PMS2 for dMMR)")
    origin: Literal["any", "somatic", "germline"] = Field(
        default="any", description="germline = only alterations reported as germline")


class Context(Strict):
    entities: list[Entity] = Field(default_factory=list, description="empty = any")
    sites: list[str] = Field(default_factory=list, description="empty = any")
    grades: list[str] = Field(default_factory=list)


class EvidenceLine(Strict):
    """The line of therapy an assertion's evidence comes from (e.g. after platinum).

    ``after``: therapy class or therapy ids the evidence population had received,
    any of which the case must have had; ``min_line``: the line of systemic therapy
    now to be chosen must be at least this (2 = after one prior line).
    """

    text: str = Field(min_length=1, description="as shown, e.g. 'second line after platinum'")
    after: list[str] = Field(default_factory=list, description="therapy class or therapy ids")
    min_line: int | None = Field(default=None, ge=1)
    citations: list[Citation] = Field(min_length=1)


class BiomarkerAssertion(Record):
    match: AlterationMatch
    context: Context = Field(default_factory=Context)
    direction: Literal["sensitivity", "resistance", "prognostic", "diagnostic", "predisposing"]
    drugs: list[str] = Field(default_factory=list, description="drug or regimen ids")
    regimens: list[str] = Field(
        default_factory=list, description="the regimens (regimen ids, or a drug id for "
        "monotherapy) the evidence is for; a combination is never split into its drugs")
    line: EvidenceLine | None = Field(default=None, description="line the evidence comes from")
    trials: list[str] = Field(default_factory=list, description="trial ids")
    tier: EscatTier | None = None
    tier_reason: str
    evidence: str
    extrapolated_from: str | None = Field(
        default=None, description="e.g. SCLC, colorectal adenocarcinoma; caps the tier at III-A"
    )


class Frequency(Strict):
    id: str = Field(pattern=ID_PATTERN)
    gene: str
    alteration: str = Field(description="mutation, amplification, loss, methylation, ...")
    entity: Entity
    site: str | None = None
    low: float | None = Field(default=None, ge=0, le=100)
    high: float | None = Field(default=None, ge=0, le=100)
    n: int | None = Field(default=None, ge=0, description="cohort size where given")
    note: str | None = None
    citations: list[Citation] = Field(min_length=1)
    ambiguities: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _range(self) -> Frequency:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"frequency {self.id}: low {self.low} > high {self.high}")
        return self


class Factor(Record):
    """A prognostic or predictive factor (e.g. Ki-67 55% for platinum)."""

    kind: Literal["prognostic", "predictive"]
    applies_to: list[str] = Field(default_factory=list, description="therapy/class ids")
    finding: str


class Requirement(Strict):
    """A condition an option needs; when it fails the option is excluded with ``unmet``."""

    condition: Condition
    unmet: str = Field(description="reason shown when not met, e.g. 'SSTR imaging negative'")
    unknown: str | None = Field(default=None, description="what to complete when unknown")


class Caution(Strict):
    text: str
    when: Condition | None = None
    facts: list[str] = Field(default_factory=list, description="case facts to show with the "
                             "caution (e.g. egfr); unknown ones are listed as to check")
    citations: list[Citation] = Field(min_length=1)


class PrerequisiteSpec(Strict):
    """A prerequisite the planner checks: ``met_when`` holds -> met, fails -> applies
    (the case does not fulfil it), unknown -> to check."""

    text: str
    met_when: Condition | None = None
    facts: list[str] = Field(default_factory=list, description="facts to show; without "
                             "met_when, the prerequisite is met once they are all stated")
    citations: list[Citation] = Field(default_factory=list)


class Rule(Record):
    """A planner rule: in scope ``when``; offered if every requirement holds."""

    therapy: str = Field(description="drug or regimen id")
    category: Category
    line: str = Field(description="e.g. '1', '2+', 'any'")
    when: Condition
    requires: list[Requirement] = Field(default_factory=list)
    rationale: str
    evidence: list[str] = Field(default_factory=list, description="trial ids")
    esmo_level: EsmoLevel | None = None
    prerequisites: list[str | PrerequisiteSpec] = Field(default_factory=list)
    cautions: list[Caution] = Field(default_factory=list)
    priority: int = Field(default=50, description="order within category, lower first")
    classes: list[str] = Field(default_factory=list, description="therapy class ids of the "
                               "option, used by safety gates with those the drug records give")


class WorkupRequest(Record):
    """A test the plan asks for (an entry of "to complete").

    Requested when ``when`` holds (unknown facts in ``when`` count as holding only
    if ``when`` is omitted) and one of ``facts`` is still unknown; ``decides`` names
    the therapy ids or class ids whose options and trials the result would change,
    so the planner can rank the request by what it decides.
    """

    item: str = Field(description="what to do, e.g. 'SSTR PET/CT (68Ga-DOTATATE)'")
    why: str = Field(description="why it changes the plan")
    when: Condition | None = None
    facts: list[str] = Field(default_factory=list, description="facts the test settles; "
                             "requested while any is unknown (empty: requested whenever `when` holds)")
    decides: list[str] = Field(default_factory=list)
    priority: int = Field(default=50, description="lower first among requests of equal weight")


class GuidanceGap(Record):
    """An entity or situation the sources do not cover: the plan says so, with the
    closest cited evidence and why it is only that."""

    when: Condition
    explanation: str
    closest_evidence: str


class SafetyGate(Record):
    """An invariant the planner can never violate.

    An option in one of ``categories`` is caught when ``when`` holds (always, when
    omitted) and its therapy is in ``forbid_therapies``, has a class in
    ``forbid_classes``, or was already given and failed: its id, or every one of
    its components, is in one of the case list facts named by
    ``forbid_therapies_in`` (e.g. ``progressed_on``). ``check`` names a built-in
    invariant instead: ``evidence_population`` (the option's trial evidence must
    enrol a population that covers the case) or ``citation`` (the option must
    cite a source), ``partner_alone`` (a molecularly matched option must be a regimen
    its evidence names, never one drug of a combination), ``evidence_line`` (a matched
    option needs the prior therapy its evidence population had). A caught option is
    excluded, or demoted to ``demote_to``.
    """

    forbid_therapies: list[str] = Field(default_factory=list)
    forbid_classes: list[str] = Field(default_factory=list)
    forbid_therapies_in: list[str] = Field(default_factory=list,
                                           description="case list facts of therapy ids")
    check: Literal["evidence_population", "citation", "partner_alone", "evidence_line"] | None = None
    categories: list[Category] = Field(default_factory=lambda: ["standard", "alternative"])
    when: Condition | None = None
    action: Literal["exclude", "demote"] = "exclude"
    demote_to: Category | None = None
    reason: str

    @model_validator(mode="after")
    def _demotion(self) -> SafetyGate:
        if (self.action == "demote") != (self.demote_to is not None):
            raise ValueError("action 'demote' needs demote_to, and demote_to needs it")
        return self


class Threshold(Strict):
    """A lower bound: ``ge`` (inclusive) or ``gt`` (exclusive); neither = from zero."""

    ge: float | None = None
    gt: float | None = None

    def admits(self, value: float) -> bool:
        return (self.ge is None or value >= self.ge) and (self.gt is None or value > self.gt)


class GradeBand(Strict):
    """A grade and the lower bounds of its Ki-67 and mitotic ranges."""

    grade: Literal["G1", "G2", "G3"]
    ki67: Threshold = Field(default_factory=Threshold)
    mitoses: Threshold = Field(default_factory=Threshold)


class Ki67Band(Strict):
    name: str
    lower: Threshold = Field(default_factory=Threshold)


class Grading(Record):
    """WHO 2019 GEP-NEN grading: the highest band whose lower bound a value meets."""

    bands: list[GradeBand] = Field(min_length=1)
    ki67_bands: list[Ki67Band] = Field(min_length=1)
    minen_min_fraction: float = Field(ge=0, le=1, description="each component at least this")


class PathologyFlag(Record):
    """A classification flag: raised when ``when`` is met, with its message."""

    code: str
    severity: Literal["info", "warning"] = "info"
    when: Condition
    message: str
    supports: Literal["NET", "NEC"] | None = Field(
        default=None, description="entity the finding supports in the NET G3 / NEC differential; "
        "the fact deriver reads it to build the differential")


class Syndrome(Record):
    kind: Literal["functional", "hereditary"]
    genes: list[str] = Field(default_factory=list, description="hereditary: germline gene(s)")
    hormone: str | None = None
    markers: list[str] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    note: str | None = None


class Site(Record):
    """A primary site: its group and OncoTree codes by entity."""

    group: Literal["foregut", "midgut", "hindgut", "pancreas", "unknown"]
    gep: bool = True
    oncotree: dict[str, str] = Field(default_factory=dict, description="entity -> OncoTree code")


KINDS: dict[str, type[BaseModel]] = {
    "therapy_classes": TherapyClass,
    "drugs": Drug,
    "regimens": Regimen,
    "trials": Trial,
    "eligibility_defaults": EligibilityDefault,
    "resistance": ResistanceMechanism,
    "biomarkers": BiomarkerAssertion,
    "frequencies": Frequency,
    "factors": Factor,
    "rules": Rule,
    "safety": SafetyGate,
    "workup": WorkupRequest,
    "guidance": GuidanceGap,
    "grading": Grading,
    "flags": PathologyFlag,
    "syndromes": Syndrome,
    "sites": Site,
}
