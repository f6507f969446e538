"""`python -m nenboard.knowledge [FILTER]`: list knowledge-base problems (for curators).

Loads what validates, prints every schema and cross-reference problem whose path
contains FILTER (all when omitted), and exits 1 if any were printed.
"""

import sys

from nenboard.knowledge.check import check
from nenboard.knowledge.loader import load_with_problems

kb, problems = load_with_problems()
problems += check(kb)
wanted = sys.argv[1] if len(sys.argv) > 1 else ""
shown = [p for p in problems if wanted in p.path]
for p in shown:
    print(p)
counts = {k: len(getattr(kb, k)) for k in ("drugs", "regimens", "trials", "resistance",
                                             "biomarkers", "frequencies", "rules")}
print(f"{len(shown)} problem(s); loaded {counts}", file=sys.stderr)
sys.exit(1 if shown else 0)
