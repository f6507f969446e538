"""Benchmark: match 10,000 generated cases against every trial in the knowledge base.

    .venv/bin/python benchmarks/bench_trials.py [--cases 10000] [--seed 7]

Cases are generated from the case vocabulary (deterministic seed) and validated
before timing starts (validation happens once, at the edge). Two figures:

* end to end: `match_trials(case, kb)` = fact derivation + matching + ranking;
* matcher only: `match_facts(facts, kb)` on pre-derived facts.

One core, one process. Target (issue 6): >= 2,000 cases/s end to end.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from typing import Any

from nenboard.case import case_from_data, vocab
from nenboard.errors import InputError
from nenboard.facts import derive_facts
from nenboard.knowledge import KnowledgeBase, default_kb
from nenboard.knowledge.facts import SITES
from nenboard.knowledge.loader import load_with_problems
from nenboard.trials import match_facts, match_trials
from nenboard.trials.match import compiled_trials

THERAPIES = ("octreotide", "lanreotide", "everolimus", "sunitinib", "cisplatin", "etoposide",
             "carboplatin", "temozolomide", "capecitabine", "lutetium-177-dotatate")


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)

    def maybe(values: Any, p: float = 0.8) -> Any:
        return rng.choice(values) if rng.random() < p else None

    out = []
    for i in range(n):
        well = rng.random() < 0.6
        out.append({
            "id": f"bench-{i}",
            "patient": {"age": rng.randint(18, 90), "sex": maybe(vocab.SEXES[:2]),
                        "ecog": maybe(range(0, 4))},
            "tumor": {"primary_site": maybe(SITES, 0.95),
                      "differentiation": "well" if well else "poor",
                      "morphology": None if well else maybe(vocab.MORPHOLOGY, 0.7),
                      "ki67": round(rng.uniform(0.5, 25) if well else rng.uniform(21, 95), 1),
                      "stage": maybe(vocab.STAGES, 0.9),
                      "metastases": rng.sample(vocab.METASTASIS_SITES[:6], rng.randint(0, 3)),
                      "functional_syndrome": maybe(vocab.SYNDROMES, 0.15)},
            "imaging": {"sstr": maybe(vocab.IMAGING), "krenning": maybe(range(0, 5), 0.5)},
            "history": [{"therapy": rng.choice(THERAPIES),
                         "reason_stopped": maybe(vocab.STOP_REASONS)}
                        for _ in range(rng.randint(0, 3))],
            "molecular": {"msi": maybe(vocab.MSI, 0.3),
                          "ihc": {"DLL3": rng.choice(("positive", "negative"))}
                          if rng.random() < 0.3 else None,
                          "alterations": [{"gene": "BRAF", "alteration": "V600E"}]
                          if rng.random() < 0.05 else None},
        })
    for data in out:
        if data["tumor"]["morphology"] is None:
            del data["tumor"]["morphology"]
    return out


def load_kb() -> KnowledgeBase:
    try:
        return default_kb()
    except InputError as exc:  # curation in progress: match against what validates
        print(f"note: knowledge base check failed ({exc.one_line()}); using the records that "
              "load", file=sys.stderr)
        return load_with_problems()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    kb = load_kb()
    cases = [case_from_data(d, kb) for d in generate(args.cases, args.seed)]
    n_trials = len(kb.trials)
    n_criteria = sum(len(t.eligibility) for t in kb.trials.values())

    t0 = time.perf_counter()
    compiled_trials(kb)
    compile_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    tally = {"eligible": 0, "possibly_eligible": 0, "ineligible": 0}
    for case in cases:
        for m in match_trials(case, kb):
            tally[m.eligibility] += 1
    e2e = time.perf_counter() - t0

    facts = [derive_facts(c, kb) for c in cases]
    t0 = time.perf_counter()
    for f in facts:
        match_facts(f, kb)
    only = time.perf_counter() - t0

    print(f"nenboard trial matching benchmark ({platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()})")
    print(f"  knowledge base {kb.version}: {n_trials} trials, {n_criteria} criteria; "
          f"compiled in {compile_s * 1000:.1f} ms")
    print(f"  {len(cases)} cases x {n_trials} trials = {len(cases) * n_trials} trial matches")
    print(f"  end to end (facts + match + rank): {len(cases) / e2e:,.0f} cases/s "
          f"({e2e / len(cases) * 1e6:.0f} us/case)")
    print(f"  matcher only (pre-derived facts): {len(cases) / only:,.0f} cases/s "
          f"({only / len(cases) * 1e6:.0f} us/case)")
    print(f"  results: {tally}")


if __name__ == "__main__":
    main()
