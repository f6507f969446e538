"""Rich tables and CSV for molecular profiles and cohorts (no clinical logic)."""

from __future__ import annotations

import csv
import io
from typing import Any

from nenboard.genomics.cohort import Cohort
from nenboard.genomics.model import MolecularProfile
from nenboard.layout import Doc


def _profile_rows(p: MolecularProfile) -> list[dict[str, Any]]:
    rows = []
    for a in p.alterations:
        d = a.to_dict()
        # the regimen of the evidence with its own tier, never its drugs split apart
        drugs = "; ".join(f"{' + '.join(r['components'])} ({r['tier']})"
                          for r in d["regimens"]) or ", ".join(d["drugs"])
        if d["resistance_drugs"]:
            drugs += ("; " if drugs else "") + "resistance: " + ", ".join(d["resistance_drugs"])
        rows.append({**d, "direction": ", ".join(d["directions"]) or d["status"].replace("_", " "),
                     "drug_text": drugs, "note": "; ".join(d["assertions"])
                     or (d["notes"][0] if d["notes"] else "")})
    return rows


def profile_doc(p: MolecularProfile, title: str = "", detail: bool = False) -> Doc:
    """Tiered alterations first; with detail, the assertion ids and the case field read."""
    ctx = p.context
    doc = Doc()
    doc.para(f"Molecular profile{': ' + title if title else ''}", style="bold")
    doc.para(f"context: {ctx.entity or 'entity unknown'}, {ctx.site or 'site unknown'}"
             f"{', ' + ctx.grade if ctx.grade else ''} (ESCAT tiers)", indent=2)
    rows = _profile_rows(p)
    if detail:  # one entry per alteration: too many columns for a table at 80 columns
        for r in rows:
            doc.item(f"{r['gene']} {r['alteration']}: tier {r['tier'] or '-'}; "
                     f"{r['direction']}; regimens: {r['drug_text'] or '-'}; evidence: "
                     f"{r['note'] or '-'}; read from {r['source']}")
        if not rows:
            doc.para("no alterations in the case", indent=2)
        return doc
    tiered = [r for r in rows if r["tier"] or r["drug_text"]]
    rest = [r for r in rows if r not in tiered]
    if tiered:
        table = doc.table(["gene", "alteration", "tier", "direction", "regimens (tier)"], indent=2)
        for r in tiered:
            table.add(r["gene"], r["alteration"], r["tier"] or "-", r["direction"],
                      r["drug_text"] or "-")
    if rest:
        doc.para("")
        doc.para("also read (no tier): " + "; ".join(
            f"{r['gene']} {r['alteration']} ({r['direction']})" for r in rest), indent=2, hang=4)
    if not rows:
        doc.para("no alterations in the case", indent=2)
    return doc


def profile_tsv(p: MolecularProfile) -> Doc:
    doc = Doc()
    table = doc.table(["gene", "alteration", "tier", "status", "directions", "drugs",
                       "assertions", "source"])
    for r in _profile_rows(p):
        table.add(r["gene"], r["alteration"], r["tier"], r["status"], r["direction"],
                  r["drug_text"], "; ".join(r["assertions"]), r["source"])
    return doc


def cohort_samples_table(c: Cohort, limit: int = 50) -> Doc:
    doc = Doc()
    t = doc.table(["sample", "entity", "site", "alts", "best tier", "actionable",
                   "unrecognised"], title=f"Per-sample actionability ({len(c.samples)} samples"
                  f"{f'; first {limit} shown' if len(c.samples) > limit else ''})")
    for s in c.samples[:limit]:
        d = s.summary()
        t.add(d["sample"], d["entity"] or "?", d["site"] or "?", str(d["alterations"]),
              d["best_tier"] or "-", "; ".join(d["actionable"]) or "-",
              ", ".join(d["unrecognised"]) or "")
    return doc


def cohort_frequency_table(c: Cohort, measures: tuple[str, ...] = ("mutated", "altered",
                           "amplified", "deleted", "msi_high", "tmb_high"),
                           only_referenced: bool = True) -> Doc:
    doc = Doc()
    t = doc.table(["entity", "site", "gene", "measure", "cohort", "95% CI", "published",
                   "flag"], title=f"Alteration frequencies per {c.unit} vs knowledge-base ranges")
    for f in c.frequencies:
        d = f.to_dict()
        if d["measure"] not in measures or (only_referenced and not d["references"]):
            continue
        pub = "; ".join(f"{_rng(r)} ({r['id']})" for r in d["references"]) or "-"
        t.add(d["entity"] or "?", d["site"], d["gene"], d["measure"],
              f"{d['altered']}/{d['n']} = {d['percent']:.1f}%",
              f"{d['ci95'][0]:.1f}-{d['ci95'][1]:.1f}", pub, d["flag"])
    return doc


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
