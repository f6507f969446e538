"""Cases from a cBioPortal study folder (clinical sample/patient tables, structural variants).

Maps what the tables allow: primary site (PRIMARY_SITE text), entity and
differentiation (ONCOTREE_CODE, through the knowledge base's site -> OncoTree
table), metastatic stage when the sequenced sample is a metastasis, sex, TMB,
and fusions. Everything else stays unknown. Samples whose OncoTree code is not
a GEP-NEN code, or whose site is outside the GEP tract, are skipped with a reason.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nenboard.errors import InputError
from nenboard.knowledge.loader import KnowledgeBase

SITE_MAP = Path(__file__).parent / "data" / "cbioportal_sites.yaml"


@lru_cache(maxsize=1)
def _site_text() -> dict[str, str]:
    return {k.lower(): v for k, v in yaml.safe_load(SITE_MAP.read_text()).items()}


def _table(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError.single(str(path), "file not found")
    with path.open(encoding="utf-8") as fh:
        rows = [line for line in fh if not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t")
    required = {"SAMPLE_ID", "PATIENT_ID", "ONCOTREE_CODE"} if "sample" in path.name else set()
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise InputError.single(str(path), f"missing columns {sorted(missing)}")
    return list(reader)


def _fusions(folder: Path) -> dict[str, list[dict[str, str]]]:
    path = folder / "data_sv.txt"
    out: dict[str, list[dict[str, str]]] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            g1, g2 = row.get("Site1_Hugo_Symbol", ""), row.get("Site2_Hugo_Symbol", "")
            if g1 and g2 and g1 != g2 and "fusion" in row.get("Event_Info", "").lower():
                out.setdefault(row["Sample_Id"], []).append(
                    {"gene": g1, "alteration": f"{g1}::{g2}", "kind": "fusion"})
    return out


def cases_from_study(folder: Path, kb: KnowledgeBase) -> Iterator[tuple[str, dict[str, Any] | None,
                                                                      str | None]]:
    """(sample id, case document or None, skip reason) for every sample in the study."""
    samples = _table(folder / "data_clinical_sample.txt")
    patients = {r["PATIENT_ID"]: r for r in _table(folder / "data_clinical_patient.txt")} \
        if (folder / "data_clinical_patient.txt").exists() else {}
    fusions = _fusions(folder)
    for row in samples:
        sid, code = row["SAMPLE_ID"], row.get("ONCOTREE_CODE", "")
        entity = kb.oncotree.get(code, (None,))[0]
        if entity is None:
            yield sid, None, f"OncoTree code {code!r} is not a GEP-NEN code"
            continue
        site = _site_text().get(row.get("PRIMARY_SITE", "").strip().lower())
        if site is None:
            yield sid, None, f"primary site {row.get('PRIMARY_SITE')!r} is outside the GEP tract"
            continue
        tumor: dict[str, Any] = {"primary_site": site,
                                 "differentiation": "well" if entity == "NET" else "poor"}
        if entity == "NEC_small_cell":
            tumor["morphology"] = "small_cell"
        if row.get("SAMPLE_TYPE") == "Metastasis":
            tumor["stage"] = "metastatic"
        case: dict[str, Any] = {"id": sid, "title": f"{row.get('CANCER_TYPE_DETAILED', code)} "
                                "(MSK-IMPACT)", "tumor": tumor}
        sex = patients.get(row["PATIENT_ID"], {}).get("SEX", "").lower()
        if sex in ("female", "male"):
            case["patient"] = {"sex": sex}
        molecular: dict[str, Any] = {}
        tmb = row.get("TMB_NONSYNONYMOUS", "")
        if tmb:
            molecular["tmb"] = round(float(tmb), 2)
        if sid in fusions:
            molecular["alterations"] = fusions[sid]
        if molecular:
            case["molecular"] = molecular
        yield sid, case, None
