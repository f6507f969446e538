"""Readers: small hand-written fixtures, and bad files failing with file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenboard.errors import InputError
from nenboard.genomics.readers import (
    read_clinical,
    read_cna_table,
    read_maf,
    read_seg,
    read_status_table,
    read_sv,
    read_vcf,
)
from nenboard.knowledge.loader import KnowledgeBase

from .conftest import FIXTURES as F


def labels(by_sample: dict, sample: str) -> list[str]:
    return [o.variant.label for o in by_sample[sample]]


def test_maf(tmp_path: Path) -> None:
    r = read_maf(F / "small.maf")
    assert labels(r.by_sample, "S1") == ["BRAF V600E", "TP53 R273H"]
    assert r.by_sample["S1"][0].vaf == 0.3 and r.by_sample["S1"][0].source == "small.maf:3"
    assert r.skipped["Silent"] == 1
    bad = r.by_sample["S4"][0].variant
    assert bad.problem and bad.gene == "FOOBAR1"  # unknown gene stays visible


def test_vcf_vep_and_snpeff() -> None:
    vep = read_vcf(F / "vep.vcf")
    assert labels(vep.by_sample, "TUMOR") == ["BRAF V600E", "TP53 R273H"]
    assert vep.by_sample["TUMOR"][0].vaf == 0.3
    assert vep.skipped == {"FILTER": 1, "non-coding": 1}
    eff = read_vcf(F / "snpeff.vcf")
    assert labels(eff.by_sample, "snpeff") == ["KRAS G12C", "TSC2 R1459*"]


def test_cna_table_and_seg() -> None:
    c = read_cna_table(F / "cna.txt")
    assert labels(c.by_sample, "T1") == ["MYC amplification", "RB1 deletion"]
    assert "T3" not in c.by_sample  # only low-level gain
    low = read_cna_table(F / "cna.txt", include_low=True)
    assert "MYC gain" in labels(low.by_sample, "T3")
    s = read_seg(F / "cna.seg", {"MYC": ("8", 128748315, 128753680),
                                 "RB1": ("chr13", 48877883, 49056026)})
    assert labels(s.by_sample, "T1") == ["MYC amplification", "RB1 deletion"]
    assert s.fraction_altered == {"T1": 1.0, "T2": 0.0}


def test_sv() -> None:
    r = read_sv(F / "sv.txt")
    s1 = r.by_sample["S1"]
    assert [(o.variant.gene, o.variant.alteration, o.variant.partner) for o in s1] == [
        ("EWSR1", "EWSR1::FLI1", "FLI1"), ("FLI1", "EWSR1::FLI1", "EWSR1")]


def test_clinical(kb: KnowledgeBase) -> None:
    info = read_clinical(F / "clinical.tsv", kb)
    assert (info["S2"].entity, info["S2"].site, info["S2"].tmb) == ("NEC", "pancreas", 12.5)
    assert (info["S1"].entity, info["S1"].site) == ("NEC", None)  # HGNEC: colon or rectum


@pytest.mark.parametrize(("name", "reader", "line", "words"), [
    ("empty.maf", read_maf, "line 1", "empty MAF"),
    ("header_only.maf", read_maf, "line 1", "no data rows"),
    ("wrong_columns.maf", read_maf, "line 1", "missing column"),
    ("truncated.maf", read_maf, "line 3", "truncated"),
    ("truncated.vcf", read_vcf, "line 10", "truncated VCF"),
    ("small.maf", read_vcf, "header", "VCF"),
    ("vep.vcf", read_maf, "line", "missing column"),
])
def test_bad_files_name_file_line_problem(name: str, reader, line: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        reader(F / name)
    msg = err.value.one_line()
    assert name in msg and line in msg and words in msg, msg


def test_bad_values(tmp_path: Path, kb: KnowledgeBase) -> None:
    bad = tmp_path / "bad_cna.txt"
    bad.write_text("Hugo_Symbol\tT1\nMYC\t7\n")
    with pytest.raises(InputError, match=r"line 2.*not a GISTIC call"):
        read_cna_table(bad)
    cls = tmp_path / "bad.maf"
    cls.write_text("Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode\n"
                   "BRAF\tWeird_Class\tS1\n")
    with pytest.raises(InputError, match=r"line 2.*Variant_Classification"):
        read_maf(cls)
    st = tmp_path / "status.tsv"
    st.write_text("Sample ID\tMEN1\nA\tZZZ\n")
    with pytest.raises(InputError, match=r"line 2.*unknown status code"):
        read_status_table(st)
    clin = tmp_path / "clin.tsv"
    clin.write_text("sample\tentity\nA\tcarcinoid\n")
    with pytest.raises(InputError, match=r"line 2.*entity"):
        read_clinical(clin, kb)
    missing = tmp_path / "nope.maf"
    with pytest.raises(InputError, match="file not found"):
        read_maf(missing)
