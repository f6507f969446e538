"""Measure the clinical vignettes: fraction of expectations and of vignettes that hold.

    python tests/clinical/measure.py                 # summary, per class and entity
    python tests/clinical/measure.py --failing       # ids that do not hold (one a line)
    python tests/clinical/measure.py --write-known   # rewrite known_failures.txt from this run
    python tests/clinical/measure.py --counts        # vignettes / expectations per class, entity

Runs against whatever `nenboard` is importable (PYTHONPATH), so the same vignettes can be
measured on an older checkout.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import test_vignettes as tv


def run() -> tuple[dict[str, str | None], dict[str, list[str]]]:
    results: dict[str, str | None] = {}
    by_vignette: dict[str, list[str]] = defaultdict(list)
    for v in tv.VIGNETTE_LIST:
        for n, e in enumerate(v["expect"], start=1):
            pid = f"{v['id']}::{n}"
            try:
                results[pid] = tv.evaluate(v["id"], e)
            except Exception as exc:  # an engine error counts as not holding
                results[pid] = f"error: {type(exc).__name__}: {exc}"
            by_vignette[v["id"]].append(pid)
    return results, by_vignette


def counts() -> None:
    """Coverage of the set (no engine runs): vignettes / expectations per class and entity."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for v in tv.VIGNETTE_LIST:
        for key in [*(f"class {c}" for c in v["classes"]), f"entity {v.get('entity', '?')}",
                    "all"]:
            per[key][0] += 1
            per[key][1] += len(v["expect"])
    for key in sorted(per):
        print(f"{key:<16} {per[key][0]:>3} vignettes {per[key][1]:>4} expectations")


def main(argv: list[str]) -> int:
    if "--counts" in argv:
        counts()
        return 0
    results, by_vignette = run()
    failing = sorted(pid for pid, r in results.items() if r is not None)
    if "--failing" in argv:
        print("\n".join(failing))
        return 0
    if "--write-known" in argv:
        header = [line for line in tv.KNOWN_FAILURES.read_text(encoding="utf-8").splitlines()
                  if line.startswith("#")] if tv.KNOWN_FAILURES.exists() else []
        tv.KNOWN_FAILURES.write_text("\n".join([*header, *failing]) + "\n", encoding="utf-8")
        print(f"wrote {len(failing)} ids to {tv.KNOWN_FAILURES}")
        return 0
    held = sum(r is None for r in results.values())
    vig_held = sum(all(results[p] is None for p in ps) for ps in by_vignette.values())
    print(f"expectations: {held}/{len(results)} hold ({held / len(results):.0%})")
    print(f"vignettes:    {vig_held}/{len(by_vignette)} hold entirely "
          f"({vig_held / len(by_vignette):.0%})")
    per: dict[str, list[bool]] = defaultdict(list)
    for v in tv.VIGNETTE_LIST:
        ok = [results[p] is None for p in by_vignette[v["id"]]]
        for c in v["classes"]:
            per[f"class {c}"].extend(ok)
        per[f"entity {v.get('entity', '?')}"].extend(ok)
    for key in sorted(per):
        print(f"  {key:<16} {sum(per[key])}/{len(per[key])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
