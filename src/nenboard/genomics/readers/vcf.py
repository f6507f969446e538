"""Annotated VCF (VEP ``CSQ`` or snpEff ``ANN``) -> alterations, via vcfpy.

The annotation format is read from the header (``Format: Allele|Consequence|...``
for VEP; the fixed ANN layout for snpEff). Per record one transcript is used: the
VEP ``CANONICAL=YES`` or ``PICK=1`` entry, else the first entry with a protein
change, else the first entry. Records failing FILTER are skipped (counted). The
sample name is the VCF's tumor sample (``--sample``), else its only sample, else
the file name. Malformed or truncated files fail naming the file and line.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import vcfpy

from nenboard.errors import InputError
from nenboard.genomics.model import Observed, Variant
from nenboard.genomics.normalize import normalize
from nenboard.genomics.symbols import normalize_gene

ANN_FIELDS = ["Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID", "Feature_Type",
              "Feature_ID", "Transcript_BioType", "Rank", "HGVS.c", "HGVS.p", "cDNA.pos",
              "CDS.pos", "AA.pos", "Distance", "Errors"]
# Sequence Ontology terms -> consequence classes (protein.py vocabulary); most severe first.
SO_TERMS = [
    ("transcript_ablation", "deletion"), ("splice_acceptor_variant", "splice"),
    ("splice_donor_variant", "splice"), ("stop_gained", "nonsense"),
    ("frameshift_variant", "frameshift"), ("stop_lost", "stop_lost"), ("start_lost", "start_lost"),
    ("inframe_insertion", "inframe_ins"), ("inframe_deletion", "inframe_del"),
    ("disruptive_inframe_insertion", "inframe_ins"), ("disruptive_inframe_deletion", "inframe_del"),
    ("conservative_inframe_insertion", "inframe_ins"),
    ("conservative_inframe_deletion", "inframe_del"), ("missense_variant", "missense"),
    ("protein_altering_variant", "missense"), ("synonymous_variant", "synonymous"),
]
_SO = dict(SO_TERMS)
NON_CODING_TERMS = ("intron_variant", "upstream_gene_variant", "downstream_gene_variant",
                    "3_prime_UTR_variant", "5_prime_UTR_variant", "intergenic_variant",
                    "non_coding_transcript_exon_variant", "splice_region_variant",
                    "synonymous_variant", "regulatory_region_variant")


@dataclass
class VcfResult:
    by_sample: dict[str, list[Observed]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    records: int = 0


def read_vcf(path: Path, *, sample: str | None = None, coding_only: bool = True,
             pass_only: bool = True) -> VcfResult:
    path = Path(path)
    if not path.exists():
        raise InputError.single(str(path), "file not found")
    out = VcfResult()
    lines = [0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = _read(path, sample, coding_only, pass_only, out, lines)
    except InputError:
        raise
    except Exception as exc:  # vcfpy raises many types on malformed input
        where = f"line {lines[0] + 1}" if lines[0] else "header"
        first = (str(exc).splitlines() or [""])[0][:120]
        raise InputError.single(where, f"malformed or truncated VCF ({type(exc).__name__}: "
                                f"{first})", source=str(path)) from None
    if out.records == 0:
        raise InputError.single(f"line {lines[0]}", "VCF has a header but no variant records",
                                source=str(path))
    return out


def _read(path: Path, sample: str | None, coding_only: bool, pass_only: bool, out: VcfResult,
          lines: list[int]) -> VcfResult:
    reader = vcfpy.Reader.from_path(str(path))
    with reader:
        header = reader.header
        lines[0] = len(header.lines) + 1
        key, fields = _annotation_layout(header, path)
        names = header.samples.names if header.samples else []
        if sample is not None and sample not in names:
            raise InputError.single("--sample", f"sample {sample!r} not in the VCF; samples: "
                                    f"{', '.join(names) or 'none'}", source=str(path))
        name = sample or (names[0] if len(names) == 1 else path.name.split(".")[0])
        for record in reader:
            lines[0] += 1
            lineno = lines[0]
            out.records += 1
            if pass_only and record.FILTER and record.FILTER not in (["PASS"], ["."]):
                out.skipped["FILTER"] += 1
                continue
            ann = _pick(record.INFO.get(key) or [], fields)
            if ann is None:
                out.skipped["no annotation"] += 1
                continue
            v, noncoding = _variant(ann, key)
            if noncoding and coding_only:
                out.skipped["non-coding"] += 1
                continue
            vaf = _vaf(record, sample or (names[0] if names else None))
            out.by_sample.setdefault(name, []).append(
                Observed(v, f"{path.name}:{lineno}", vaf, None,
                         f"{record.CHROM}:{record.POS} {record.REF}>"
                         f"{','.join(getattr(a, 'value', str(a)) for a in record.ALT)}"))
    return out


def _annotation_layout(header: vcfpy.Header, path: Path) -> tuple[str, list[str]]:
    ids = {line.id for line in header.get_lines("INFO")}
    if "CSQ" in ids:
        desc = header.get_info_field_info("CSQ").description or ""
        if "Format:" not in desc:
            raise InputError.single("header", "INFO CSQ has no 'Format: ...' description",
                                    source=str(path))
        return "CSQ", [f.strip() for f in desc.split("Format:")[1].strip().strip('"').split("|")]
    if "ANN" in ids:
        return "ANN", ANN_FIELDS
    raise InputError.single("header", "no VEP CSQ or snpEff ANN annotation in INFO; annotate the "
                            "VCF first (VEP or snpEff)", source=str(path))


def _pick(entries: list[str], fields: list[str]) -> dict[str, str] | None:
    parsed = [dict(zip(fields, e.split("|"), strict=False)) for e in entries if e]
    if not parsed:
        return None
    for p in parsed:
        if p.get("CANONICAL") == "YES" or p.get("PICK") == "1":
            return p
    for p in parsed:
        if p.get("HGVSp") or p.get("HGVS.p"):
            return p
    return parsed[0]


def _variant(ann: dict[str, str], key: str) -> tuple[Variant, bool]:
    gene = ann.get("SYMBOL") or ann.get("Gene_Name") or ""
    terms = (ann.get("Consequence") or ann.get("Annotation") or "").split("&")
    cons = next((_SO[t] for t in terms if t in _SO), None)
    noncoding = cons is None or cons == "synonymous"
    hgvsp = ann.get("HGVSp") or ann.get("HGVS.p") or ""
    if ":" in hgvsp:  # VEP: ENSP...:p.Val600Glu
        hgvsp = hgvsp.split(":", 1)[1]
    hgvsp = hgvsp.replace("%3D", "=")
    g = normalize_gene(gene)
    if g.symbol is None:
        return Variant(gene or "?", "mutation", hgvsp or "/".join(terms), consequence=cons,
                       problem=g.note), noncoding
    if cons == "deletion":
        return Variant(g.symbol, "deletion", "deletion"), False
    if hgvsp:
        v = normalize(g.symbol, hgvsp)
        if v.problem is None and v.kind == "mutation":
            return v, noncoding
    label = (ann.get("HGVSc") or ann.get("HGVS.c") or terms[0] or "variant").split(":")[-1]
    return Variant(g.symbol, "mutation", label, consequence=cons,
                   note=f"no protein change in {key}"), noncoding


def _vaf(record: vcfpy.Record, sample: str | None) -> float | None:
    if not record.calls:
        return None
    call = next((c for c in record.calls if c.sample == sample), record.calls[0])
    af = call.data.get("AF")
    if isinstance(af, list) and af:
        af = af[0]
    if isinstance(af, int | float):
        return round(float(af), 4)
    ad = call.data.get("AD")
    if isinstance(ad, list) and len(ad) >= 2 and all(isinstance(x, int) for x in ad[:2]):
        depth = sum(x for x in ad if isinstance(x, int))
        return round(ad[1] / depth, 4) if depth else None
    return None
