"""Structural variants / fusions: cBioPortal SV tables and fusion tables.

SV format (``data_sv.txt``): Sample_Id, Site1_Hugo_Symbol, Site2_Hugo_Symbol
[, Event_Info, Class, SV_Status]. Fusion format (``data_fusions.txt``):
Hugo_Symbol, Tumor_Sample_Barcode, Fusion. Each gene of a two-gene event gets
a fusion alteration naming its partner (``ROS1::TMEM181``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nenboard.genomics.model import Observed, Variant
from nenboard.genomics.readers.table import read_table
from nenboard.genomics.symbols import normalize_gene


@dataclass
class SvResult:
    by_sample: dict[str, list[Observed]] = field(default_factory=dict)
    events: int = 0


def _fusion_variant(gene: str, g1: str, g2: str | None) -> Variant:
    sym = normalize_gene(gene)
    label = f"{g1}::{g2}" if g2 and g2 != g1 else f"{g1} rearrangement"
    partner = (g2 if gene == g1 else g1) if g2 and g2 != g1 else None
    if sym.symbol is None:
        return Variant(gene, "fusion", label, partner=partner, problem=sym.note)
    return Variant(sym.symbol, "fusion", label, partner=partner, note=sym.note)


def read_sv(path: Path) -> SvResult:
    path = Path(path)
    table, rows = read_table(path, what="SV/fusion table")
    s1 = table.find("Site1_Hugo_Symbol")
    out = SvResult()
    name = path.name
    if s1 is not None:
        si = table.need("sample", "Sample_Id", "Sample_ID", "Tumor_Sample_Barcode")
        s2 = table.need("partner gene", "Site2_Hugo_Symbol")
        st = table.find("SV_Status")
        for lineno, f in rows:
            if st is not None and f[st].strip().upper() == "GERMLINE":
                continue
            g1, g2 = f[s1].strip(), f[s2].strip()
            genes = [g for g in dict.fromkeys((g1, g2)) if g]
            if not genes:
                continue
            out.events += 1
            for g in genes:
                out.by_sample.setdefault(f[si].strip(), []).append(
                    Observed(_fusion_variant(g, g1 or g2, g2 if g1 else None), f"{name}:{lineno}",
                             raw=f"{g1}-{g2}"))
        return out
    gi = table.need("gene", "Hugo_Symbol")
    si = table.need("sample", "Tumor_Sample_Barcode", "Sample_Id")
    fi = table.need("fusion", "Fusion", "Event_Info")
    for lineno, f in rows:
        gene, text = f[gi].strip(), f[fi].strip()
        m = re.match(r"^([A-Za-z0-9.]+)(?:::|-|--)([A-Za-z0-9.]+)", text)
        g1, g2 = (m.group(1), m.group(2)) if m else (gene, None)
        out.events += 1
        out.by_sample.setdefault(f[si].strip(), []).append(
            Observed(_fusion_variant(gene, g1, g2), f"{name}:{lineno}", raw=text))
    return out
