"""Pathway prediction for a case's genotype and its candidate targeted options.

Research use only: the mechanistic model (`nenboard.systems`) ranks the plan's
options that act on modelled targets by predicted pathway suppression for the
tumor's genotype. Never a clinical recommendation.
"""

from __future__ import annotations

from typing import Any

from nenboard.case.model import Case
from nenboard.errors import InputError
from nenboard.knowledge.loader import KnowledgeBase


def pathway_prediction(case: Case, kb: KnowledgeBase, therapies: list[str]) -> dict[str, Any]:
    from nenboard.systems import DISCLAIMER
    from nenboard.systems import data as sysdata
    from nenboard.systems.case import genotypes_for_case
    from nenboard.systems.pathway import rank_combinations, window_text
    from nenboard.systems.perturbations import dosed_drugs

    data = sysdata.load()
    genotypes, unmapped = genotypes_for_case(case, kb, data.genotypes)
    base = {"genotype": [g.id for g in genotypes], "unmapped_alterations": unmapped,
            "note": f"Mechanistic mTOR/PI3K/MAPK model; {DISCLAIMER}."}
    if not genotypes:
        return {**base, "status": "skipped",
                "reason": "no alteration in the case maps to a genotype of the pathway model"}
    names: list[str] = []
    for tid in therapies:
        for drug_id in (tid, *kb.components_of(tid)):
            if drug_id not in names:
                try:
                    dosed_drugs(data, [drug_id], None)
                except InputError:
                    continue
                names.append(drug_id)
    if not names:
        return {**base, "status": "skipped",
                "reason": "no option acts on a target represented in the pathway model"}
    ranking = rank_combinations(dosed_drugs(data, names, None), genotypes, max_size=1)
    return {**base, "status": "ok", "ranking": ranking, "window": window_text(60.0)}
