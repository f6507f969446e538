"""Loading the systems YAML data (the only module here that reads files).

Data live in ``nenboard/knowledge/data/systems``; drug names are also resolved
through the main knowledge base's ``drugs`` records when they exist.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from nenboard.errors import InputError
from nenboard.systems.records import (
    CalibrationTrial,
    ClonalModelSpec,
    Genotype,
    SystemsDrug,
    Therapy,
)


def data_root() -> Path:
    return Path(str(resources.files("nenboard.knowledge").joinpath("data")))


def _read(path: Path) -> object:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class SystemsData:
    """Everything the systems engines need, validated."""

    drugs: dict[str, SystemsDrug]
    genotypes: dict[str, Genotype]
    therapies: dict[str, Therapy]
    trials: dict[str, CalibrationTrial]
    clonal: ClonalModelSpec
    kb_drug_names: dict[str, str]  # lowercased KB name/synonym -> KB drug id


def _kb_drug_names(root: Path) -> dict[str, str]:
    """Names and synonyms of the main knowledge base's drugs (the validated records)."""
    from nenboard.knowledge import default_kb
    from nenboard.knowledge.loader import DATA_DIR, load_with_problems

    kb = default_kb() if root == DATA_DIR else load_with_problems(root)[0]
    return {label.strip().lower(): drug.id for drug in kb.drugs.values()
            for label in (drug.id, drug.name, *drug.synonyms)}


@lru_cache(maxsize=4)
def load(root: Path | None = None) -> SystemsData:
    """Read and validate the systems data under `root` (default: package data)."""
    root = root or data_root()
    folder = root / "systems"
    drugs = [SystemsDrug.model_validate(r) for r in _read(folder / "drugs.yaml")]
    genotypes = [Genotype.model_validate(r) for r in _read(folder / "genotypes.yaml")]
    therapies = [Therapy.model_validate(r) for r in _read(folder / "therapies.yaml")]
    trials = [CalibrationTrial.model_validate(r) for r in _read(folder / "calibration.yaml")]
    clonal = ClonalModelSpec.model_validate(_read(folder / "model.yaml"))
    return SystemsData(
        drugs={d.id: d for d in drugs},
        genotypes={g.id: g for g in genotypes},
        therapies={t.id: t for t in therapies},
        trials={t.id: t for t in trials},
        clonal=clonal,
        kb_drug_names=_kb_drug_names(root),
    )


def _unknown(path: str, kind: str, value: str, choices: list[str]) -> InputError:
    lookup = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(value.lower(), list(lookup), n=3, cutoff=0.6)
    hint = (f"; did you mean {', '.join(lookup[c] for c in close)}?" if close
            else f"; known: {', '.join(sorted(set(choices))[:12])}")
    return InputError.single(path, f"unknown {kind}{hint}", value)


def _labels(records: Iterable[SystemsDrug | Therapy]) -> dict[str, str]:
    """Lower-cased id, name and synonyms -> record id (the first record to claim a label wins)."""
    table: dict[str, str] = {}
    for rec in records:
        for label in [rec.id, rec.name, *rec.synonyms]:
            table.setdefault(label.lower(), rec.id)
    return table


def resolve_drug(name: str, data: SystemsData, path: str = "drug") -> SystemsDrug:
    """Drug by id, name or synonym (case-insensitive), also via the main KB's synonyms."""
    key = name.strip().lower()
    table = _labels(data.drugs.values())
    if key in table:
        return data.drugs[table[key]]
    kb_id = data.kb_drug_names.get(key)
    if kb_id is not None:
        if kb_id.lower() in table:
            return data.drugs[table[kb_id.lower()]]
        raise InputError.single(path, "drug is in the knowledge base but has no perturbation "
                                      "in the systems model", name)
    raise _unknown(path, "drug", name, [*table, *data.kb_drug_names])


def resolve_genotype(name: str, data: SystemsData, path: str = "genotype") -> Genotype:
    """Genotype by id, case-insensitive; '-' and spaces accepted for '_'."""
    key = name.strip().replace("-", "_").replace(" ", "_").lower()
    for gid, genotype in data.genotypes.items():
        if gid.lower() == key:
            return genotype
    raise _unknown(path, "genotype", name, list(data.genotypes))


def resolve_therapy(name: str, data: SystemsData, path: str = "sequence") -> Therapy:
    """Virtual-trial therapy by id or synonym; drug names map to their therapy."""
    key = name.strip().lower()
    table = _labels(data.therapies.values())
    if key in table:
        return data.therapies[table[key]]
    kb_id = data.kb_drug_names.get(key)
    if kb_id is not None and kb_id.lower() in table:
        return data.therapies[table[kb_id.lower()]]
    raise _unknown(path, "therapy", name, list(table))
