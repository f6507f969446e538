"""Cohort clinical tables: sample id -> entity, site, grade (and patient, TMB, MSI).

Accepts cBioPortal/GENIE sample tables (SAMPLE_ID / "Sample ID", ONCOTREE_CODE /
"Oncotree Code", TMB_NONSYNONYMOUS, PATIENT_ID) and nenboard's own columns
(sample, entity, site, grade, tmb, msi). OncoTree codes are mapped to entity and
site through the knowledge base's site records (``sites.yaml``); a code that
maps to several sites (e.g. NECNOS) gives the entity only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nenboard.errors import InputError
from nenboard.genomics.readers.table import read_table
from nenboard.knowledge.loader import KnowledgeBase

ENTITIES = {"net": "NET", "nec": "NEC", "minen": "MiNEN"}


@dataclass(frozen=True, slots=True)
class SampleInfo:
    sample: str
    patient: str | None = None
    entity: str | None = None
    site: str | None = None
    grade: str | None = None
    oncotree: str | None = None
    tmb: float | None = None
    msi: str | None = None


def oncotree_map(kb: KnowledgeBase) -> dict[str, tuple[str, str | None]]:
    """OncoTree code -> (entity, site or None when the code spans several sites)."""
    return {code: (key.split("_")[0], sites[0] if len(sites) == 1 else None)
            for code, (key, sites) in kb.oncotree.items()}


def read_clinical(path: Path, kb: KnowledgeBase) -> dict[str, SampleInfo]:
    table, rows = read_table(Path(path), what="clinical table")
    sid = table.need("sample id", "SAMPLE_ID", "Sample ID", "Tumor_Sample_Barcode", "sample",
                     "sample_id")
    pid = table.find("PATIENT_ID", "Patient ID", "patient", "patient_id")
    code = table.find("ONCOTREE_CODE", "Oncotree Code", "oncotree")
    ent = table.find("entity")
    site = table.find("site", "primary_site")
    grade = table.find("grade")
    tmb = table.find("TMB_NONSYNONYMOUS", "tmb", "TMB (nonsynonymous)")
    msi = table.find("msi", "MSI_STATUS", "MSI Status")
    if code is None and ent is None:
        raise InputError.single(f"line {table.header_line}", "needs an ONCOTREE_CODE or an entity "
                                "column to place samples in context", source=str(path))
    codes = oncotree_map(kb)
    out: dict[str, SampleInfo] = {}
    for lineno, f in rows:
        sample = f[sid].strip()
        if not sample:
            raise InputError.single(f"line {lineno}", "empty sample id", source=str(path))
        e = s = None
        oc = f[code].strip() if code is not None else None
        if oc and oc in codes:
            e, s = codes[oc]
        if ent is not None and f[ent].strip():
            e = ENTITIES.get(f[ent].strip().lower())
            if e is None:
                raise InputError.single(f"line {lineno}", f"entity {f[ent]!r} not one of NET, NEC, "
                                        "MiNEN", source=str(path))
        if site is not None and f[site].strip():
            word = f[site].strip().lower().replace(" ", "_")
            if word in kb.sites:
                s = word
            elif code is None:  # free-text organ names (cBioPortal PRIMARY_SITE) are not ours
                raise InputError.single(f"line {lineno}", f"unknown site {f[site]!r}; allowed: "
                                        f"{', '.join(sorted(kb.sites))}", source=str(path))
        t = None
        if tmb is not None and f[tmb].strip() not in ("", "NA", "NaN"):
            try:
                t = float(f[tmb])
            except ValueError:
                raise InputError.single(f"line {lineno}", f"TMB {f[tmb]!r} is not a number",
                                        source=str(path)) from None
        g = f[grade].strip().upper() if grade is not None and f[grade].strip() else None
        out[sample] = SampleInfo(
            sample=sample, patient=(f[pid].strip() or None) if pid is not None else None,
            entity=e, site=s, grade=g if g in ("G1", "G2", "G3") else None, oncotree=oc or None,
            tmb=t, msi=(f[msi].strip().lower() or None) if msi is not None else None)
    return out
