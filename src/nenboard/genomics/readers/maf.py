"""MAF files (cBioPortal / GENIE / TCGA columns) -> per-sample alterations.

Required: Hugo_Symbol, Tumor_Sample_Barcode, Variant_Classification. The
protein change is taken from HGVSp_Short, else HGVSp, else Protein_Change /
Amino_Acid_Change. Non-coding classes (Silent, Intron, UTRs, IGR, RNA, flanks,
Splice_Region) are kept out of the alteration list by default (``coding_only``)
and counted in the reader's summary, so nothing disappears unannounced.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nenboard.errors import InputError
from nenboard.genomics.model import Observed, Variant
from nenboard.genomics.normalize import normalize
from nenboard.genomics.readers.table import read_table
from nenboard.genomics.symbols import normalize_gene

NON_CODING = frozenset({"Silent", "Intron", "3'UTR", "5'UTR", "3'Flank", "5'Flank", "IGR", "RNA",
                        "lincRNA", "Splice_Region", "Targeted_Region", "De_novo_Start_InFrame",
                        "De_novo_Start_OutOfFrame"})
CLASS_TO_CONSEQUENCE = {
    "Missense_Mutation": "missense", "Nonsense_Mutation": "nonsense",
    "Frame_Shift_Del": "frameshift", "Frame_Shift_Ins": "frameshift",
    "In_Frame_Del": "inframe_del", "In_Frame_Ins": "inframe_ins", "Splice_Site": "splice",
    "Translation_Start_Site": "start_lost", "Nonstop_Mutation": "stop_lost",
}
KNOWN_CLASSES = frozenset(CLASS_TO_CONSEQUENCE) | NON_CODING


@dataclass
class MafResult:
    by_sample: dict[str, list[Observed]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    rows: int = 0


def read_maf(path: Path, *, coding_only: bool = True) -> MafResult:
    path = Path(path)
    table, rows = read_table(path, what="MAF")
    gi = table.need("gene", "Hugo_Symbol")
    si = table.need("sample", "Tumor_Sample_Barcode")
    ci = table.need("variant class", "Variant_Classification")
    pi = table.find("HGVSp_Short", "HGVSp", "Protein_Change", "Amino_Acid_Change")
    ti, di = table.find("t_alt_count"), table.find("t_depth")
    out = MafResult()
    name = path.name
    for lineno, f in rows:
        out.rows += 1
        gene, sample, vclass = f[gi].strip(), f[si].strip(), f[ci].strip()
        if not sample:
            raise InputError.single(f"line {lineno}", "empty Tumor_Sample_Barcode", source=str(path))
        if not gene:
            raise InputError.single(f"line {lineno}", "empty Hugo_Symbol", source=str(path))
        if vclass not in KNOWN_CLASSES:
            raise InputError.single(f"line {lineno}", f"unknown Variant_Classification {vclass!r}",
                                    source=str(path))
        if coding_only and vclass in NON_CODING:
            out.skipped[vclass] += 1
            continue
        pchange = f[pi].strip() if pi is not None else ""
        v = maf_variant(gene, pchange, vclass)
        out.by_sample.setdefault(sample, []).append(
            Observed(v, f"{name}:{lineno}", _vaf(f, ti, di), None,
                     f"{gene} {pchange or vclass}"))
    return out


def maf_variant(gene: str, pchange: str, vclass: str) -> Variant:
    """One MAF row -> Variant; the MAF class fills in what the protein change lacks."""
    cons = CLASS_TO_CONSEQUENCE.get(vclass)
    g = normalize_gene(gene)
    shown = pchange if pchange and pchange not in (".", "NA") else ""
    if g.symbol is None:
        return Variant(gene, "mutation", shown or vclass, consequence=cons, problem=g.note)
    if shown:
        v = normalize(g.symbol, shown)
        if v.problem is None and v.kind == "mutation":
            return v if g.note is None else Variant(**{**_fields(v), "note": g.note})
        return Variant(g.symbol, "mutation", shown, consequence=cons,
                       note=f"protein change {shown!r} not parsed; class {vclass}")
    return Variant(g.symbol, "mutation", vclass.replace("_", " ").lower(), consequence=cons,
                   note=g.note)


def _fields(v: Variant) -> dict[str, object]:
    return {name: getattr(v, name) for name in Variant.__slots__}


def _vaf(f: list[str], ti: int | None, di: int | None) -> float | None:
    if ti is None or di is None:
        return None
    try:
        alt, depth = float(f[ti]), float(f[di])
    except ValueError:
        return None
    return round(alt / depth, 4) if depth > 0 and 0 <= alt <= depth else None
