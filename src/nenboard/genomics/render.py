"""Rich tables and CSV for molecular profiles and cohorts (no clinical logic)."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.table import Table

from nenboard.genomics.cohort import Cohort
from nenboard.genomics.model import MolecularProfile

STATUS_STYLE = {"actionable": "green", "resistance": "red", "informative": "cyan",
                "no_assertion": "dim", "unrecognised": "bold yellow"}


def profile_table(p: MolecularProfile, title: str = "") -> Table:
    ctx = p.context
    head = (f"{title}  context: {ctx.entity or 'entity unknown'}, {ctx.site or 'site unknown'}"
            f"{', ' + ctx.grade if ctx.grade else ''}  (ESCAT tiers)")
    t = Table(title=head, show_lines=False, expand=False)
    for col in ("gene", "alteration", "tier", "direction", "drugs", "evidence / notes", "source"):
        t.add_column(col, overflow="fold")
    for a in p.alterations:
        d = a.to_dict()
        style = STATUS_STYLE.get(d["status"], "")
        direction = ", ".join(d["directions"]) or d["status"].replace("_", " ")
        drugs = ", ".join(d["drugs"])
        if d["resistance_drugs"]:
            drugs += ("; " if drugs else "") + "resistance: " + ", ".join(d["resistance_drugs"])
        notes = "; ".join(d["assertions"]) or (d["notes"][0] if d["notes"] else "")
        t.add_row(d["gene"], d["alteration"], d["tier"] or "-", direction, drugs or "-",
                  notes, d["source"], style=style)
    return t


def cohort_samples_table(c: Cohort, limit: int = 50) -> Table:
    t = Table(title=f"Per-sample actionability ({len(c.samples)} samples; first {limit} shown)")
    for col in ("sample", "entity", "site", "alts", "best tier", "actionable", "unrecognised"):
        t.add_column(col, overflow="fold")
    for s in c.samples[:limit]:
        d = s.summary()
        t.add_row(d["sample"], d["entity"] or "?", d["site"] or "?", str(d["alterations"]),
                  d["best_tier"] or "-", "; ".join(d["actionable"]) or "-",
                  ", ".join(d["unrecognised"]) or "")
    return t


def cohort_frequency_table(c: Cohort, measures: tuple[str, ...] = ("mutated", "altered",
                           "amplified", "deleted", "msi_high", "tmb_high"),
                           only_referenced: bool = True) -> Table:
    t = Table(title=f"Alteration frequencies per {c.unit} vs knowledge-base ranges")
    for col in ("entity", "site", "gene", "measure", "cohort", "95% CI", "published", "flag"):
        t.add_column(col, overflow="fold")
    for f in c.frequencies:
        d = f.to_dict()
        if d["measure"] not in measures or (only_referenced and not d["references"]):
            continue
        pub = "; ".join(f"{_rng(r)} ({r['id']})" for r in d["references"]) or "-"
        style = {"within": "green", "outside": "yellow", "outside_ci": "bold red"}.get(
            d["flag"], "dim")
        t.add_row(d["entity"] or "?", d["site"], d["gene"], d["measure"],
                  f"{d['altered']}/{d['n']} = {d['percent']:.1f}%",
                  f"{d['ci95'][0]:.1f}-{d['ci95'][1]:.1f}", pub, d["flag"], style=style)
    return t


def _rng(r: dict[str, Any]) -> str:
    lo, hi = r["low"], r["high"]
    return f"{lo:g}%" if lo == hi else f"{lo:g}-{hi:g}%"


def cohort_csv(c: Cohort) -> str:
    """Per-sample rows then per-gene frequency rows, as two CSV sections."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "sample", "patient", "entity", "site", "alterations", "best_tier",
                "actionable", "drugs", "diagnostic", "resistance", "unrecognised"])
    for s in c.samples:
        d = s.summary()
        w.writerow(["sample", d["sample"], d["patient"] or "", d["entity"] or "", d["site"] or "",
                    d["alterations"], d["best_tier"] or "", "; ".join(d["actionable"]),
                    "; ".join(d["drugs"]), "; ".join(d["diagnostic"]), "; ".join(d["resistance"]),
                    "; ".join(d["unrecognised"])])
    w.writerow([])
    w.writerow(["section", "entity", "site", "gene", "measure", "altered", "n", "unit", "percent",
                "ci95_low", "ci95_high", "published", "flag"])
    for f in c.frequencies:
        d = f.to_dict()
        w.writerow(["frequency", d["entity"] or "", d["site"], d["gene"], d["measure"],
                    d["altered"], d["n"], d["unit"], d["percent"], d["ci95"][0], d["ci95"][1],
                    "; ".join(f"{r['id']}={_rng(r)}" for r in d["references"]), d["flag"]])
    return buf.getvalue()
