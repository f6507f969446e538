"""The patient case: pydantic models of the case format in DESIGN.md.

Every field is optional unless an engine needs it; a missing fact stays None
(unknown) and is never guessed. Unknown keys are errors, so a typo such as
``ki_67`` is reported instead of silently ignored. Vocabulary fields accept the
canonical word, its case variants and common aliases, and otherwise fail with a
"did you mean" suggestion.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from nenboard.case import vocab
from nenboard.knowledge.facts import IHC_VALUES


def _vocab(allowed: tuple[str, ...]) -> BeforeValidator:
    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            word = vocab.canonical(value, allowed)
            if word is not None:
                return word
        raise ValueError(vocab.not_allowed(value, allowed))

    return BeforeValidator(check)


def _imaging(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "positive" if value else "negative"
    return value


Site = Annotated[str, _vocab(vocab.SITES)]
# "none" states that a syndrome is absent (a fact), unlike a missing key (unknown).
Syndrome = Annotated[str, _vocab((*vocab.SYNDROMES, "none"))]
Hereditary = Annotated[str, _vocab((*vocab.HEREDITARY, "none"))]
Imaging = Annotated[str, _vocab(vocab.IMAGING), BeforeValidator(_imaging)]
Metastasis = Annotated[str, _vocab(vocab.METASTASIS_SITES)]
Percent = Annotated[float, Field(ge=0, le=100)]
NonNegative = Annotated[float, Field(ge=0)]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _partial_date(value: Any) -> Any:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (YAML may hand us a date object)."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1900 <= value <= 2100:
        return str(value)
    if not isinstance(value, str) or not (m := _DATE.match(value.strip())):
        raise ValueError(f"{value!r} is not a date; use YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None
    return value.strip()


PartialDate = Annotated[str, BeforeValidator(_partial_date)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              validate_default=False)


class Patient(Strict):
    age: Annotated[float, Field(ge=0, le=120)] | None = None
    sex: Annotated[str, _vocab(vocab.SEXES)] | None = None
    ecog: Annotated[int, Field(ge=0, le=4)] | None = None
    diabetes: bool | None = None
    egfr: Annotated[float, Field(ge=0, le=200)] | None = Field(
        default=None, description="eGFR, mL/min/1.73 m^2")


class Tumor(Strict):
    primary_site: Site | None = None
    differentiation: Annotated[str, _vocab(vocab.DIFFERENTIATION)] | None = None
    morphology: Annotated[str, _vocab(vocab.MORPHOLOGY)] | None = None
    ki67: Percent | None = Field(default=None, description="Ki-67 index, percent 0-100")
    mitoses: NonNegative | None = Field(default=None, description="mitoses per 2 mm^2")
    minen_fraction: Annotated[float, Field(ge=0, le=1)] | None = Field(
        default=None, description="fraction of the non-neuroendocrine component, 0-1")
    functional_syndrome: Syndrome | None = None
    hereditary_syndrome: Hereditary | None = None
    stage: Annotated[str, _vocab(vocab.STAGES)] | None = None
    resectable: bool | None = None
    metastases: list[Metastasis] | None = None
    bone_metastases_count: Annotated[int, Field(ge=0)] | None = None
    liver_tumor_burden: Percent | None = Field(default=None, description="percent of liver")


class ImagingResults(Strict):
    sstr: Imaging | None = None
    krenning: Annotated[int, Field(ge=0, le=4)] | None = None
    fdg: Imaging | None = None


class HistoryEntry(Strict):
    therapy: str = Field(min_length=1, description="any name or synonym the knowledge base knows")
    therapy_id: str | None = Field(default=None, description="resolved knowledge-base id")
    start: PartialDate | None = None
    end: PartialDate | None = None
    best_response: Annotated[str, _vocab(vocab.RESPONSES)] | None = None
    reason_stopped: Annotated[str, _vocab(vocab.STOP_REASONS)] | None = None
    progression_type: Annotated[str, _vocab(vocab.PROGRESSION_TYPES)] | None = None
    cycles: Annotated[int, Field(ge=0)] | None = None
    toxicity: str | None = Field(default=None, description="the toxicity that stopped it "
                                 "(with reason_stopped: toxicity), e.g. 'grade 3 nephrotoxicity'")
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> HistoryEntry:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Alteration(Strict):
    gene: str = Field(min_length=1)
    alteration: str = Field(min_length=1, description="e.g. V600E, amplification, loss")
    kind: str | None = Field(default=None, description="mutation, amplification, fusion, ...")
    vaf: Annotated[float, Field(ge=0, le=1)] | None = None
    germline: bool | None = None
    note: str | None = None


def _ihc_values(value: dict[str, str]) -> dict[str, str]:
    out = {}
    for marker, result in value.items():
        word = vocab.canonical(str(result), IHC_VALUES)
        if word is None:
            raise ValueError(f"ihc.{marker}: {vocab.not_allowed(result, IHC_VALUES)}")
        out[str(marker)] = word
    return out


class Molecular(Strict):
    alterations: list[Alteration] | None = None
    msi: Annotated[str, _vocab(vocab.MSI)] | None = None
    tmb: NonNegative | None = Field(default=None, description="mutations/Mb")
    ihc: Annotated[dict[str, str], AfterValidator(_ihc_values)] | None = None
    mgmt_promoter: Annotated[str, _vocab(vocab.MGMT_PROMOTER)] | None = None
    pdl1_cps: NonNegative | None = None


class Symptoms(Strict):
    bowel_movements_per_day: NonNegative | None = None
    flushing_episodes_per_day: NonNegative | None = None
    hypoglycemia: bool | None = None
    weight_loss: bool | None = None


class Labs(Strict):
    chromogranin_a: NonNegative | None = None
    u5hiaa: NonNegative | None = None
    nlr: NonNegative | None = None
    crp: NonNegative | None = None
    ldh: NonNegative | None = None
    alkaline_phosphatase: NonNegative | None = None
    gastrin: NonNegative | None = None
    nse: NonNegative | None = None
    creatinine: NonNegative | None = None
    platelets: NonNegative | None = None
    hemoglobin: NonNegative | None = None
    neutrophils: NonNegative | None = None
    bilirubin: NonNegative | None = None
    albumin: NonNegative | None = None


class Case(Strict):
    """One patient's case. Construct via `nenboard.case.read_case` to resolve therapies."""

    id: str | None = Field(default=None, description="non-identifying case label")
    title: str | None = None
    notes: str | None = None
    patient: Patient = Field(default_factory=Patient)
    tumor: Tumor = Field(default_factory=Tumor)
    imaging: ImagingResults = Field(default_factory=ImagingResults)
    history: list[HistoryEntry] = Field(default_factory=list)
    molecular: Molecular = Field(default_factory=Molecular)
    symptoms: Symptoms = Field(default_factory=Symptoms)
    labs: Labs = Field(default_factory=Labs)
