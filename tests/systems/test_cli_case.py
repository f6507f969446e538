"""CLI contract (DESIGN.md) and case -> genotype mapping."""

import json

import pytest
import typer
from typer.testing import CliRunner

from nenboard.errors import InputError
from nenboard.systems import data as sysdata
from nenboard.systems.case import genotypes_from_case_dict
from nenboard.systems.cli import app

root = typer.Typer()
root.add_typer(app, name="simulate")
runner = CliRunner()


def test_pathway_json_contract():
    res = runner.invoke(root, ["simulate", "pathway", "--drug", "Everolimus", "--genotype",
                               "PTEN_loss", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    for k in ("pAKT_S473", "pAKT_T308", "pS6K", "pERK"):
        assert 0 <= doc["readouts"]["baseline"][k] <= 1
        assert doc["fold_change"][k] == pytest.approx(
            doc["readouts"]["treated"][k] / doc["readouts"]["baseline"][k], rel=1e-2)
    assert "end of simulated window" in doc["window"]
    assert "not a clinical recommendation" in doc["disclaimer"]


def test_unknown_drug_raises_input_error():
    res = runner.invoke(root, ["simulate", "pathway", "--drug", "everolimu"])
    assert isinstance(res.exception, InputError)


def test_case_file_and_png(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("molecular:\n  alterations:\n    - {gene: TSC2, alteration: truncating}\n"
                    "    - {gene: MYC, alteration: amplification}\n")
    res = runner.invoke(root, ["simulate", "pathway", "--drug", "everolimus", "--case",
                               str(case), "--format", "json"])
    doc = json.loads(res.output)
    assert doc["genotype"] == ["TSC2_loss"]
    assert doc["unmapped_alterations"][0]["gene"] == "MYC"
    png = tmp_path / "p.png"
    res = runner.invoke(root, ["simulate", "pathway", "--drug", "everolimus", "--format", "png",
                               "-o", str(png)])
    assert res.exit_code == 0 and png.read_bytes()[:4] == b"\x89PNG"


def test_trial_and_export(tmp_path):
    res = runner.invoke(root, ["simulate", "trial", "--sequence", "ssa,prrt,everolimus",
                               "--patients", "2000", "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert len(doc["lines"]) == 3 and doc["calibration"]["max_relative_error"] <= 0.10
    out = tmp_path / "m.xml"
    assert runner.invoke(root, ["simulate", "export-sbml", "-o", str(out)]).exit_code == 0
    assert "<sbml" in out.read_text()


def test_rank_case_json():
    res = runner.invoke(root, ["simulate", "rank", "--genotype", "KRAS_activating",
                               "--max-size", "1", "--format", "json"])
    doc = json.loads(res.output)
    assert doc["ranking"][0]["rank"] == 1


@pytest.mark.parametrize("gene,alt,expected", [
    ("TSC2", "loss", "TSC2_loss"), ("TSC2", "R1200*", "TSC2_loss"),
    ("PIK3CA", "H1047R", "PIK3CA_activating"), ("KRAS", "G12D", "KRAS_activating"),
    ("KRAS", "G12C", "KRAS_activating"), ("BRAF", "V600E", "BRAF_activating"),
    ("PTEN", "deletion", "PTEN_loss"), ("NF1", "loss", "NF1_loss"),
    ("FGFR4", "G388R", "FGFR4_G388R"), ("BRAF", "amplification", None),
])
def test_genotypes_from_case_dict(gene, alt, expected):
    kb = sysdata.load()
    found, unmapped = genotypes_from_case_dict(
        {"molecular": {"alterations": [{"gene": gene, "alteration": alt}]}}, kb.genotypes)
    assert [g.id for g in found] == ([expected] if expected else [])
    assert bool(unmapped) == (expected is None)
