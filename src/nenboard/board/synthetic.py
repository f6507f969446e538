"""Synthetic cases for batch tests and benchmarks (seeded, so runs are repeatable).

Draws every field from the case vocabularies with plausible correlations
(NEC: poor differentiation, high Ki-67), adds the therapy names the knowledge
base knows to the history, and can salt a fraction of records with errors to
check that bad records are reported and never fatal.
"""

from __future__ import annotations

import random
from typing import Any

from nenboard.case import vocab

THERAPIES = ("octreotide LAR", "lanreotide", "everolimus", "sunitinib", "CAPTEM",
             "lutetium-177-dotatate", "cisplatin-etoposide", "folfiri", "temozolomide")
GENES = (("BRAF", "V600E"), ("KRAS", "G12C"), ("KRAS", "G12D"), ("TP53", "R273H"),
         ("RB1", "loss"), ("MEN1", "R98*"), ("DAXX", "loss"), ("ATRX", "loss"),
         ("TSC2", "loss"), ("PTEN", "loss"), ("MYC", "amplification"), ("VHL", "loss"),
         ("PIK3CA", "H1047R"), ("CDKN1B", "loss"))
ERRORS = ({"tumor": {"ki67": 140}}, {"tumor": {"primary_site": "pancreatic"}},
          {"patient": {"ecog": 7}}, {"history": [{"therapy": "no-such-drug"}]},
          {"tumor": {"ki_67": 5}})


def synthetic_case(rng: random.Random, index: int) -> dict[str, Any]:
    nec = rng.random() < 0.25
    ki67 = round(rng.uniform(21, 95) if nec else rng.choice(
        [rng.uniform(0, 2.9), rng.uniform(3, 20), rng.uniform(20.1, 60)]), 1)
    site = rng.choice(vocab.SITES)
    stage = rng.choice(vocab.STAGES)
    case: dict[str, Any] = {
        "id": f"synthetic-{index}",
        "patient": {"age": rng.randint(25, 88), "sex": rng.choice(["female", "male"]),
                    "ecog": rng.randint(0, 3), "diabetes": rng.random() < 0.2,
                    "egfr": rng.randint(25, 110)},
        "tumor": {"primary_site": site, "differentiation": "poor" if nec else "well",
                  "ki67": ki67, "stage": stage, "resectable": stage != "metastatic"
                  and rng.random() < 0.7,
                  "metastases": ["liver"] if stage == "metastatic" else []},
        "imaging": {"sstr": rng.choice(["positive", "positive", "negative", "unknown"]),
                    "fdg": rng.choice(["positive", "negative", "unknown"])},
        "history": [],
    }
    if nec:
        case["tumor"]["morphology"] = rng.choice(["small_cell", "large_cell"])
    if rng.random() < 0.2:
        case["tumor"]["functional_syndrome"] = rng.choice(vocab.SYNDROMES)
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        case["history"].append({
            "therapy": rng.choice(THERAPIES),
            "best_response": rng.choice(vocab.RESPONSES),
            "reason_stopped": rng.choice(["progression", "progression", "toxicity", "completed"]),
            "progression_type": rng.choice(vocab.PROGRESSION_TYPES)})
    if rng.random() < 0.5:
        picks = rng.sample(GENES, rng.randint(1, 3))
        case["molecular"] = {"alterations": [{"gene": g, "alteration": a} for g, a in picks],
                             "msi": rng.choice(["high", "stable", "stable", "stable"]),
                             "tmb": round(rng.uniform(0, 30), 1)}
    return case


def synthetic_cases(n: int, seed: int = 7, bad_fraction: float = 0.0) -> list[dict[str, Any]]:
    """``n`` cases; about ``bad_fraction`` of them carry one deliberate error."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        case = synthetic_case(rng, i)
        if rng.random() < bad_fraction:
            error = rng.choice(ERRORS)
            for section, values in error.items():
                if isinstance(values, dict):
                    case.setdefault(section, {}).update(values)
                else:
                    case[section] = values
        cases.append(case)
    return cases
