"""Benchmark the genomics engine: 100,000 synthetic alterations and a 10,000-sample cohort.

Run: .venv/bin/python benchmarks/bench_genomics.py [--alterations N] [--samples N]
Target: >= 50,000 alterations/s on one core (normalise + tier, from strings, cold caches).
Synthetic data are random but seeded (deterministic); protein positions are drawn from
1-2000 so most strings are distinct and the memo caches do not make the figure trivial.
"""

from __future__ import annotations

import argparse
import os
import random
import time

os.environ.setdefault("NENBOARD_KB_UNCHECKED", "1")

from nenboard.genomics import normalize as norm_mod
from nenboard.genomics import protein
from nenboard.genomics.cohort import annotate_cohort
from nenboard.genomics.model import Context, Observed
from nenboard.genomics.readers.clinical import SampleInfo
from nenboard.genomics.tiering import Annotator
from nenboard.knowledge.loader import load_with_problems

AA = "ACDEFGHIKLMNPQRSTVWY"
GENES = ["TP53", "RB1", "KRAS", "BRAF", "MEN1", "DAXX", "ATRX", "TSC2", "PTEN", "PIK3CA", "MYC",
         "CCNE1", "ARID1A", "ATM", "BRCA2", "APC", "CDKN2A", "SMAD4", "NOTCH1", "KMT2D", "VHL",
         "KIT", "FGFR4", "EZH2", "CTNNB1", "ERBB2", "FBXW7", "NF1", "MTOR", "SETD2"]
CNA = ["amplification", "deletion", "loss"]
ENT_SITES = [("NET", "pancreas"), ("NET", "jejunum_ileum"), ("NEC", "colon"), ("NEC", "stomach"),
             ("NEC", "esophagus"), ("NEC", "pancreas"), ("NET", "rectum"), (None, None)]


def synthetic(n: int, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        gene = rng.choice(GENES)
        r = rng.random()
        if r < 0.08:
            alt = rng.choice(CNA)
        elif r < 0.12:
            alt = "V600E" if gene == "BRAF" else "G12C" if gene == "KRAS" else "R273H"
        elif r < 0.55:
            alt = f"{rng.choice(AA)}{rng.randint(1, 2000)}{rng.choice(AA + '*')}"
        elif r < 0.75:
            alt = f"p.{rng.choice(AA)}{rng.randint(1, 2000)}fs"
        else:
            three = [k.capitalize() for k in protein.THREE_TO_ONE if k not in ("XAA", "SEC",
                                                                                "PYL", "TER")]
            alt = f"p.{rng.choice(three)}{rng.randint(1, 2000)}{rng.choice(three)}"
        out.append((gene, alt))
    return out


def clear_caches() -> None:
    protein.parse_protein_change.cache_clear()
    norm_mod.normalize.cache_clear()


def bench_alterations(kb, n: int) -> float:
    rng = random.Random(42)
    data = synthetic(n, rng)
    ctxs = [Context(e, s) for e, s in ENT_SITES]
    clear_caches()
    ann = Annotator(kb)
    t0 = time.perf_counter()
    tiers = 0
    for i, (gene, alt) in enumerate(data):
        a = ann.annotate(Observed(norm_mod.normalize(gene, alt)), ctxs[i % len(ctxs)])
        tiers += a.annotation.tier is not None
    dt = time.perf_counter() - t0
    rate = n / dt
    print(f"alterations: {n:,} normalised + tiered in {dt:.2f} s = {rate:,.0f} alterations/s "
          f"({tiers:,} with a tier; target >= 50,000/s: {'OK' if rate >= 50_000 else 'MISSED'})")
    return rate


def bench_cohort(kb, samples: int, per_sample: int = 10) -> float:
    rng = random.Random(7)
    clear_caches()
    data = synthetic(samples * per_sample, rng)
    by_sample: dict[str, list[Observed]] = {}
    clinical: dict[str, SampleInfo] = {}
    t0 = time.perf_counter()
    for i in range(samples):
        sid = f"S{i:05d}"
        ent, site = ENT_SITES[i % len(ENT_SITES)]
        clinical[sid] = SampleInfo(sid, f"P{i // 2:05d}", ent, site,
                                   tmb=round(rng.uniform(0, 25), 1))
        by_sample[sid] = [Observed(norm_mod.normalize(g, a), "synthetic")
                          for g, a in data[i * per_sample:(i + 1) * per_sample]]
    t1 = time.perf_counter()
    cohort = annotate_cohort(by_sample, clinical, kb)
    t2 = time.perf_counter()
    n_alt = samples * (per_sample + 1)
    print(f"cohort: {samples:,} samples x {per_sample} alterations (+TMB) - normalise {t1 - t0:.2f}"
          f" s, annotate + frequencies {t2 - t1:.2f} s, total {t2 - t0:.2f} s "
          f"= {n_alt / (t2 - t0):,.0f} alterations/s; {len(cohort.frequencies):,} frequency rows")
    return t2 - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alterations", type=int, default=100_000)
    ap.add_argument("--samples", type=int, default=10_000)
    args = ap.parse_args()
    kb, _ = load_with_problems()
    print(f"knowledge base {kb.version}: {len(kb.biomarkers)} biomarker assertions, "
          f"{len(kb.frequencies)} frequency records")
    bench_alterations(kb, args.alterations)
    bench_cohort(kb, args.samples)


if __name__ == "__main__":
    main()
