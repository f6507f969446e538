"""Turn drugs (with doses) and genotypes into parameter values of the pathway model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from nenboard.errors import InputError
from nenboard.systems.data import SystemsData, resolve_drug, resolve_genotype
from nenboard.systems.model import NEUTRAL, PERTURBATION_KINDS
from nenboard.systems.records import Genotype, SystemsDrug


@dataclass(frozen=True)
class DosedDrug:
    drug: SystemsDrug
    dose_nm: float

    def summary(self) -> dict[str, object]:
        return {
            "id": self.drug.id,
            "name": self.drug.name,
            "dose_nm": self.dose_nm,
            "role": self.drug.model_role,
            "effects": {e.parameter: round(e.value(self.dose_nm), 4) for e in self.drug.effects},
            "evidence": sorted({e.evidence for e in self.drug.effects}),
        }


def combine(values: dict[str, list[float]]) -> dict[str, float]:
    """Combine several contributions per parameter according to its kind."""
    out: dict[str, float] = {}
    for param, contributions in values.items():
        kind = PERTURBATION_KINDS[param]
        if kind == "inhibition":
            out[param] = 1.0 - math.prod(1.0 - c for c in contributions)
        elif kind == "factor":
            out[param] = math.prod(contributions)
        else:
            out[param] = sum(contributions)
    return out


def genotype_parameters(genotypes: Sequence[Genotype]) -> dict[str, float]:
    values: dict[str, list[float]] = {}
    for g in genotypes:
        for param, v in g.parameters.items():
            values.setdefault(param, []).append(v)
    return combine(values)


def drug_parameters(drugs: Sequence[DosedDrug]) -> dict[str, float]:
    values: dict[str, list[float]] = {}
    for d in drugs:
        for effect in d.drug.effects:
            values.setdefault(effect.parameter, []).append(effect.value(d.dose_nm))
    return combine(values)


def merged(*parts: dict[str, float]) -> dict[str, float]:
    """Merge genotype and drug parameter sets (they may share a parameter)."""
    values: dict[str, list[float]] = {}
    for part in parts:
        for k, v in part.items():
            values.setdefault(k, []).append(v)
    combined = combine(values)
    return {k: v for k, v in combined.items() if v != NEUTRAL[k]}


def dosed_drugs(
    data: SystemsData, names: Sequence[str], doses_nm: Sequence[float] | None = None
) -> list[DosedDrug]:
    """Resolve drug names; doses are per drug (same order) or default per drug."""
    doses = list(doses_nm or [])
    if doses and len(doses) != len(names):
        raise InputError.single("dose_nm", f"give one dose per drug ({len(names)} drugs)", doses)
    out: list[DosedDrug] = []
    for i, name in enumerate(names):
        drug = resolve_drug(name, data, path=f"drug[{i}]")
        if not drug.effects:
            raise InputError.single(
                f"drug[{i}]", f"{drug.name} has no target in the signalling model "
                f"({drug.model_role}); use `simulate trial`", name)
        dose = doses[i] if doses else drug.default_dose_nm
        if dose is None or not math.isfinite(dose) or dose <= 0:
            raise InputError.single(f"dose_nm[{i}]", "dose must be a positive number of nM", dose)
        out.append(DosedDrug(drug, float(dose)))
    return out


def genotypes_by_name(data: SystemsData, names: Sequence[str]) -> list[Genotype]:
    return [resolve_genotype(n, data, path=f"genotype[{i}]") for i, n in enumerate(names)]
