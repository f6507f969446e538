"""Normalise alterations as reports write them into `Variant` records.

Accepted forms (case-insensitive): a protein change (``V600E``, ``p.V600E``,
``p.Val600Glu``, ``R1450*``, ``K120fs``), a cDNA change (``c.1234+1G>A``),
a class word (mutation, truncating, activating, ...), amplification / gain,
deletion / loss / LOH, a fusion (``EWSR1::FLI1``, ``EWSR1-FLI1 fusion``,
``fusion``), expression / IHC results (positive, negative, loss, high,
overexpression, aberrant, ...), promoter methylation, and signatures (MSI
high/stable, TMB number). Anything else becomes a `Variant` with ``problem``
set, which the engine shows as "unrecognised": never silence, never a crash.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from nenboard.genomics import protein
from nenboard.genomics.model import Observed, Variant
from nenboard.genomics.symbols import normalize_gene

# Words of the report vocabulary -> (kind, value). Vocabulary, not clinical knowledge.
_WORDS: dict[str, tuple[str, str | None]] = {}
for _words, _kv in (
    (("amplification", "amplified", "amp", "high-level amplification", "high level amplification",
      "copy number amplification", "focal amplification"), ("amplification", None)),
    (("gain", "copy gain", "copy number gain", "low-level gain", "low level gain"), ("gain", None)),
    (("deletion", "homozygous deletion", "deep deletion", "homdel", "biallelic deletion",
      "biallelic loss", "del", "deleted", "copy number loss (homozygous)"), ("deletion", None)),
    (("loss", "loss of function", "lof", "inactivation", "inactivated", "inactivating",
      "knockout", "bi-allelic inactivation", "biallelic inactivation"), ("loss", None)),
    (("loh", "loss of heterozygosity", "shallow deletion", "heterozygous deletion",
      "heterozygous loss", "hetloss", "single-copy loss", "single copy loss"),
     ("shallow_loss", None)),
    (("fusion", "rearrangement", "rearranged", "translocation", "structural variant"),
     ("fusion", None)),
    (("mutation", "mutated", "mut", "mutant", "variant", "pathogenic variant", "snv", "indel",
      "likely pathogenic variant"), ("mutation", None)),
    (("truncating", "truncating mutation", "nonsense", "frameshift", "splice", "splice site",
      "stop gain", "stop gained"), ("mutation", "truncating")),
    (("activating", "activating mutation", "gain of function", "gof", "hotspot",
      "missense"), ("mutation", "activating")),
    (("positive", "pos", "expressed", "expression", "+"), ("expression", "positive")),
    (("overexpression", "overexpressed", "high", "high expression", "strong"),
     ("expression", "high")),
    (("low", "low expression", "weak", "reduced expression"), ("expression", "low")),
    (("negative", "neg", "absent", "not expressed", "-"), ("expression", "negative")),
    (("loss of expression", "expression loss", "protein loss", "loss (ihc)", "lost"),
     ("expression", "loss")),
    (("retained", "intact", "preserved"), ("expression", "retained")),
    (("aberrant", "mutant pattern", "mutant-type", "aberrant pattern"), ("expression", "aberrant")),
    (("wild_type", "wild type", "wild-type", "wildtype", "wt"), ("expression", "wild_type")),
    (("deficient", "deficiency"), ("expression", "deficient")),
    (("proficient",), ("expression", "proficient")),
    (("methylated", "promoter methylation", "hypermethylated", "hypermethylation",
      "promoter hypermethylation", "methylation"), ("methylation", "methylated")),
    (("unmethylated", "not methylated", "no methylation"), ("methylation", "unmethylated")),
):
    for _w in _words:
        _WORDS[_w] = _kv

_EXPLICIT_KINDS = {"mutation", "amplification", "gain", "deletion", "loss", "shallow_loss",
                   "fusion", "expression", "methylation", "signature", "ihc", "cna", "cnv",
                   "snv", "indel", "sv", "rearrangement", "copy_number"}
_MSI_VALUES = {"high": "high", "h": "high", "msi-h": "high", "msih": "high", "msi high": "high",
               "msi-high": "high", "unstable": "high", "stable": "stable", "mss": "stable",
               "msi-l": "low", "msi-low": "low", "low": "low", "msil": "low"}
_FUSION = re.compile(r"^\s*([A-Za-z0-9.]+)\s*(?:::|--|-|/|_|\s+)\s*([A-Za-z0-9.]+)"
                     r"(?:\s+(?:fusion|rearrangement|translocation))?\s*$")
_CDNA = re.compile(r"^c\.[-*]?\d+[0-9_+\-*]*[ACGTacgt]*(?:>[ACGTacgt]+|del\w*|dup\w*|ins\w*)?$")
_GERMLINE_WORDS = ("germline ", "germ-line ", "constitutional ")
_KIND_CANON = {"ihc": "expression", "snv": "mutation", "indel": "mutation", "sv": "fusion",
               "rearrangement": "fusion", "cna": None, "cnv": None, "copy_number": None}

_HELP = ("expected a protein change (V600E, p.Val600Glu, R1450*), amplification, deletion/loss, "
         "a fusion (EWSR1::FLI1), expression (positive/negative/high/loss), methylation, "
         "or a signature value")


def _unrecognised(gene: str, text: str, why: str) -> Variant:
    return Variant(gene=gene, kind=None, alteration=text.strip() or "?", problem=why)


@lru_cache(maxsize=262144)
def normalize(gene_text: str, alteration_text: str, kind: str | None = None) -> Variant:
    """One alteration as written -> `Variant`. Never raises."""
    g = normalize_gene(gene_text if isinstance(gene_text, str) else "")
    text = alteration_text.strip() if isinstance(alteration_text, str) else ""
    gene = g.symbol or (gene_text.strip() if isinstance(gene_text, str) else "") or "?"
    if g.symbol is None:
        return _unrecognised(gene, text, g.note or "unknown gene")
    if not text:
        return _unrecognised(gene, text, "empty alteration; " + _HELP)
    want = None
    if kind:
        k = kind.strip().lower().replace(" ", "_")
        if k not in _EXPLICIT_KINDS:
            return _unrecognised(gene, text, f"unknown kind {kind!r}; allowed: "
                                 + ", ".join(sorted(_EXPLICIT_KINDS)))
        want = _KIND_CANON.get(k, k)
    v = _read(gene, text, want)
    if g.note and v.problem is None:
        v = Variant(**{**_fields(v), "note": g.note})
    return v


def _fields(v: Variant) -> dict[str, Any]:
    return {name: getattr(v, name) for name in Variant.__slots__}


def _read(gene: str, text: str, want: str | None) -> Variant:
    low = " ".join(text.lower().split())
    # Signatures (MSI / TMB / MMR pseudo-genes)
    if gene == "MSI":
        val = _MSI_VALUES.get(low)
        if val is None:
            return _unrecognised(gene, text, "MSI status must be high or stable (MSI-H, MSS)")
        return Variant(gene, "signature", val, value=val)
    if gene == "TMB":
        num = _number(low.removesuffix("mut/mb").removesuffix("mutations/mb").strip())
        if num is None or num < 0:
            return _unrecognised(gene, text, "TMB must be a non-negative number (mutations/Mb)")
        return Variant(gene, "signature", f"{num:g} mut/Mb", number=num)
    # Protein changes first (they are the most common)
    pc = protein.parse_protein_change(text)
    if pc is not None and want in (None, "mutation"):
        return Variant(gene, "mutation", pc.canonical, variant=pc.canonical,
                       consequence=pc.consequence)
    if _CDNA.match(text.strip()) and want in (None, "mutation"):
        cons = "splice" if re.search(r"\d[+-]\d", text) else None
        return Variant(gene, "mutation", text.strip(), consequence=cons,
                       note="cDNA change; protein consequence not given")
    # Fusions with a partner
    fusion = _fusion(gene, text)
    if fusion is not None and want in (None, "fusion"):
        return fusion
    word = _WORDS.get(low)
    if word is None and low.startswith(_GERMLINE_WORDS):
        return _unrecognised(gene, text, "write germline as 'germline: true', not in the text")
    if word is None:
        num = _number(low)
        if num is not None and want == "expression":
            return Variant(gene, "expression", f"{num:g}", number=num)
        return _unrecognised(gene, text, f"cannot read alteration {text!r}; " + _HELP)
    k, value = word
    if want is not None and want != k:
        k, value = _coerce(want, k, value)
        if k is None:
            return _unrecognised(gene, text, f"{text!r} is not a {want} result")
    if k == "mutation":
        label = {"truncating": "truncating mutation", "activating": "activating mutation"}
        return Variant(gene, "mutation", label.get(value or "", "mutation"), consequence=value)
    if k == "fusion":
        return Variant(gene, "fusion", "fusion")
    if k in ("expression", "methylation"):
        shown = value if k == "expression" else f"promoter {value}"
        return Variant(gene, k, shown or "", value=value)
    return Variant(gene, k, k.replace("_", " "))


def _coerce(want: str, k: str, value: str | None) -> tuple[str | None, str | None]:
    """Resolve words that depend on the stated kind ("loss" as IHC result, ...)."""
    if want == "expression" and k in ("loss", "deletion"):
        return "expression", "loss"
    if want == "expression" and k == "methylation":
        return None, None
    if want in ("deletion", "loss", "shallow_loss", "amplification", "gain") and k in (
            "deletion", "loss", "shallow_loss", "amplification", "gain"):
        return k, value
    if want == "methylation" and k == "expression" and value in ("positive", "high"):
        return "methylation", "methylated"
    if want == "methylation" and k == "expression" and value in ("negative",):
        return "methylation", "unmethylated"
    if want == "mutation" and k == "mutation":
        return k, value
    return None, None


def _fusion(gene: str, text: str) -> Variant | None:
    m = _FUSION.match(text)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    ga, gb = normalize_gene(a), normalize_gene(b)
    if ga.symbol is None or gb.symbol is None:
        return None
    if gene not in (ga.symbol, gb.symbol):
        return Variant(gene, None, f"{ga.symbol}::{gb.symbol}",
                       problem=f"fusion {text!r} does not involve {gene}")
    partner = gb.symbol if ga.symbol == gene else ga.symbol
    return Variant(gene, "fusion", f"{ga.symbol}::{gb.symbol}", partner=partner)


def _number(text: str) -> float | None:
    try:
        num = float(text)
    except ValueError:
        return None
    return num if math.isfinite(num) else None


# -- the case's molecular section ----------------------------------------------------------

def observed_from_case(molecular: Any) -> list[Observed]:
    """Every alteration the case states: alterations, MSI, TMB, IHC, MGMT, PD-L1 CPS."""
    out: list[Observed] = []
    for i, alt in enumerate(molecular.alterations or []):
        v = normalize(alt.gene, alt.alteration, alt.kind)
        out.append(Observed(v, f"molecular.alterations[{i}]", alt.vaf, alt.germline,
                            f"{alt.gene} {alt.alteration}"))
    if molecular.msi is not None:
        out.append(Observed(normalize("MSI", molecular.msi), "molecular.msi", raw=molecular.msi))
    if molecular.tmb is not None:
        out.append(Observed(normalize("TMB", str(molecular.tmb)), "molecular.tmb",
                            raw=str(molecular.tmb)))
    for marker, result in (molecular.ihc or {}).items():
        v = normalize(marker, result, "expression")
        out.append(Observed(v, f"molecular.ihc.{marker}", raw=f"{marker}: {result}"))
    if molecular.mgmt_promoter is not None:
        out.append(Observed(normalize("MGMT", molecular.mgmt_promoter, "methylation"),
                            "molecular.mgmt_promoter", raw=molecular.mgmt_promoter))
    if molecular.pdl1_cps is not None:
        v = Variant("CD274", "expression", f"CPS {molecular.pdl1_cps:g}",
                    number=float(molecular.pdl1_cps), value="cps")
        out.append(Observed(v, "molecular.pdl1_cps", raw=str(molecular.pdl1_cps)))
    return out
