"""Cohort mode: per-sample actionability and per-gene frequencies vs the knowledge base.

Pure: takes already-read alterations and clinical context, returns tables.
Frequencies are per group (entity x site, and entity over all sites) and per
gene: the share of profiled samples - or patients, when ``unit="patient"`` -
with at least one protein-altering mutation ("mutated") or any reported
alteration ("altered"). Each is set beside the knowledge-base ranges for the
same gene, entity and compatible site, flagged ``below`` / ``above`` when the
cohort's point estimate falls outside the published range (with a Wilson 95%
interval, so small groups can be judged).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nenboard.genomics.model import TIER_ORDER, AnnotatedAlteration, Context, Observed
from nenboard.genomics.normalize import normalize
from nenboard.genomics.readers.clinical import SampleInfo
from nenboard.genomics.tiering import Annotator
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Frequency

# Site words used by the reviews' tables that group several case sites (vocabulary).
SITE_GROUPS = {"colorectal": {"colon", "rectum"},
               "small_intestine": {"duodenum", "ampulla", "jejunum_ileum"},
               "gep": None}  # None = every GEP site
MEASURE_FOR = {"mutation": "mutated", "alteration": "altered", "copy_number_gain": "amplified",
               "copy_number_loss": "deleted", "msi-h": "msi_high", "tmb-high": "tmb_high"}
ALL_SITES = "all"


@dataclass
class SampleRow:
    sample: str
    patient: str | None
    context: Context
    alterations: list[AnnotatedAlteration]

    def summary(self) -> dict[str, Any]:
        act = [a for a in self.alterations if a.annotation.status == "actionable"]
        best = min((a.annotation.tier for a in act), key=TIER_ORDER.index, default=None)
        return {
            "sample": self.sample, "patient": self.patient, "entity": self.context.entity,
            "site": self.context.site, "alterations": len(self.alterations),
            "best_tier": best,
            "actionable": [f"{a.observed.variant.label} ({a.annotation.tier}: "
                           f"{', '.join(a.annotation.drugs) or 'no drug'})"
                           for a in sorted(act, key=lambda x: TIER_ORDER.index(x.annotation.tier))],
            "drugs": sorted({d for a in act if a.annotation.tier != "X" for d in a.annotation.drugs}),
            "diagnostic": sorted({a.observed.variant.label for a in self.alterations
                                  if "diagnostic" in a.annotation.directions}),
            "resistance": sorted({a.observed.variant.label for a in self.alterations
                                  if "resistance" in a.annotation.directions}),
            "unrecognised": [a.observed.variant.label for a in self.alterations
                             if a.annotation.status == "unrecognised"],
        }


@dataclass
class FrequencyRow:
    entity: str | None
    site: str
    gene: str
    measure: str
    altered: int
    n: int
    unit: str
    references: list[dict[str, Any]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.altered / self.n if self.n else 0.0

    def to_dict(self) -> dict[str, Any]:
        lo, hi = wilson(self.altered, self.n)
        return {"entity": self.entity, "site": self.site, "gene": self.gene,
                "measure": self.measure, "altered": self.altered, "n": self.n, "unit": self.unit,
                "percent": round(self.percent, 1), "ci95": [round(lo, 1), round(hi, 1)],
                "references": self.references,
                "flag": _overall_flag(self.references)}


@dataclass
class Cohort:
    samples: list[SampleRow]
    frequencies: list[FrequencyRow]
    unit: str
    kb_version: str

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "kb_version": self.kb_version,
                "samples": [s.summary() for s in self.samples],
                "frequencies": [f.to_dict() for f in self.frequencies]}


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for k of n, in percent."""
    if n == 0:
        return 0.0, 100.0
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return 100 * max(0.0, mid - half), 100 * min(1.0, mid + half)


def annotate_cohort(by_sample: dict[str, list[Observed]], clinical: dict[str, SampleInfo],
                    kb: KnowledgeBase, *, samples: Iterable[str] | None = None,
                    unit: str = "sample", genes: Iterable[str] | None = None,
                    progress: Callable[[int], None] | None = None) -> Cohort:
    """Annotate every sample in context and compute frequencies.

    ``samples`` = the profiled samples (denominator); default: every sample in the
    clinical table. Samples with alterations but no clinical row are kept with an
    unknown context. ``genes`` restricts the frequency table (default: all genes seen).
    """
    annotator = Annotator(kb)
    profiled = list(dict.fromkeys(samples if samples is not None else clinical))
    for s in by_sample:
        if s not in clinical and samples is None:
            profiled.append(s)
    rows: list[SampleRow] = []
    for i, sample in enumerate(profiled):
        info = clinical.get(sample) or SampleInfo(sample)
        ctx = Context(info.entity, info.site, info.grade)
        obs = list(by_sample.get(sample, ()))
        if info.tmb is not None:
            obs.append(Observed(normalize("TMB", str(info.tmb)), "clinical TMB", raw=str(info.tmb)))
        if info.msi in ("high", "msi-h", "stable", "mss"):
            obs.append(Observed(normalize("MSI", info.msi), "clinical MSI", raw=info.msi))
        rows.append(SampleRow(sample, info.patient, ctx, annotator.annotate_all(obs, ctx)))
        if progress is not None and (i % 256 == 255 or i == len(profiled) - 1):
            progress(i + 1)
    freqs = frequencies(rows, kb, unit=unit, genes=set(genes) if genes else None)
    return Cohort(rows, freqs, unit, kb.version)


