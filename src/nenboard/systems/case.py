"""Genotypes of the pathway model from a case's molecular profile.

There is one genotype reader: the genomics engine normalises every alteration
(`nenboard molecular`); this module only maps those normalised variants to the
pathway model's genotypes, so `nenboard simulate --case` and `nenboard molecular`
can never read the same alteration differently (a truncating TSC2 ``p.Arg1459Ter``
is TSC2 loss for both).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nenboard.case.model import Case
from nenboard.genomics import protein
from nenboard.genomics.model import MolecularProfile, Observed, Variant
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.systems.records import Genotype

_LOSS_KINDS = frozenset({"loss", "deletion"})
_TRUNCATING = frozenset({*protein.TRUNCATING, "truncating"})


def _is_loss(v: Variant) -> bool:
    """Loss of function: deletion / loss call, or a truncating mutation."""
    return v.kind in _LOSS_KINDS or (v.kind == "mutation" and v.consequence in _TRUNCATING)


def _matches(genotype: Genotype, obs: Observed) -> bool:
    v = obs.variant
    listed = {x.upper() for x in genotype.match.variants}
    if genotype.match.klass == "loss":
        return _is_loss(v)
    if v.kind == "mutation" and v.variant and v.variant.upper() in listed:
        return True
    if genotype.match.klass == "specific":  # e.g. an rs id the protein reader does not parse
        return obs.raw.strip().upper().removeprefix("P.") in listed
    # activating: a modelled hotspot, or a mutation stated as activating
    return v.kind == "mutation" and v.consequence == "activating"


def _why_not(obs: Observed, gene_modelled: bool) -> str:
    if obs.variant.problem:
        return obs.variant.problem
    if gene_modelled:
        return f"{obs.variant.alteration} is not the alteration class the pathway model represents"
    return "no representation in the pathway model"


def genotypes_from_observed(
    observed: Iterable[Observed], genotypes: Mapping[str, Genotype]
) -> tuple[list[Genotype], list[dict[str, str]]]:
    """Map normalised alterations to model genotypes; also return those not mapped."""
    found: list[Genotype] = []
    unmapped: list[dict[str, str]] = []
    for obs in observed:
        v = obs.variant
        if v.kind in ("expression", "methylation", "signature"):
            continue  # IHC, methylation and MSI/TMB are not genotypes of the model
        gene = v.gene.upper()
        of_gene = [g for g in genotypes.values() if g.gene.upper() == gene]
        hit = next((g for g in of_gene if _matches(g, obs)), None)
        if hit is None:
            unmapped.append({"gene": gene, "alteration": v.alteration if not v.problem
                             else obs.raw, "reason": _why_not(obs, bool(of_gene))})
        elif hit not in found:
            found.append(hit)
    return found, unmapped


def genotypes_from_profile(
    profile: MolecularProfile, genotypes: Mapping[str, Genotype]
) -> tuple[list[Genotype], list[dict[str, str]]]:
    """The genotypes of the case's MolecularProfile (the `nenboard molecular` result)."""
    return genotypes_from_observed((a.observed for a in profile.alterations), genotypes)


def genotypes_for_case(
    case: Case, kb: KnowledgeBase, genotypes: Mapping[str, Genotype]
) -> tuple[list[Genotype], list[dict[str, str]]]:
    """The genotypes of a case, read from the profile `nenboard molecular` builds for it."""
    from nenboard.genomics import annotate_case

    return genotypes_from_profile(annotate_case(case, kb), genotypes)


def genotypes_from_case_dict(
    case: Mapping[str, object], genotypes: Mapping[str, Genotype]
) -> tuple[list[Genotype], list[dict[str, str]]]:
    """As `genotypes_for_case`, for a case given as plain data (validated here)."""
    from nenboard.knowledge import default_kb

    return genotypes_for_case(Case.model_validate(dict(case)), default_kb(), genotypes)
