"""Drugs, regimens, therapy classes and prognostic/predictive factors transcribed from the reviews.

Each test checks a clinical fact against the curated records (and, for numbers, against the
verbatim quote that must appear in the cited seed review), so a typo or a dropped record fails.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from nenboard.knowledge.check import check
from nenboard.knowledge.dates import citations_in as _citations
from nenboard.knowledge.loader import DATA_DIR, _norm, load_with_problems

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
MY_PREFIXES = ("drugs/", "regimens/", "factors/", "therapy_classes/extra.yaml")
MY_KINDS = ("drugs:", "regimens:", "factors:", "therapy_classes:")


@pytest.fixture(scope="module")
def loaded():
    return load_with_problems()


@pytest.fixture(scope="module")
def kb(loaded):
    return loaded[0]


def _approval(kb, drug_id, year):
    return [a for a in kb.drugs[drug_id].approvals if a.year == year]


# --- integrity -------------------------------------------------------------------------------
def test_my_files_load_without_schema_problems(loaded):
    _, problems = loaded
    mine = [str(p) for p in problems if p.path.startswith(MY_PREFIXES)]
    assert mine == []


def test_my_records_have_no_cross_reference_problems(kb):
    mine = [str(p) for p in check(kb) if p.path.startswith(MY_KINDS)]
    assert mine == []


def test_broad_coverage(kb):
    assert len(kb.drugs) >= 140
    assert len(kb.regimens) >= 40
    assert len(kb.factors) >= 45
    for cls in ("parp_inhibitor", "hdac_inhibitor", "dnmt_inhibitor", "braf_inhibitor",
                "mek_inhibitor", "kras_g12c_inhibitor", "dll3_directed", "cdk4_6_inhibitor",
                "pi3k_inhibitor", "aurora_kinase_inhibitor", "wee1_inhibitor", "atr_inhibitor",
                "ezh2_inhibitor", "bcl2_inhibitor", "xpo1_inhibitor", "hif2a_inhibitor",
                "kit_inhibitor", "igf1r_inhibitor", "ampk_activator", "transcription_inhibitor"):
        assert cls in kb.therapy_classes, cls


@pytest.mark.parametrize("drug_id", [
    "octreotide", "lanreotide", "pasireotide", "telotristat-ethyl", "everolimus", "sunitinib",
    "lutetium-177-dotatate", "lutetium-177-dotatoc", "yttrium-90-dotatoc", "lead-212-dotamtate",
    "actinium-225-dotatate", "temozolomide", "capecitabine", "streptozocin", "fluorouracil",
    "doxorubicin", "cisplatin", "carboplatin", "etoposide", "irinotecan", "oxaliplatin",
    "leucovorin", "bevacizumab", "pembrolizumab", "nivolumab", "ipilimumab", "durvalumab",
    "tremelimumab", "atezolizumab", "spartalizumab", "toripalimab", "avelumab", "cabozantinib",
    "surufatinib", "lenvatinib", "pazopanib", "sorafenib", "axitinib", "olaparib", "talazoparib",
    "dabrafenib", "trametinib", "encorafenib", "binimetinib", "cetuximab", "sotorasib",
    "adagrasib", "tarlatamab", "rovalpituzumab-tesirine", "metformin", "interferon-alfa",
    "imatinib", "belzutifan", "alisertib", "lurbinectedin", "selinexor", "entinostat",
    "valproic-acid", "vorinostat", "azacitidine", "decitabine", "palbociclib", "ribociclib",
    "dactolisib", "vistusertib", "cixutumumab", "ganitumab", "temsirolimus", "berzosertib",
    "adavosertib", "tidutamab", "pen-221", "amrubicin", "topotecan"])
def test_convention_ids_exist(kb, drug_id):
    assert drug_id in kb.drugs


def test_ids_follow_the_convention(kb):
    for table in (kb.drugs, kb.regimens):
        for rid in table:
            assert re.fullmatch(r"[a-z0-9][a-z0-9.+\-]*", rid), rid


# --- approvals -------------------------------------------------------------------------------
def test_octreotide_fda_1998_carcinoid_syndrome(kb):
    (a,) = _approval(kb, "octreotide", 1998)
    assert a.agency == "FDA" and "carcinoid syndrome" in a.indication


def test_lanreotide_2014_g1_g2_gep_net(kb):
    (a,) = _approval(kb, "lanreotide", 2014)
    assert "grade 1 or 2" in a.indication and "GEP-NET" in a.indication


def test_everolimus_2016_gi_lung_net(kb):
    (a,) = _approval(kb, "everolimus", 2016)
    assert a.agency == "FDA"
    assert "gastrointestinal" in a.indication and "lung" in a.indication
    # the pNET approval is stated without a year: kept visible, not invented
    assert any("pNET" in x for x in kb.drugs["everolimus"].ambiguities)


def test_sunitinib_2011_pnet(kb):
    (a,) = _approval(kb, "sunitinib", 2011)
    assert "pancreatic neuroendocrine" in a.indication


def test_lutetium_dotatate_fda_2018(kb):
    (a,) = _approval(kb, "lutetium-177-dotatate", 2018)
    assert a.agency == "FDA" and "GEP-NET" in a.indication
    assert kb.drugs["lutetium-177-dotatate"].status == "approved"


def test_telotristat_2017_with_ssa(kb):
    (a,) = _approval(kb, "telotristat-ethyl", 2017)
    assert "inadequately controlled by SSA" in a.indication
    assert kb.drugs["telotristat-ethyl"].classes == ["tph_inhibitor"]


def test_pasireotide_not_approved_in_nets(kb):
    d = kb.drugs["pasireotide"]
    assert d.approvals == [] and d.status != "approved"


# --- toxicities ------------------------------------------------------------------------------
def _tox(kb, drug_id, word):
    return [t for t in kb.drugs[drug_id].toxicities if word in t.name.lower()]


def test_pasireotide_hyperglycemia_is_a_diabetes_caution(kb):
    (t,) = _tox(kb, "pasireotide", "hyperglycemia")
    assert t.fact == "diabetes"


def test_hdac_inhibitors_carry_cardiac_toxicity(kb):
    for drug_id in ("valproic-acid", "vorinostat", "panobinostat", "tacedinaline", "belinostat"):
        assert _tox(kb, drug_id, "cardiac"), drug_id


def test_everolimus_and_sunitinib_toxicities(kb):
    assert _tox(kb, "everolimus", "infection")
    assert _tox(kb, "everolimus", "stomatitis")
    assert _tox(kb, "sunitinib", "hypertension")
    (t,) = _tox(kb, "dactolisib", "hyperglycemia")
    assert t.fact == "diabetes"


def test_alpha_prrt_renal_toxicity_points_at_egfr(kb):
    for drug_id in ("lead-212-dotamtate", "actinium-225-dotatate", "bismuth-213-dotatoc"):
        (t,) = _tox(kb, drug_id, "renal")
        assert t.fact == "egfr"
        assert "alpha_prrt" in kb.drugs[drug_id].classes


# --- regimens --------------------------------------------------------------------------------
@pytest.mark.parametrize("regimen_id,components", [
    ("captem", {"capecitabine", "temozolomide"}),
    ("temozolomide-mono", {"temozolomide"}),
    ("stz-5fu", {"streptozocin", "fluorouracil"}),
    ("stz-doxorubicin", {"streptozocin", "doxorubicin"}),
    ("cisplatin-etoposide", {"cisplatin", "etoposide"}),
    ("carboplatin-etoposide", {"carboplatin", "etoposide"}),
    ("cisplatin-irinotecan", {"cisplatin", "irinotecan"}),
    ("folfiri", {"fluorouracil", "leucovorin", "irinotecan"}),
    ("folfox", {"fluorouracil", "leucovorin", "oxaliplatin"}),
    ("xelox", {"capecitabine", "oxaliplatin"}),
    ("folfirinox", {"fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"}),
    ("capoxiri-bevacizumab", {"capecitabine", "oxaliplatin", "irinotecan", "bevacizumab"}),
    ("prrt-lu177-dotatate", {"lutetium-177-dotatate"}),
    ("octreotide-lar", {"octreotide"}),
    ("lanreotide-autogel", {"lanreotide"}),
    ("octreotide-sc", {"octreotide"}),
    ("everolimus-octreotide", {"everolimus", "octreotide"}),
    ("bevacizumab-octreotide", {"bevacizumab", "octreotide"}),
    ("everolimus-octreotide-bevacizumab", {"everolimus", "octreotide", "bevacizumab"}),
    ("everolimus-pasireotide", {"everolimus", "pasireotide"}),
    ("nivolumab-ipilimumab", {"nivolumab", "ipilimumab"}),
])
def test_regimen_components(kb, regimen_id, components):
    assert set(kb.regimens[regimen_id].components) == components


def test_prrt_schedule_four_cycles_every_8_weeks(kb):
    schedule = kb.regimens["prrt-lu177-dotatate"].schedule
    assert "every 8 weeks" in schedule and "4 cycles" in schedule
    assert kb.regimens["prrt-lu177-dotatate"].modality == "radioligand"


def test_ssa_schedules(kb):
    assert "30 mg" in kb.regimens["octreotide-lar"].schedule
    assert "monthly" in kb.regimens["lanreotide-autogel"].schedule
    assert "60 mg" in kb.regimens["octreotide-lar-high-dose"].schedule
    assert "every 28 days" in kb.regimens["pasireotide-lar"].schedule


def test_local_modalities(kb):
    surgery = kb.regimens["surgery-resection"]
    assert surgery.modality == "surgery" and surgery.classes == ["surgery"]
    liver = kb.regimens["liver-directed-therapy"]
    assert liver.modality == "liver_directed" and liver.classes == ["liver_directed"]
    for name in ("TACE", "radioembolization", "chemoembolization", "radiofrequency ablation"):
        assert kb.resolve_therapy(name) == "liver-directed-therapy", name


def test_classes_flow_from_components(kb):
    assert {"alkylating", "fluoropyrimidine"} <= set(kb.classes_of("captem"))
    assert "platinum" in kb.classes_of("cisplatin-etoposide")
    assert kb.classes_of("lutetium-177-dotatate") == ["prrt"]
    assert "ssa" in kb.classes_of("octreotide-lar")
    assert "mtor_inhibitor" in kb.classes_of("everolimus")
    assert "vegfr_tki" in kb.classes_of("sunitinib")


# --- name resolution -------------------------------------------------------------------------
@pytest.mark.parametrize("name,expected", [
    ("Lutathera", "lutetium-177-dotatate"),
    ("177Lu-DOTATATE", "lutetium-177-dotatate"),
    ("Lu-177 dotatate", "lutetium-177-dotatate"),
    ("lutetium Lu 177 dotatate", "lutetium-177-dotatate"),
    ("octreotide LAR", "octreotide-lar"),
    ("Sandostatin LAR", "octreotide-lar"),
    ("Somatuline", "lanreotide-autogel"),
    ("lanreotide autogel", "lanreotide-autogel"),
    ("CAPTEM", "captem"),
    ("CAP/TEM", "captem"),
    ("capecitabine/temozolomide", "captem"),
    ("EP", "cisplatin-etoposide"),
    ("cis/etoposide", "cisplatin-etoposide"),
    ("IP", "cisplatin-irinotecan"),
    ("STZ/5-FU", "stz-5fu"),
    ("RAD001", "everolimus"),
    ("Afinitor", "everolimus"),
    ("SOM230", "pasireotide"),
    ("BEZ235", "dactolisib"),
    ("NVP-BEZ235", "dactolisib"),
    ("AZD2014", "vistusertib"),
    ("AMG 757", "tarlatamab"),
    ("XmAb18087", "tidutamab"),
    ("Sulfatinib", "surufatinib"),
    ("telotristat etiprate", "telotristat-ethyl"),
    ("streptozotocin", "streptozocin"),
    ("CDDP", "cisplatin"),
    ("CPT-11", "irinotecan"),
    ("5-FU", "fluorouracil"),
    ("ASTX727", "decitabine-cedazuridine"),
    ("nivo/ipi", "nivolumab-ipilimumab"),
])
def test_resolve_therapy(kb, name, expected):
    assert kb.resolve_therapy(name) == expected


def test_every_drug_and_regimen_synonym_resolves_to_its_own_record(kb):
    """No drug or regimen synonym is silently shadowed by another record."""
    shadowed = []
    for table in (kb.drugs, kb.regimens):
        for rec in table.values():
            for name in (rec.name, *rec.synonyms):
                got = kb.resolve_therapy(name)
                if got != rec.id and _norm(name) != _norm(kb.therapy_classes.get(got, rec).name):
                    shadowed.append(f"{rec.id}: {name!r} -> {got}")
    assert shadowed == []


# --- numbers (checked against the quotes) ------------------------------------------------------
def _quotes(rec):
    return " | ".join(c.quote or "" for c in _citations(rec))


def test_transcribed_numbers(kb):
    assert "12.6 (95% CI 11.1–20.6)" in _quotes(kb.drugs["sunitinib"])
    assert "HR 0.32; 95% CI 0.16–0.55" in _quotes(kb.drugs["sunitinib"])
    assert "11.0 months vs. 3.9 months" in _quotes(kb.drugs["everolimus"])
    assert "65.2% vs. 10.8%" in _quotes(kb.drugs["lutetium-177-dotatate"])
    assert "48.0 months vs. 36.3 months" in _quotes(kb.drugs["lutetium-177-dotatate"])
    assert "22.7 months versus 14.4 months" in _quotes(kb.regimens["captem"])
    assert "HR = 0.58, p = 0.023" in _quotes(kb.regimens["captem"])
    assert "47.4%" in _quotes(kb.regimens["capoxiri-bevacizumab"])
    assert "1.04 (95% CI: 0.79–1.37)" in _quotes(kb.regimens["cisplatin-etoposide"])
    assert "(11.8 months vs. 6.8 months, p = 0.045)" in _quotes(kb.drugs["pasireotide"])
    assert "44.2% (panNET) and 16.4% (GI-NET)" in _quotes(kb.drugs["lenvatinib"])
    assert "49% objective response" in _quotes(kb.drugs["belzutifan"])


# --- factors ---------------------------------------------------------------------------------
def test_ki67_55_predicts_platinum_response(kb):
    f = kb.factors["nec-ki67-55-platinum"]
    assert f.kind == "predictive" and "platinum" in f.applies_to
    q = _quotes(f)
    assert "15% for patients with Ki-67 < 55%" in q and "42% for those with Ki-67 ≥ 55%" in q


def test_ssa_time_to_progression_predictors_from_laskaratos(kb):
    ssa = [f for f in kb.factors.values() if f.id.startswith("ssa-") and "ssa" in f.applies_to
           and any(c.ref == "44" for c in f.citations)]
    assert len(ssa) == 6


def test_g2_ki67_subgroups_prognostic(kb):
    f = kb.factors["g2-ki67-3-9-vs-10-20"]
    assert f.kind == "prognostic" and f.citations[0].ref == "12"


def test_prrt_factors(kb):
    ids = {f.id for f in kb.factors.values() if "prrt" in f.applies_to}
    assert {"prrt-inflammatory-markers", "prrt-ascites", "prrt-liver-burden",
            "prrt-bone-metastases-5", "prrt-fdg-avidity", "prrt-high-ga68-dotatate-avidity",
            "prrt-pancreatic-primary", "prrt-sstr-mandatory", "prrt-g3-ki67-55"} <= ids


def test_mgmt_factor_applies_to_temozolomide(kb):
    f = kb.factors["mgmt-temozolomide"]
    assert {"temozolomide", "captem", "alkylating"} <= set(f.applies_to)
    assert "0 and 40%" in _quotes(f)


# --- verbatim quotes -------------------------------------------------------------------------
def _seed_norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\\%", "%")
    text = re.sub(r"[*$]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def test_my_quotes_are_verbatim_in_the_seeds(kb):
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS}")
    texts = {sid: _seed_norm((SEEDS / src.file).read_text(encoding="utf-8"))
             for sid, src in kb.sources.items() if src.file and (SEEDS / src.file).exists()}
    missing, checked = [], 0
    for table in (kb.drugs, kb.regimens, kb.factors):
        for rec in table.values():
            for cit in _citations(rec):
                if cit.quote and cit.source in texts:
                    checked += 1
                    if _seed_norm(cit.quote) not in texts[cit.source]:
                        missing.append(f"{rec.id}: {cit.quote[:80]!r}")
    assert checked > 300
    assert missing == []


def test_data_dir_holds_my_files():
    for sub in ("drugs", "regimens", "factors"):
        assert list((DATA_DIR / sub).glob("*.yaml")), sub
    assert (DATA_DIR / "therapy_classes" / "extra.yaml").exists()
