"""Gene-status tables: one row per sample, one column per gene, a short code per cell.

As in the GENIE PanNET table (``genie_public_meta.tsv``: MEN1, DAXX, ATRX, TP53 with
MIS / NON / SPLICE / DEL / NA). Gene columns are the headers that are gene symbols
(or those named in ``genes``). What an empty/NA cell means is the caller's choice:
``na_is_wildtype=True`` counts the sample as profiled and unaltered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nenboard.errors import InputError
from nenboard.genomics.model import Observed, Variant
from nenboard.genomics.readers.table import read_table
from nenboard.genomics.symbols import approved_symbols, normalize_gene

# code -> (kind, consequence, label). DEL/INS are small indels of unstated frame.
CODES: dict[str, tuple[str, str | None, str]] = {
    "MIS": ("mutation", "missense", "missense"), "MISSENSE": ("mutation", "missense", "missense"),
    "NON": ("mutation", "nonsense", "nonsense"), "NONSENSE": ("mutation", "nonsense", "nonsense"),
    "SPLICE": ("mutation", "splice", "splice site"), "FS": ("mutation", "frameshift", "frameshift"),
    "DEL": ("mutation", None, "small deletion (indel)"),
    "INS": ("mutation", None, "small insertion (indel)"),
    "TRUNC": ("mutation", "truncating", "truncating"), "MUT": ("mutation", None, "mutation"),
    "AMP": ("amplification", None, "amplification"), "HOMDEL": ("deletion", None, "deletion"),
}
EMPTY = {"", "NA", "NAN", "WT", "0", "-", "NONE"}


@dataclass
class StatusResult:
    genes: list[str]
    samples: list[str] = field(default_factory=list)          # samples with >= 1 assessed gene
    by_sample: dict[str, list[Observed]] = field(default_factory=dict)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # sample -> all columns


def read_status_table(path: Path, genes: list[str] | None = None, *,
                      na_is_wildtype: bool = False) -> StatusResult:
    path = Path(path)
    table, rows = read_table(path, what="gene-status table")
    si = table.need("sample id", "Sample ID", "SAMPLE_ID", "Tumor_Sample_Barcode", "sample")
    symbols = approved_symbols()
    cols = [(i, h) for i, h in enumerate(table.header)
            if (h in genes if genes else h in symbols)]
    if not cols:
        raise InputError.single(f"line {table.header_line}", "no gene columns found (headers "
                                "that are gene symbols)", source=str(path))
    out = StatusResult(genes=[normalize_gene(h).symbol or h for _, h in cols])
    for lineno, f in rows:
        sample = f[si].strip()
        out.rows[sample] = dict(zip(table.header, f, strict=True))
        assessed = False
        for (i, header), gene in zip(cols, out.genes, strict=True):
            raw = f[i].strip()
            code = raw.upper()
            if code in EMPTY:
                assessed = assessed or na_is_wildtype or code not in ("", "NA", "NAN")
                continue
            assessed = True
            for part in code.replace(";", ",").split(","):
                part = part.strip()
                if part not in CODES:
                    raise InputError.single(f"line {lineno}", f"{header}: unknown status code "
                                            f"{raw!r}; known: {', '.join(CODES)}, NA",
                                            source=str(path))
                kind, cons, label = CODES[part]
                v = Variant(gene, kind, label, consequence=cons)
                out.by_sample.setdefault(sample, []).append(
                    Observed(v, f"{path.name}:{lineno}", raw=f"{header} {raw}"))
        if assessed:
            out.samples.append(sample)
    return out
