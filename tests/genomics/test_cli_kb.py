"""CLI contract (`nenboard molecular`) and the curated records' quotes and tiers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from nenboard.cli import main
from nenboard.genomics.symbols import SIGNATURES, approved_symbols
from nenboard.knowledge.loader import DATA_DIR, KnowledgeBase

from .conftest import CASES, FIXTURES, SEEDS

SEED_FILES = {"mcclellan2022": "000_ed059868281264b1.txt", "pavel2016": "003_7063078c8ccfe278.txt",
              "ooki2023": "004_7c0b90b815a0ed8e.txt"}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_molecular_case_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["molecular", str(CASES / "esophageal_scnec.yaml"), "--format", "json"],
                       capsys)
    assert code == 0
    data = json.loads(out)
    for a in data["alterations"]:
        assert {"gene", "alteration", "tier", "drugs", "citations"} <= set(a)
    myc = next(a for a in data["alterations"] if a["gene"] == "MYC")
    assert myc["tier"] == "III-B" and myc["drugs"] == ["alisertib", "paclitaxel"]
    # the regimen of the evidence (alisertib + paclitaxel in SCLC), never alisertib alone
    assert [(r["regimen"], r["tier"]) for r in myc["regimens"]] == [("alisertib-paclitaxel", "III-B")]


def test_molecular_case_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["molecular", str(CASES / "pannet_tsc2_loss.yaml")], capsys)
    assert code == 0 and "TSC2" in out and "III-B" in out and "ESCAT" in out


def test_molecular_cohort_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_csv = tmp_path / "cohort.csv"
    code, _, err = run(["molecular", "--maf", str(FIXTURES / "small.maf"), "--clinical",
                        str(FIXTURES / "clinical.tsv"), "--format", "csv", "-o", str(out_csv)],
                       capsys)
    assert code == 0, err
    text = out_csv.read_text()
    assert "S2" in text and "KRAS G12C (III-A" in text and "I-C" in text  # TMB 12.5 in clinical
    code, out, _ = run(["molecular", "--maf", str(FIXTURES / "small.maf"), "--clinical",
                        str(FIXTURES / "clinical.tsv"), "--format", "json"], capsys)
    data = json.loads(out)
    assert len(data["samples"]) == 5 and data["frequencies"]


@pytest.mark.parametrize(("args", "words"), [
    (["molecular", "--maf", str(FIXTURES / "empty.maf"), "--clinical",
      str(FIXTURES / "clinical.tsv")], "empty.maf: line 1: empty MAF"),
    (["molecular", "--maf", str(FIXTURES / "small.maf")], "--clinical"),
    (["molecular", str(FIXTURES / "nope.yaml")], "file not found"),
])
def test_molecular_bad_input_exit_2(args: list[str], words: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    assert code == 2 and words in err and "Traceback" not in err


def _records(kind: str) -> list[tuple[str, dict]]:
    out = []
    for path in sorted((DATA_DIR / kind).glob("*.yaml")):
        out += [(path.name, r) for r in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("kind", ["biomarkers", "frequencies"])
def test_every_quote_is_in_its_source(kind: str) -> None:
    if not SEEDS.exists():
        pytest.skip(f"seed texts not present: {SEEDS}")
    texts = {k: _norm((SEEDS / f).read_text(encoding="utf-8")) for k, f in SEED_FILES.items()}
    missing = [(name, r["id"], c["quote"][:60]) for name, r in _records(kind)
               for c in r.get("citations", [])
               if c.get("quote") and c["source"] in texts
               and _norm(c["quote"]) not in texts[c["source"]]]
    assert not missing


def test_frequency_numbers_appear_in_their_quotes() -> None:
    for _, r in _records("frequencies"):
        quote = " ".join(c.get("quote", "") for c in r["citations"])
        for bound in {r.get("low"), r.get("high")} - {None}:
            assert f"{bound:g}" in quote, (r["id"], bound, quote)


def test_biomarker_records(kb: KnowledgeBase) -> None:
    symbols = approved_symbols()
    assert len(kb.biomarkers) >= 45
    for b in kb.biomarkers.values():
        for gene in (b.match.gene, *b.match.genes):
            assert gene in symbols or gene in SIGNATURES, (b.id, gene)
        assert b.tier_reason and b.evidence and b.citations
        if b.extrapolated_from and b.tier:
            assert b.tier in ("III-A", "III-B", "IV-A", "IV-B", "X"), b.id
        if b.direction == "sensitivity":
            assert b.tier is not None, b.id
