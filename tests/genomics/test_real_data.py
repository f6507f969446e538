"""Real public data: GENIE PanNET (MAF rows, MEN1/DAXX/ATRX/TP53 table), MSK-IMPACT 2017."""

from __future__ import annotations

from nenboard.genomics.cohort import annotate_cohort
from nenboard.genomics.readers import read_clinical, read_maf, read_seg, read_status_table, read_sv
from nenboard.knowledge.loader import KnowledgeBase

from .conftest import real

GEP_CODES = {"PANET", "SBWDNET", "HGNEC", "NECNOS", "GINET", "NETNOS", "RWDNET", "AWDNET",
             "SWDNET", "GINETES", "HGNES", "HGNEE", "PANEC", "STSC", "SCGBC", "SCUP"}


def test_genie_maf_rows(kb: KnowledgeBase) -> None:
    r = read_maf(real("genie_pnet", "GENIE_pnet_DAM_mutations.txt"))
    assert r.rows == 186 and len(r.by_sample) == 39
    assert sum(r.skipped.values()) == 2  # one Silent, one Intron: counted, not hidden
    unparsed = [o for obs in r.by_sample.values() for o in obs if o.variant.problem]
    assert unparsed == []
    # every sample of this subset carries MEN1, DAXX or ATRX (how it was selected)
    dam = {s for s, obs in r.by_sample.items()
           if any(o.variant.gene in ("MEN1", "DAXX", "ATRX") for o in obs)}
    assert len(dam) >= 35
    clin = read_clinical(real("genie_pnet", "GENIE_pnet_clinicalData.txt"), kb)
    cohort = annotate_cohort(r.by_sample, clin, kb, samples=list(r.by_sample))
    assert all(s.context.entity == "NET" and s.context.site == "pancreas" for s in cohort.samples)
    men1 = [f for f in cohort.frequencies if f.gene == "MEN1" and f.measure == "mutated"
            and f.site == "pancreas"]
    assert men1 and men1[0].percent > 60  # biased subset: well above published 35-44%


def test_genie_status_table_frequencies(kb: KnowledgeBase) -> None:
    path = real("genie_pnet", "genie_public_meta.tsv")
    st = read_status_table(path, na_is_wildtype=True)
    assert st.genes == ["MEN1", "DAXX", "ATRX", "TP53"]
    clin = read_clinical(path, kb)
    msk = [s for s, row in st.rows.items() if row["Center"] == "MSK"]
    c = annotate_cohort(st.by_sample, clin, kb, samples=msk, unit="patient")
    got = {f.gene: (f.altered, f.n) for f in c.frequencies
           if f.measure == "mutated" and f.site == "pancreas"}
    assert got == {"MEN1": (68, 146), "DAXX": (44, 146), "ATRX": (28, 146), "TP53": (20, 146)}
    men1 = next(f.to_dict() for f in c.frequencies if f.gene == "MEN1"
                and f.measure == "altered" and f.site == "all")
    ref = {r["id"]: r for r in men1["references"]}
    assert ref["ooki2023-t3-net-men1"]["flag"] == "above"  # 46.6% vs 10-44%
    assert men1["flag"] == "outside" and ref["ooki2023-t3-net-men1"]["ci_overlaps"]


def test_genie_segments() -> None:
    s = read_seg(real("genie_pnet", "GENIE_pnet_DAM_cna.seg"))
    assert len(s.samples) >= 10
    assert all(0 <= v <= 1 for v in s.fraction_altered.values())


def test_msk_impact_clinical_and_fusions(kb: KnowledgeBase) -> None:
    clin = read_clinical(real("msk_impact_2017", "data_clinical_sample.txt"), kb)
    assert len(clin) == 10945
    gep = {s: i for s, i in clin.items() if i.oncotree in GEP_CODES}
    assert len(gep) == 140  # README says 147; the listed codes give 140 (see docs)
    sv = read_sv(real("msk_impact_2017", "data_sv.txt"))
    assert sv.events > 1000
    c = annotate_cohort({s: o for s, o in sv.by_sample.items() if s in gep}, gep, kb,
                        samples=list(gep))
    assert len(c.samples) == 140
    tmb_high = [f for f in c.frequencies if f.measure == "tmb_high" and f.site == "all"]
    assert tmb_high and all(0 <= f.percent <= 100 for f in tmb_high)
    rows = {s.sample: s.summary() for s in c.samples}
    high = [r for r in rows.values() if r["best_tier"] == "I-C"]
    assert all("pembrolizumab" in r["drugs"] for r in high)


def test_cli_status_table_with_msk_filter_reproduces_the_published_rates(capsys) -> None:
    import json

    from nenboard.cli import main

    path = str(real("genie_pnet", "genie_public_meta.tsv"))
    code = main(["molecular", "--clinical", path, "--status-table", path, "--na-wildtype",
                 "--where", "Center=MSK", "--unit", "patient", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    got = {f["gene"]: (f["altered"], f["n"]) for f in out["frequencies"]
           if f["measure"] == "mutated" and f["site"] == "pancreas"}
    assert got == {"MEN1": (68, 146), "DAXX": (44, 146), "ATRX": (28, 146), "TP53": (20, 146)}


def test_cli_where_names_a_missing_column(capsys) -> None:
    from nenboard.cli import main

    path = str(real("genie_pnet", "genie_public_meta.tsv"))
    code = main(["molecular", "--clinical", path, "--status-table", path, "--where", "Centre=MSK"])
    assert code == 2 and "no column 'Centre'" in capsys.readouterr().err
