"""Gene-symbol normalisation: approved HGNC symbols and common aliases.

The tables are data (``genomics/data/``, each with its provenance): approved
symbols in ``hgnc_symbols.txt`` and aliases in ``gene_aliases.tsv``. An approved
symbol always wins over an alias. Matching ignores case, spaces and hyphens
(``c-KIT`` = ``CKIT``), except that an exact approved symbol is returned as is.
Signature pseudo-genes (MSI, TMB, MMR) are recognised for biomarker matching.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# Pseudo-genes for genome-wide signatures; not HGNC symbols (vocabulary, not knowledge).
SIGNATURES = ("MSI", "TMB", "MMR")
_SIGNATURE_ALIASES = {"MSI": "MSI", "MSIH": "MSI", "MSIHIGH": "MSI", "MICROSATELLITEINSTABILITY":
                      "MSI", "TMB": "TMB", "TUMORMUTATIONALBURDEN": "TMB", "MMR": "MMR",
                      "DMMR": "MMR", "MISMATCHREPAIR": "MMR"}
# Family names that do not identify one gene: never mapped silently.
AMBIGUOUS = {"PI3K": "PIK3CA, PIK3CB, PIK3CD, PIK3R1, ...", "AKT": "AKT1, AKT2, AKT3",
             "PDGFR": "PDGFRA, PDGFRB", "RAS": "KRAS, NRAS, HRAS", "RAF": "ARAF, BRAF, RAF1",
             "BRCA": "BRCA1, BRCA2", "IDH": "IDH1, IDH2", "FGFR": "FGFR1-4",
             "SSTR": "SSTR1-5", "MEK": "MAP2K1, MAP2K2", "ERK": "MAPK1, MAPK3",
             "HIF": "HIF1A, EPAS1", "CDK46": "CDK4, CDK6"}


@dataclass(frozen=True, slots=True)
class GeneResult:
    symbol: str | None
    note: str | None = None  # how it was resolved, or why not


def _key(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch not in " -_/")


@lru_cache(maxsize=1)
def approved_symbols() -> frozenset[str]:
    lines = (DATA / "hgnc_symbols.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (DATA / "gene_aliases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alias, symbol, *_ = line.split("\t")
        table[_key(alias)] = symbol
    return table


@lru_cache(maxsize=1)
def _approved_by_key() -> dict[str, str]:
    return {_key(s): s for s in approved_symbols()}


@lru_cache(maxsize=65536)
def normalize_gene(text: str) -> GeneResult:
    """The approved symbol for ``text`` (symbol, alias or signature), or None with a reason."""
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        return GeneResult(None, "empty gene symbol")
    if raw in approved_symbols():
        return GeneResult(raw)
    key = _key(raw)
    if key in _SIGNATURE_ALIASES:
        return GeneResult(_SIGNATURE_ALIASES[key])
    found = _approved_by_key().get(key)
    if found:
        return GeneResult(found)
    alias = aliases().get(key)
    if alias:
        return GeneResult(alias, f"{raw} -> {alias} (alias)")
    if key in AMBIGUOUS:
        return GeneResult(None, f"{raw!r} names a gene family ({AMBIGUOUS[key]}); "
                                "give the gene symbol")
    return GeneResult(None, f"{raw!r} is not a gene symbol nenboard knows (HGNC table "
                            "genomics/data/hgnc_symbols.txt)")


def is_symbol_like(text: str) -> bool:
    """True for strings shaped like an HGNC symbol (used for file inputs)."""
    return bool(text) and len(text) <= 30 and text[0].isalnum() and all(
        ch.isalnum() or ch in "-._" for ch in text)
