"""Typed records of the systems data (drugs, genotypes, therapies, calibration targets).

Citations use the knowledge base's own `Citation` class, so a systems record is
cited exactly like any other knowledge-base record.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nenboard.knowledge.schema import Citation


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DrugEffect(_Strict):
    """One drug action on one model parameter, with its dose-response."""

    parameter: str
    ic50_nm: float = Field(gt=0)
    hill: float = Field(default=1.0, gt=0)
    emax: float = Field(default=1.0, ge=0)
    evidence: Literal["cited", "nominal"]
    note: str | None = None

    def value(self, dose_nm: float) -> float:
        """emax * d^h / (d^h + IC50^h): fractional inhibition (or activation fold)."""
        if dose_nm <= 0:
            return 0.0
        x = (dose_nm / self.ic50_nm) ** self.hill
        return self.emax * x / (1.0 + x)


class SystemsDrug(_Strict):
    id: str
    name: str
    synonyms: list[str] = Field(default_factory=list)
    model_role: str
    effects: list[DrugEffect] = Field(default_factory=list)
    default_dose_nm: float | None = Field(default=None, gt=0)
    citations: list[Citation] = Field(min_length=1)


class GenotypeMatch(_Strict):
    klass: Literal["loss", "activating", "specific"] = Field(alias="class")
    variants: list[str] = Field(default_factory=list)


class Genotype(_Strict):
    id: str
    name: str
    gene: str
    match: GenotypeMatch
    parameters: dict[str, float]
    representation: str
    citations: list[Citation] = Field(min_length=1)


class Resistance(_Strict):
    klass: str = Field(alias="class")
    spontaneous_per_month: float = Field(ge=0)
    induced_per_month: float = Field(ge=0)
    reversible: bool = False
    reversion_per_month: float = Field(default=0.0, ge=0)


class Therapy(_Strict):
    id: str
    name: str
    synonyms: list[str] = Field(default_factory=list)
    kind: Literal["none", "cytostatic", "cytotoxic"]
    treatment_months: float | None = Field(default=None, gt=0)
    treatment_note: str | None = None
    effect_decay_months: float | None = Field(default=None, gt=0)
    effect_decay_note: str | None = None
    calibrated_by: list[str] = Field(default_factory=list)
    checked_by: list[str] = Field(default_factory=list)
    resistance: Resistance | None = None
    resistance_note: str | None = None
    citations: list[Citation] = Field(min_length=1)


class RateTarget(_Strict):
    value: float = Field(gt=0, lt=1)
    at_months: float = Field(gt=0)


class Arm(_Strict):
    therapy: str
    drug: str | None = None
    median_months: float | None = Field(default=None, gt=0)
    median_lower_bound_months: float | None = Field(default=None, gt=0)
    rate: RateTarget | None = None


class CalibrationTrial(_Strict):
    id: str
    name: str
    population: str
    endpoint: Literal["PFS", "TTP"]
    control: Arm
    active: Arm
    note: str | None = None
    citations: list[Citation] = Field(min_length=1)


class Variability(_Strict):
    growth_rate: float = Field(ge=0)
    drug_effect: float = Field(ge=0)
    resistant_fraction: float = Field(ge=0)


class ClonalModelSpec(_Strict):
    id: str
    gompertz_capacity: float = Field(gt=1)
    initial_resistant_fraction: float = Field(gt=0, lt=1)
    progression_diameter_growth: float = Field(gt=0)
    variability: Variability
    dt_months: float = Field(gt=0)
    horizon_months: float = Field(gt=0)
    citations: list[Citation] = Field(min_length=1)
