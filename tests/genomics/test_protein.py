"""Protein-change parsing and alteration normalisation, incl. property tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nenboard.genomics.model import Variant
from nenboard.genomics.normalize import normalize
from nenboard.genomics.protein import THREE_TO_ONE, parse_protein_change
from nenboard.genomics.symbols import normalize_gene

ONE_TO_THREE = {v: k.capitalize() for k, v in THREE_TO_ONE.items() if k not in ("XAA",)}
AA = "ACDEFGHIKLMNPQRSTVWY"


@pytest.mark.parametrize(("text", "canonical", "consequence"), [
    ("V600E", "V600E", "missense"), ("p.V600E", "V600E", "missense"),
    ("p.Val600Glu", "V600E", "missense"), ("Val600Glu", "V600E", "missense"),
    ("p.(Val600Glu)", "V600E", "missense"), ("v600e", "V600E", "missense"),
    ("G12C", "G12C", "missense"), ("p.Gly12Cys", "G12C", "missense"),
    ("R1450*", "R1450*", "nonsense"), ("p.Arg1450Ter", "R1450*", "nonsense"),
    ("p.R1450X", "R1450*", "nonsense"), ("p.K120fs", "K120fs", "frameshift"),
    ("p.Lys120fs*5", "K120fs", "frameshift"), ("p.K120Rfs*5", "K120fs", "frameshift"),
    ("p.E746_A750del", "E746_A750del", "inframe_del"),
    ("p.A767_V769dup", "A767_V769dup", "dup"),
    ("p.D770_N771insSVD", "D770_N771insSVD", "inframe_ins"),
    ("p.L747_T751delinsP", "L747_T751delinsP", "inframe_delins"),
    ("p.X123_splice", "X123_splice", "splice"), ("p.M1?", "M1?", "start_lost"),
    ("p.Met1Ile", "M1I", "start_lost"), ("p.G12=", "G12=", "synonymous"),
    ("p.*394Qext*?", "*394Qext", "stop_lost"),
])
def test_protein_changes(text: str, canonical: str, consequence: str) -> None:
    pc = parse_protein_change(text)
    assert pc is not None, text
    assert (pc.canonical, pc.consequence) == (canonical, consequence)


@pytest.mark.parametrize("text", ["", "xyz", "loss", "p.V600", "V600?", "c.1799T>A",
                                  "amplification", "600E", "p.", "EWSR1::FLI1"])
def test_not_protein_changes(text: str) -> None:
    assert parse_protein_change(text) is None


@given(st.text(max_size=40))
@settings(max_examples=400, deadline=None)
def test_parser_never_raises(text: str) -> None:
    pc = parse_protein_change(text)
    if pc is not None:  # canonical forms are fixed points
        assert parse_protein_change(pc.canonical) == pc


@given(st.sampled_from(AA), st.integers(1, 5000), st.sampled_from(AA + "*"))
@settings(max_examples=300, deadline=None)
def test_one_and_three_letter_agree(ref: str, pos: int, alt: str) -> None:
    three = f"p.{ONE_TO_THREE[ref]}{pos}{ONE_TO_THREE[alt] if alt != '*' else 'Ter'}"
    a, b = parse_protein_change(f"{ref}{pos}{alt}"), parse_protein_change(three)
    assert a is not None and a == b


@given(st.text(max_size=20), st.text(max_size=40),
       st.one_of(st.none(), st.text(max_size=12), st.sampled_from(
           ["mutation", "expression", "amplification", "fusion", "methylation"])))
@settings(max_examples=400, deadline=None)
def test_normalize_never_raises(gene: str, alteration: str, kind: str | None) -> None:
    v = normalize(gene, alteration, kind)
    assert isinstance(v, Variant)
    assert (v.problem is None) == (v.kind is not None)  # unrecognised <=> no kind


@pytest.mark.parametrize(("gene", "symbol"), [
    ("RB", "RB1"), ("p53", "TP53"), ("c-KIT", "KIT"), ("cKIT", "KIT"), ("mTOR", "MTOR"),
    ("HER2", "ERBB2"), ("MLL2", "KMT2D"), ("braf", "BRAF"), ("PD-L1", "CD274"), ("TP53", "TP53"),
    ("C11orf65", "C11orf65"), ("msi-h", "MSI"),
])
def test_gene_aliases(gene: str, symbol: str) -> None:
    assert normalize_gene(gene).symbol == symbol


@pytest.mark.parametrize("gene", ["PI3K", "AKT", "PDGFR", "NOTAGENE", "", "  "])
def test_unknown_or_ambiguous_genes_are_named(gene: str) -> None:
    res = normalize_gene(gene)
    assert res.symbol is None and res.note


@pytest.mark.parametrize(("gene", "text", "kind", "expect"), [
    ("BRAF", "p.Val600Glu", None, ("mutation", "V600E")),
    ("MYC", "amplification", None, ("amplification", "amplification")),
    ("MYC", "Amplified", None, ("amplification", "amplification")),
    ("RB", "loss", None, ("loss", "loss")),
    ("RB1", "homozygous deletion", None, ("deletion", "deletion")),
    ("RB1", "LOH", None, ("shallow_loss", "shallow loss")),
    ("EWSR1", "EWSR1::FLI1", None, ("fusion", "EWSR1::FLI1")),
    ("FLI1", "EWSR1-FLI1 fusion", None, ("fusion", "EWSR1::FLI1")),
    ("DLL3", "positive", "expression", ("expression", "positive")),
    ("RB1", "loss", "expression", ("expression", "loss")),
    ("BCL2", "overexpression", None, ("expression", "high")),
    ("MGMT", "promoter methylation", None, ("methylation", "promoter methylated")),
    ("TSC2", "truncating", None, ("mutation", "truncating mutation")),
    ("MSI", "MSI-H", None, ("signature", "high")),
    ("TMB", "12.5", None, ("signature", "12.5 mut/Mb")),
    ("TSC2", "c.4375C>T", None, ("mutation", "c.4375C>T")),
])
def test_alteration_forms(gene: str, text: str, kind: str | None, expect: tuple[str, str]) -> None:
    v = normalize(gene, text, kind)
    assert v.problem is None, v.problem
    assert (v.kind, v.alteration) == expect


@pytest.mark.parametrize(("gene", "text", "kind"), [
    ("BRAF", "xyz", None), ("NOTAGENE", "V600E", None), ("TMB", "high-ish", None),
    ("MSI", "maybe", None), ("BRAF", "V600E", "banana"), ("EWSR1", "ALK::FLI1", None),
    ("BRAF", "", None),
])
def test_unreadable_alterations_are_visible(gene: str, text: str, kind: str | None) -> None:
    v = normalize(gene, text, kind)
    assert v.problem and v.kind is None
