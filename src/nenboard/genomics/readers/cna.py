"""Copy-number inputs: GISTIC-style gene x sample tables and called segments (.seg).

GISTIC values: 2 = amplification, -2 = deep (homozygous) deletion, 1 = low-level
gain, -1 = shallow (single-copy) loss, 0 = neutral, NA/blank = not profiled.
Low-level calls are reported only with ``include_low`` and never match an
amplification/deletion assertion. Segment files need gene loci (chrom, start,
end; same genome build) to be called per gene; the log2 thresholds are
technical defaults, not clinical knowledge, and can be changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nenboard.errors import InputError
from nenboard.genomics.model import Observed, Variant
from nenboard.genomics.normalize import normalize
from nenboard.genomics.readers.table import read_table

GISTIC = {"2": "amplification", "-2": "deletion", "1": "gain", "-1": "shallow_loss", "0": None}
_GISTIC_NUM = {2.0: "2", -2.0: "-2", 1.0: "1", -1.0: "-1", 0.0: "0"}


@dataclass
class CnaResult:
    by_sample: dict[str, list[Observed]] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)     # profiled samples
    fraction_altered: dict[str, float] = field(default_factory=dict)  # .seg only


def _cna_variant(gene: str, kind: str) -> Variant:
    v = normalize(gene, kind.replace("_", " ") if kind != "shallow_loss" else "shallow deletion")
    return v


def read_cna_table(path: Path, *, include_low: bool = False) -> CnaResult:
    path = Path(path)
    table, rows = read_table(path, what="CNA table")
    gi = table.need("gene", "Hugo_Symbol", "Gene Symbol", "gene")
    skip = {gi}
    for extra in ("Entrez_Gene_Id", "Locus ID", "Cytoband"):
        i = table.find(extra)
        if i is not None:
            skip.add(i)
    samples = [(i, h) for i, h in enumerate(table.header) if i not in skip]
    if not samples:
        raise InputError.single(f"line {table.header_line}", "no sample columns after the gene "
                                "column", source=str(path))
    out = CnaResult(samples=[s for _, s in samples])
    name = path.name
    for lineno, f in rows:
        gene = f[gi].strip()
        for i, sample in samples:
            raw = f[i].strip()
            if raw in ("", "NA", "NaN", "nan"):
                continue
            code = raw if raw in GISTIC else _GISTIC_NUM.get(_float(raw, path, lineno, sample))
            if code is None:
                raise InputError.single(f"line {lineno}", f"value {raw!r} for sample {sample} is "
                                        "not a GISTIC call (-2, -1, 0, 1, 2)", source=str(path))
            kind = GISTIC[code]
            if kind is None or (kind in ("gain", "shallow_loss") and not include_low):
                continue
            out.by_sample.setdefault(sample, []).append(
                Observed(_cna_variant(gene, kind), f"{name}:{lineno}", raw=f"{gene} {raw}"))
    return out


def _float(raw: str, path: Path, lineno: int, sample: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise InputError.single(f"line {lineno}", f"value {raw!r} for sample {sample} is not a "
                                "number", source=str(path)) from None


@dataclass(frozen=True)
class SegThresholds:
    amplification: float = 1.0   # log2 ratio >= (about >= 4 copies in a pure diploid tumor)
    deletion: float = -1.0       # log2 ratio <=
    gain: float = 0.3
    loss: float = -0.3


def read_seg(path: Path, loci: dict[str, tuple[str, int, int]] | None = None, *,
             thresholds: SegThresholds | None = None, include_low: bool = False) -> CnaResult:
    """Segments -> per-gene calls at ``loci`` and each sample's fraction of genome altered."""
    path = Path(path)
    th = thresholds or SegThresholds()
    table, rows = read_table(path, what="segment file")
    si = table.need("sample", "ID", "Sample", "sample")
    ci = table.need("chromosome", "chrom", "chromosome", "Chromosome")
    bi = table.need("start", "loc.start", "start", "Start")
    ei = table.need("end", "loc.end", "end", "End")
    mi = table.need("log2 ratio", "seg.mean", "Segment_Mean", "log2")
    out = CnaResult()
    total: dict[str, float] = {}
    altered: dict[str, float] = {}
    calls: dict[tuple[str, str], tuple[float, int]] = {}
    by_chrom: dict[str, list[tuple[str, int, int]]] = {}
    for gene, (chrom, start, end) in (loci or {}).items():
        by_chrom.setdefault(_chrom(chrom), []).append((gene, start, end))
    for lineno, f in rows:
        sample = f[si].strip()
        try:
            start, end, mean = int(float(f[bi])), int(float(f[ei])), float(f[mi])
        except ValueError:
            raise InputError.single(f"line {lineno}", "start, end and seg.mean must be numbers",
                                    source=str(path)) from None
        if end < start:
            raise InputError.single(f"line {lineno}", f"segment end {end} before start {start}",
                                    source=str(path))
        length = end - start + 1
        total[sample] = total.get(sample, 0) + length
        if mean >= th.gain or mean <= th.loss:
            altered[sample] = altered.get(sample, 0) + length
        for gene, gs, ge in by_chrom.get(_chrom(f[ci]), ()):
            if start <= ge and end >= gs:
                key = (sample, gene)
                prev = calls.get(key)
                if prev is None or abs(mean) > abs(prev[0]):
                    calls[key] = (mean, lineno)
    out.samples = sorted(total)
    out.fraction_altered = {s: round(altered.get(s, 0) / t, 4) for s, t in total.items() if t}
    for (sample, gene), (mean, lineno) in sorted(calls.items()):
        kind = ("amplification" if mean >= th.amplification else "deletion"
                if mean <= th.deletion else "gain" if mean >= th.gain else "shallow_loss"
                if mean <= th.loss else None)
        if kind is None or (kind in ("gain", "shallow_loss") and not include_low):
            continue
        out.by_sample.setdefault(sample, []).append(
            Observed(_cna_variant(gene, kind), f"{path.name}:{lineno}",
                     raw=f"{gene} seg.mean {mean:g}"))
    return out


def _chrom(c: str) -> str:
    return c.strip().removeprefix("chr").upper()
