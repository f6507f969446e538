"""Genotypes of the pathway model from a case's `molecular.alterations` (plain dict)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from nenboard.systems.records import Genotype

LOSS_WORDS = ("loss", "deletion", "deleted", "del", "truncating", "truncation", "nonsense",
              "frameshift", "fs", "splice", "inactivating", "loss_of_function", "lof",
              "homozygous", "biallelic", "stop")
ACTIVATING_WORDS = ("activating", "gain", "gain_of_function", "hotspot", "oncogenic")


def _is_loss(alteration: str) -> bool:
    a = alteration.lower()
    words = set(re.split(r"[^a-z0-9_*]+", a))
    return bool(words & set(LOSS_WORDS)) or "*" in a or (a.endswith("x") and a[:1].isalpha() \
        and a[1:-1].isdigit())


def _matches(genotype: Genotype, alteration: str) -> bool:
    a = alteration.strip().upper().removeprefix("P.")
    variants = {v.upper() for v in genotype.match.variants}
    if genotype.match.klass == "loss":
        return _is_loss(alteration)
    if a in variants:
        return True
    if genotype.match.klass == "activating":
        return any(w in alteration.lower() for w in ACTIVATING_WORDS)
    return False


def genotypes_from_case_dict(
    case: Mapping[str, object], genotypes: Mapping[str, Genotype]
) -> tuple[list[Genotype], list[dict[str, str]]]:
    """Map alterations to model genotypes; also return those that could not be mapped."""
    molecular = case.get("molecular") or {}
    alts = molecular.get("alterations") if isinstance(molecular, Mapping) else None
    found: list[Genotype] = []
    unmapped: list[dict[str, str]] = []
    for alt in alts or []:
        if not isinstance(alt, Mapping):
            continue
        gene = str(alt.get("gene", "")).strip().upper()
        change = str(alt.get("alteration", "")).strip()
        hit = next((g for g in genotypes.values() if g.gene.upper() == gene
                    and _matches(g, change)), None)
        if hit is None:
            unmapped.append({"gene": gene, "alteration": change,
                             "reason": "no representation in the pathway model"})
        elif hit not in found:
            found.append(hit)
    return found, unmapped
