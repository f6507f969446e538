"""One genotype reader: `simulate --case` reads a case as `nenboard molecular` does (issue 13.9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nenboard.case.model import Case
from nenboard.cli import app as root
from nenboard.genomics import annotate_case
from nenboard.interface import load_case
from nenboard.knowledge import default_kb
from nenboard.systems import data as sysdata
from nenboard.systems.case import genotypes_for_case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases"
runner = CliRunner()


def _case(gene: str, alteration: str, **tumor: str) -> Case:
    return Case.model_validate({"tumor": {"primary_site": "pancreas", "differentiation": "well",
                                          "ki67": 5, **tumor},
                                "molecular": {"alterations": [{"gene": gene,
                                                               "alteration": alteration}]}})


def test_tsc2_nonsense_case_is_tsc2_loss_for_both_engines() -> None:
    kb = default_kb()
    case = load_case(EXAMPLES / "pannet_tsc2_loss.yaml")
    profile = annotate_case(case, kb)
    tsc2 = next(a for a in profile.alterations if a.observed.variant.gene == "TSC2")
    assert "tsc2-loss-everolimus-net" in tsc2.annotation.assertions  # molecular: loss of function
    found, _ = genotypes_for_case(case, kb, sysdata.load().genotypes)
    assert [g.id for g in found] == ["TSC2_loss"]                    # systems: the same reading


def test_simulate_case_cli_reads_tsc2_loss() -> None:
    res = runner.invoke(root, ["simulate", "pathway", "--drug", "everolimus", "--case",
                               str(EXAMPLES / "pannet_tsc2_loss.yaml"), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["genotype"] == ["TSC2_loss"]


@pytest.mark.parametrize("gene,alteration,expected", [
    ("TSC2", "p.Arg1459Ter", "TSC2_loss"),       # nonsense, three-letter
    ("TSC2", "p.Gln1503fs", "TSC2_loss"),        # frameshift
    ("TSC2", "truncating", "TSC2_loss"),
    ("NF1", "splice", "NF1_loss"),
    ("PTEN", "homozygous deletion", "PTEN_loss"),
    ("TSC2", "p.Arg611Gln", None),               # missense: not loss of function
    ("PTEN", "amplification", None),              # amplification is not loss
    ("BRAF", "amplification", None),              # model represents V600 activation only
    ("BRAF", "KIAA1549::BRAF", None),             # fusion: not represented
    ("KRAS", "p.Gly12Asp", "KRAS_activating"),
    ("PIK3CA", "p.His1047Arg", "PIK3CA_activating"),
])
def test_variant_classes_agree_with_genomics(gene: str, alteration: str,
                                             expected: str | None) -> None:
    kb = default_kb()
    case = _case(gene, alteration)
    found, unmapped = genotypes_for_case(case, kb, sysdata.load().genotypes)
    assert [g.id for g in found] == ([expected] if expected else [])
    if expected is None:
        assert unmapped and unmapped[0]["gene"] == gene and unmapped[0]["reason"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_loss_genomics_reads_is_a_loss_genotype(path: Path) -> None:
    """Where genomics matches a loss-of-function assertion of a modelled gene, so does systems."""
    kb = default_kb()
    case = load_case(path)
    genotypes = sysdata.load().genotypes
    modelled_loss = {g.gene for g in genotypes.values() if g.match.klass == "loss"}
    found = {g.id for g in genotypes_for_case(case, kb, genotypes)[0]}
    for alt in annotate_case(case, kb).alterations:
        gene = alt.observed.variant.gene
        lof = any(kb.biomarkers[m.assertion].match.variant_class == "loss_of_function"
                  or kb.biomarkers[m.assertion].match.kind in ("loss", "deletion")
                  for m in alt.annotation.matches)
        if gene in modelled_loss and lof:
            assert f"{gene}_loss" in found