def tmb_high_threshold(kb: KnowledgeBase) -> float | None:
    """The TMB-high cut-off of the knowledge base's TMB assertions (mutations/Mb)."""
    cuts = [b.match.threshold for b in kb.biomarkers.values()
            if b.match.gene == "TMB" and b.match.threshold is not None]
    return min(cuts) if cuts else None


def _measures(a: AnnotatedAlteration, tmb_high: float | None) -> tuple[str, ...]:
    v = a.observed.variant
    if v.kind == "mutation" and v.consequence != "synonymous":
        return ("mutated", "altered")
    if v.kind == "amplification":
        return ("amplified", "altered")
    if v.kind == "deletion":
        return ("deleted", "altered")
    if v.kind in ("fusion", "loss"):
        return ("altered",)
    if v.gene == "MSI" and v.value == "high":
        return ("msi_high",)
    if v.gene == "TMB" and v.number is not None and tmb_high is not None and v.number >= tmb_high:
        return ("tmb_high",)
    return ()


def frequencies(rows: list[SampleRow], kb: KnowledgeBase, *, unit: str = "sample",
                genes: set[str] | None = None) -> list[FrequencyRow]:
    # unit -> key per row
    def unit_key(r: SampleRow) -> str:
        return (r.patient or r.sample) if unit == "patient" else r.sample

    groups: dict[tuple[str | None, str], set[str]] = {}
    hits: dict[tuple[str | None, str, str, str], set[str]] = {}
    has_tmb: dict[tuple[str | None, str], set[str]] = {}
    tmb_high = tmb_high_threshold(kb)
    for r in rows:
        key = unit_key(r)
        gkeys = [(r.context.entity, ALL_SITES)]
        if r.context.site:
            gkeys.append((r.context.entity, r.context.site))
        for g in gkeys:
            groups.setdefault(g, set()).add(key)
        for a in r.alterations:
            gene = a.observed.variant.gene
            if gene == "TMB":
                for g in gkeys:
                    has_tmb.setdefault(g, set()).add(key)
            if genes is not None and gene not in genes and gene not in ("MSI", "TMB"):
                continue
            for m in _measures(a, tmb_high):
                for g in gkeys:
                    hits.setdefault((*g, gene, m), set()).add(key)
    out: list[FrequencyRow] = []
    refs_by_gene: dict[str, list[Frequency]] = {}
    for f in kb.frequencies.values():
        refs_by_gene.setdefault(f.gene, []).append(f)
    for (entity, site, gene, measure), keys in sorted(
            hits.items(), key=lambda kv: (str(kv[0][0]), kv[0][1] != ALL_SITES, kv[0][1],
                                          kv[0][2], kv[0][3])):
        n = len(has_tmb.get((entity, site), ())) if measure == "tmb_high" else len(
            groups[(entity, site)])
        row = FrequencyRow(entity, site, gene, measure, len(keys), n, unit)
        row.references = _references(row, refs_by_gene.get(gene, []))
        out.append(row)
    return out


def _site_ok(ref_site: str | None, site: str, kb: KnowledgeBase) -> bool:
    if site == ALL_SITES:
        return ref_site in (None, "gep")
    if ref_site in (None, "gep"):
        return False
    if ref_site in SITE_GROUPS and SITE_GROUPS[ref_site] is not None:
        return site in SITE_GROUPS[ref_site]
    return ref_site == site


def _references(row: FrequencyRow, refs: list[Frequency]) -> list[dict[str, Any]]:
    out = []
    for f in refs:
        if f.entity != row.entity or MEASURE_FOR.get(f.alteration) != row.measure:
            continue
        if not _site_ok(f.site, row.site, None):  # type: ignore[arg-type]
            continue
        if f.low is None or f.high is None:
            continue
        pct = row.percent
        flag = "below" if pct < f.low else "above" if pct > f.high else "within"
        lo, hi = wilson(row.altered, row.n)
        out.append({"id": f.id, "low": f.low, "high": f.high, "n": f.n, "site": f.site,
                    "alteration": f.alteration, "flag": flag,
                    "ci_overlaps": lo <= f.high and hi >= f.low,
                    "citation": f.citations[0].label()})
    return out


def _overall_flag(refs: list[dict[str, Any]]) -> str:
    """within (inside some published range), outside (inside none; the 95% CI still
    reaches one), outside_ci (even the CI misses every range) or no_reference."""
    if not refs:
        return "no_reference"
    if any(r["flag"] == "within" for r in refs):
        return "within"
    return "outside" if any(r["ci_overlaps"] for r in refs) else "outside_ci"
