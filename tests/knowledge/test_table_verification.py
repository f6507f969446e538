"""Independent re-check of the transcribed tables (reviewer's verification, docs/kb-verification.md).

Every expected value below was read off the seed text by the reviewer, separately from the curators
(tests/knowledge/test_trials_net.py and test_trials_nec.py cover the pivotal-trial numbers; this file
covers the table rows they do not). Each case asserts the knowledge base holds the value *and* that
the table row it comes from is in the seed text, so a typo on either side fails CI.

Tables: mcclellan2022 Table 1 (phase, status of all 27 rows); pavel2016 Table 1 (the values not in
test_trials_net.py) and Table 3 (phase of every row); ooki2023 Table 5 (n, ORR, mPFS, mOS of all 49
rows), Table 6 (the values not in test_trials_nec.py) and Table 7 (phase and status of all 35 rows);
the ooki2023 reference numbers cited on NET records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pytest

from tests.conftest import SHARED

SEEDS = SHARED / "seeds"


def _raw(source: str) -> str:
    """The seed text of a source; the test is skipped where the seeds are not shipped."""
    path = SEEDS / FILES[source]
    if not path.exists():
        pytest.skip(f"seed texts not found at {SEEDS}")
    return path.read_text(encoding="utf-8")
FILES = {"mcclellan2022": "000_ed059868281264b1.txt", "pavel2016": "003_7063078c8ccfe278.txt",
         "ooki2023": "004_7c0b90b815a0ed8e.txt"}


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2013", "-")
    return re.sub(r"\s+", " ", text).strip()


@lru_cache
def seed(source: str) -> str:
    path = SEEDS / FILES[source]
    if not path.exists():
        pytest.skip(f"seed texts not found at {SEEDS}")
    return _norm(path.read_text(encoding="utf-8"))


def in_seed(source: str, fragment: str) -> None:
    assert _norm(fragment) in seed(source), f"{source}: row {fragment!r} not in the seed text"


def by_nct(kb, nct: str):
    hits = [t for t in kb.trials.values() if nct in t.nct]
    assert len(hits) == 1, f"{nct}: {len(hits)} trial records"
    return hits[0]


# -- mcclellan2022 Table 1: all 27 rows, phase and status as printed --------------------------------
PHASE = {"1": "1", "1b": "1b", "2": "2", "3": "3", "1/2": "1/2", "1b/3": "1b/3", "n/a": None}
STATUS = {"Recruiting": "recruiting", "Not yet recruiting": "not_yet_recruiting",
          "Active, NR": "active_not_recruiting"}
MCCLELLAN_T1 = [
    ("NCT05249114", "^{177}Lu -DOTATATE + cabozantinib", "1b", "Not yet recruiting"),
    ("NCT05053854", "^{177}Lu -DOTATATE + Talazoparib", "1", "Recruiting"),
    ("NCT04194125", "^{177}Lu -DOTATOC, capecitabine, temozolomide", "2", "Recruiting"),
    ("NCT05247905", "^{177}Lu -DOTATATE, capecitabine, temozolomide", "2", "Not yet recruiting"),
    ("NCT03044977", "Combined ^{131}I -MIBG + ^{90}Y -DOTATOC", "1", "Active, NR"),
    ("NCT05153772", "^{212}Pb -DOTAMTATE (PRRT naive)", "2", "Recruiting"),
    ("NCT03466216", "^{212}Pb -DOTAMTATE (after prior PRRT)", "1", "Recruiting"),
    ("NCT05178693", "^{68}Ga -DOTATATE + ASTX727", "1", "Not yet recruiting"),
    ("NCT05477576", "^{225}Ac -DOTATATE (after prior PRRT)", "1b/3", "Recruiting"),
    ("NCT02294006", "Everolimus, metformin, octreotide", "2", "Active, NR"),
    ("NCT01229943", "Everolimus, octreotide acetate, bevacizumab", "2", "Active, NR"),
    ("NCT03950609", "Everolimus with Lenvatinib", "2", "Recruiting"),
    ("NCT02589821", "Surufatinib (panNETs)", "3", "Active, NR"),
    ("NCT02588170", "Surufatinib (non panNET GEP-NETs)", "3", "Active, NR"),
    ("NCT04579757", "Surufatinib + Tislelizumab", "1/2", "Recruiting"),
    ("NCT05165407", "Surufatinib, IBI310, Sintilimab", "2", "Recruiting"),
    ("NCT03375320", "Cabozantinib", "3", "Recruiting"),
    ("NCT05048901", "Cabozantinib + Lanreotide", "1/2", "Not yet recruiting"),
    ("NCT04893785", "Cabozantinib + Temozolomide", "2", "Recruiting"),
    ("NCT04197310", "Cabozantinib + Nivolumab", "2", "Recruiting"),
    ("NCT04079712", "Cabozantinib, Nivolumab, Ipilimumab", "2", "Active, NR"),
    ("NCT03290079", "Pembrolizumab and Lenvatinib", "2", "Recruiting"),
    ("NCT01841736", "Pazopanib", "2", "Active, NR"),
    ("NCT02399215", "Nintedanib", "2", "Active, NR"),
    ("NCT04924075", "Belzutifan monotherapy (panNETs)", "2", "Recruiting"),
    ("NCT03217097", "MGMT Status: Response to Alkylating Agents", "n/a", "Active, NR"),
    ("NCT05142241", "Temozolomide + Talazoparib (rare tumors)", "2", "Recruiting"),
]


def test_mcclellan_table1_covers_every_row():
    rows = re.findall(r"\| (NCT\d{8}) \|", seed("mcclellan2022"))
    assert len(rows) == len(MCCLELLAN_T1) == 27
    assert sorted(rows) == sorted(r[0] for r in MCCLELLAN_T1)


@pytest.mark.parametrize(("nct", "arm", "phase", "status"), MCCLELLAN_T1)
def test_mcclellan_table1_row(kb, nct, arm, phase, status):
    in_seed("mcclellan2022", f"| {nct} | {arm} | {phase} | {status} |")
    t = by_nct(kb, nct)
    assert t.phase == PHASE[phase]
    assert t.status == STATUS[status]
    assert any(c.source == "mcclellan2022" and c.locator == "Table 1" for c in t.citations)


# -- pavel2016 Table 3: phase of every row ------------------------------------------------------
PAVEL_T3 = [  # (nct, kb phase, text of the row as printed)
    ("NCT00485719", "1", "SAR245409 (XL-765) PI3K/mTOR inhibitor Phase I in solid tumors NCT00485719"),
    ("NCT01177397", "1/2", "Phase I/II in solid tumorsa, MM, NHL NCT01177397"),
    ("NCT02077933", "1b", "BYL791 + everolimus PI3K inhibitor Phase Ib in pNET NCT02077933"),
    ("NCT00876109", "1", "GDC-0941 PI3K inhibitor Phase I in solid cancers NCT00876109"),
    ("NCT01115803", "1", "Phase I in patients with solid tumorsb NCT01115803"),
    ("NCT02259725", "2", "Phase II in pNET/carcinoids NCT02259725"),
    ("NCT02420691", "2", "Phase 2 in lung and GEP NET (foregut) NCT02420691"),
    ("NCT02806648", "2", "PD0332991 (palbociclib) Phase 2 in pNET with"),
    ("NCT02795858", "2", "Ramucirumab + SSA VEGFR-2 antagonist Phase II in carcinoids NCT02795858"),
    ("NCT02399215", "2", "Phase II in carcinoids/NEN NCT02399215"),
    ("NCT01994213", "2", "Phase II in GEP NET NCT01994213"),
    ("NCT02678780", "2", "Phase II in pNET/GI NET NCT02678780"),
    ("NCT01466036", "2", "Cabozantinib VEGFR-2, c-Met inhibitor Phase II in pNET, carcinoids NCT01466036"),
    ("NCT01784861", "2", "X-82 + Everolimus VEGFR/ PDGFR inhibitor Phase II in pNET NCT01784861"),
    ("NCT01782443", "2", "Phase II in carcinoids NCT01782443"),
    ("NCT02159989", "1", "Phase I in solid tumorsc NCT02159989"),
    ("NCT02063958", "1", "Phase I in NET NCT02063958"),
    ("NCT02318784", "2", "Carfilzomib Proteasome inhibitor Phase II in advanced NET NCT02318784"),
]


@pytest.mark.parametrize(("nct", "phase", "row"), PAVEL_T3)
def test_pavel_table3_row(kb, nct, phase, row):
    in_seed("pavel2016", row)
    t = by_nct(kb, nct)
    assert t.phase == phase
    assert any(c.source == "pavel2016" and c.locator == "Table 3"
               for c in [*t.citations, *(c for cr in t.eligibility for c in cr.citations)])


def test_pavel_table3_sulfatinib_row_shares_the_lenvatinib_nct(kb):
    """The sulfatinib row prints NCT02678780 (the TALENT id): kept on TALENT, flagged on SANET-p."""
    in_seed("pavel2016", "Phase III in pNET, Phase III in carcinoids NCT02678780")
    assert by_nct(kb, "NCT02678780").id == "talent"
    assert any("NCT02678780" in a for a in kb.trials["sanet-p"].ambiguities)


# -- pavel2016 Table 1: the values test_trials_net.py does not check ------------------------------
PAVEL_T1 = [  # (trial, endpoint, arm, unit, value)
    ("faiss2003", "ORR", "lan", "%", 4), ("faiss2003", "ORR", "ifn", "%", 3.7),
    ("arnold2005", "ORR", "oct", "%", 2), ("arnold2005", "OS", "oct", "months", 35),
    ("arnold2005", "OS", "oct-ifn", "months", 51),
    ("nct00569127", "ORR", "oct-beva", "%", 12), ("nct00569127", "ORR", "oct-ifn", "%", 4),
    ("nct01628913", "ORR", "eve", "%", 9.7), ("nct01628913", "ORR", "bez235", "%", 9.7),
    ("cooperate-2", "ORR", "eve", "%", 6.2), ("calgb-80701", "OS", "eve-oct", "months", 35),
    ("cooperate-2", "OS", "eve", "months", 34), ("cooperate-2", "OS", "eve-pas", "months", 34),
]
PAVEL_T1_N = {"faiss2003": 80, "arnold2005": 109, "nct00569127": 402, "nct01628913": 62,
              "cooperate-2": 160, "calgb-80701": 150}
PAVEL_T1_ROWS = ["GEP-NET 80 4 3.7 7.1", "GEP -NET 109 2 9.3 NS 35 51 (NS)",
                 "Carcinoids 402 12 4 16.6 15.4", "pNET 62a 9.7 9.7 72% 70.5%",
                 "pNET 160 6.2 20.3 16.8 16.4 >34b >34b", "pNET 150 12 31 14.0c 16.7 35 36.7"]


def test_pavel_table1_rows_in_seed():
    for row in PAVEL_T1_ROWS:
        in_seed("pavel2016", row)


@pytest.mark.parametrize(("trial", "endpoint", "arm", "unit", "value"), PAVEL_T1)
def test_pavel_table1_values(kb, trial, endpoint, arm, unit, value):
    values = [o.value for o in kb.trials[trial].outcomes
              if o.endpoint == endpoint and o.arm == arm and o.unit == unit]
    assert values == [pytest.approx(value)], (trial, endpoint, arm, values)


def test_pavel_table1_not_reached_is_a_bound(kb):
    """COOPERATE-2 OS '>34b' (b = not reached) is a lower bound, not a median."""
    for o in kb.trials["cooperate-2"].outcomes:
        if o.endpoint == "OS":
            assert o.qualifier == ">", o


@pytest.mark.parametrize(("trial", "n"), sorted(PAVEL_T1_N.items()))
def test_pavel_table1_sample_sizes(kb, trial, n):
    assert kb.trials[trial].design.n == n


# -- ooki2023 Table 5: every row -----------------------------------------------------------------
# (trial, arm, row as printed: design, sites, n, regimen, ORR, mPFS, mOS, [ref]); '-' = not given
OOKI_T5 = [
    ("mitry1999", "ep", "Retro Any 41 CDDP+ETP 42 8.9 15 [107]"),
    ("moertel1991", "ep", "Pros Any 18 CDDP+ETP 67 8 19 [108]"),
    ("iwasa2010", "ep", "Retro HBP 21 CDDP+ETP 14 1.8 5.8 [109]"),
    ("imai2016", "ce", "Retro GEP 19 CBDCA +ETP 47 7.0 12.7 [110]"),
    ("frizziero2019", "ce", "Retro Extrapulmonary 106 CBDCA +ETP 48 6.0 11.5 [111]"),
    ("brandi2018", "pe", "Retro GEP or UK 21 Platinum+ETP 52 7 16 [112]"),
    ("heetfeld2015", "pe", "Retro GEP 113 Platinum+ETP 35 5.0 16.4 [19]"),
    ("walter2017-ffcd-gte", "pe-first-line", "Pros GEP 152 Platinum+ETP 50 6.2 11.6 [21]"),
    ("t5-ref83-platinum-etoposide", "pe", "Retro GEP 236 Platinum+ETP 27 4.6 13 [83]"),
    ("hainsworth2006", "pce", "Phase II Extrapulmonary 78 CDDP+ETP+PTX 53 7.5 14.5 [113]"),
    ("mani2008", "ip", "Phase II Any 20 CDDP+CPT-11 58 4 - [114]"),
    ("okita2011", "ip", "Retro Gastric 22 CDDP+CPT-11 75 7.1 22.6 [115]"),
    ("nakano2012", "ip", "Retro Extrapulmonary 28 CDDP+CPT-11 64 6.4 16 [116]"),
    ("okuma2014", "ip", "Retro Esophageal 12 CDDP+CPT-11 50 4.0 12.6 [117]"),
    ("lu2013", "ip", "Retro GEP 16 CDDP+CPT-11 57 5.5 10.6 [118]"),
    ("ramella-munhoz2013", "ip", "Retro Extrapulmonary 28 CDDP+CPT-11 46 3.7 11.7 [119]"),
    ("ipo-nec", "ipo", "Phase II GEP 40 CDDP+CPT-11+Oct-LAR 45 5.7 12.9 [120]"),
    ("raj2017", "platinum", "Retro Pancreatic 29 Platinum-based regimen 37 - 10.1 [121]"),
    ("yamaguchi2014", "ip", "Retro GEP 160 CDDP+CPT-11 50 5.2 13.0 [82]"),
    ("yamaguchi2014", "ep", "46 CDDP+ETP 28 4.0 7.3"),
    ("nordic-nec", "platinum-all", "Retro GEP 252 Platinum-based regimen 31 4 11 [14]"),
    ("nordic-nec", "ep", "129 CDDP+ETP 31 4 12"),
    ("nordic-nec", "ce", "67 CBDCA +ETP 30 4 11"),
    ("nordic-nec", "cv", "28 CBDCA +VCR 44 4 10"),
    ("zhang2020-ep-vs-ip", "ep", "rPhase II GEP 33 CDDP+ETP 42 6.4 11.3 [122]"),
    ("zhang2020-ep-vs-ip", "ip", "33 CDDP+CPT-11 42 5.8 10.2"),
    ("topic-nec", "ep", "Phase III GEP 84 CDDP+ETP 55 5.6 12.5 [81]"),
    ("topic-nec", "ip", "86 CDDP+CPT-11 53 5.1 10.9"),
    ("du2013", "folfiri", "Retro GEP 11 FOLFIRI 64 6.5 13.0 [123]"),
    ("walter2017-ffcd-gte", "folfiri-second-line", "Pros GEP 72 FOLFIRI 24 2.9 5.9 [21]"),
    ("hentic2012", "folfiri", "Retro GEP 19 FOLFIRI 31 4 18 from diagnosis [124]"),
    ("sugiyama2021", "folfiri", "Retro GEP 5 FOLFIRI 40 5.8 11 [125]"),
    ("walter2017-ffcd-gte", "folfox-second-line", "Pros GEP 33 FOLFOX 16 2.3 3.9 [21]"),
    ("hadoux2015", "folfox", "Retro Any 20 FOLFOX 29 4.5 9.9 [126]"),
    ("bajetta2007", "xelox", "Phase II Any 13 XELOX 23 4 5 [127]"),
    ("olsen2012", "tem", "Retro GEP or UK 28 TEM 0 2.4 3.5 [128]"),
    ("welin2011", "tem", "Retro Any 25 TEM±cape±Bev 33 6 22 [129]"),
    ("rogowski2019", "captem", "Retro GEP 12 TEM+cape 8 3.3 4.6 [130]"),
    ("t5-ref87-temozolomide", "tem", "Retro GEP 46 TEM+cape or TEM mono 26 2 13.1 [87]"),
    ("nordic-nec", "second-line", "Retro GEP 84 TEM-based or taxan-based 18 - 19 from 1 <sup>st</sup> line [14]"),
    ("ando2015", "amr", "Retro GEP 10 AMR 20 2.6 5.0 [131]"),
    ("nio2015", "amr", "Retro GEP 13 AMR 39 3.6 7.2 [132]"),
    ("araki2016", "amr", "Retro GEP 19 AMR 19 3.8 7.7 [133]"),
    ("kitagawa2019", "amr", "Retro GEP 16 AMR 6 2.9 13.8 [134]"),
    ("apostolidis2016", "tpt", "Retro Any 30 TPT 7 2.1 4.1 [135]"),
    ("olsen2014", "tpt", "Retro GEP 22 TPT 0 2.1 3.2 [136]"),
    ("chen2020-tlc388", "lipotecan", "Phase II GEP 23 Lipotecan 0 1.8 4.3 [137]"),
    ("net-02", "nal-iri-5fu", "rPhase II Extrapulmonary 29 nal-IRI/5-FU 10 3 9 [138]"),
    ("net-02", "docetaxel", "29 DTX 10 2 5"),
]
_T5_ROW = re.compile(r"^(?:(?P<design>Retro|Pros|Phase III|Phase II|rPhase II) (?P<site>.+?) )?"
                     r"(?P<n>\d+) (?P<reg>.+?) (?P<orr>\d+|-) (?P<pfs>[\d.]+|-) (?P<os>[\d.]+|-)"
                     r"(?: from .*?)?(?: \[(?P<ref>\d+)\])?$")


def _t5_values(row: str) -> tuple[int, dict[str, float | None]]:
    m = _T5_ROW.match(row)
    assert m, row
    def num(s: str) -> float | None:
        return None if s == "-" else float(s)
    return int(m["n"]), {"ORR": num(m["orr"]), "PFS": num(m["pfs"]), "OS": num(m["os"])}


def test_ooki_table5_covers_every_row():
    text = _raw("ooki2023")
    if not text:
        pytest.skip("seed texts not found")
    start = text.index("**Table 5** Clinical trials of cytotoxic chemotherapy")
    end = text.index("Some of studies included heterogeneous populations")
    rows = [ln for ln in text[start:end].splitlines()
            if re.match(r"^(Retro|Pros|Phase|rPhase|\t\t\d)", ln)]
    assert len(rows) == len(OOKI_T5) == 49


@pytest.mark.parametrize(("trial", "arm", "row"), OOKI_T5, ids=[f"{t}/{a}" for t, a, _ in OOKI_T5])
def test_ooki_table5_row(kb, trial, arm, row):
    in_seed("ooki2023", row)
    n, expected = _t5_values(row)
    t = kb.trials[trial]
    assert {a.id: a.n for a in t.arms}[arm] == n
    for endpoint, value in expected.items():
        got = [o.value for o in t.outcomes if o.arm == arm and o.endpoint == endpoint
               and o.unit in ("%", "months")
               and any(c.locator == "Table 5" for c in o.citations)]
        if value is None:
            assert got == [], (trial, arm, endpoint, got)
        else:
            assert got == [pytest.approx(value)], (trial, arm, endpoint, got)


def test_ooki_table5_design_sets_the_esmo_level(kb):
    """Retro -> IV; Pros -> III; single-arm Phase II -> V; rPhase II -> II; Phase III -> I."""
    want = {"Retro": "IV", "Pros": "III", "Phase II": "V", "rPhase II": "II", "Phase III": "I"}
    for trial, _arm, row in OOKI_T5:
        m = _T5_ROW.match(row)
        if m["design"]:
            assert kb.trials[trial].esmo_level == want[m["design"]], (trial, m["design"])


# -- ooki2023 Table 6: the values test_trials_nec.py does not check -------------------------------
OOKI_T6 = [  # (trial, endpoint, arm, unit, value, note substring or None, fragment of the row)
    ("nct03278405", "ORR", "avelumab", "%", 0, None, "In all patients, ORR, 0%; mPFS, 2.0 months; mOS, 5.7 months"),
    ("nct03278405", "PFS", "avelumab", "months", 2.0, None, "mPFS, 2.0 months"),
    ("nct03278405", "OS", "avelumab", "months", 5.7, None, "mOS, 5.7 months"),
    ("avenec", "DCR", "avelumab", "%", 32, None, "the DCR after 8 weeks was 32% (PR of two); mOS, 4.2 months"),
    ("avenec", "OS", "avelumab", "months", 4.2, None, "mOS, 4.2 months"),
    ("nct02939651", "ORR", "pembrolizumab", "%", 3.4, None, "ORR was 3.4%; mPFS, 8.9 weeks; mOS, 20.4 weeks"),
    ("nct02939651", "OS", "pembrolizumab", "weeks", 20.4, None, "mOS, 20.4 weeks"),
    ("nct03136055", "ORR", "pembrolizumab", "%", 7, None, "In all patients, ORR, 7%; mPFS, 58 days"),
    ("nct03136055", "ORR", "pembrolizumab-chemo", "%", 9, None, "In all patients, ORR, 9%; mPFS, 2 months; mOS, 4 months"),
    ("nct03136055", "PFS", "pembrolizumab-chemo", "months", 2, None, "mPFS, 2 months; mOS, 4 months"),
    ("nct03136055", "OS", "pembrolizumab-chemo", "months", 4, None, "mOS, 4 months"),
    ("nct03167853", "ORR", "toripalimab", "%", 25.0, "NET", "ORR, 18.7% in NEC and 25.0% in NET"),
    ("nct03167853", "PFS", "toripalimab", "months", 2.5, None, "the mPFS and mOS were 2.5 and 7.8 months"),
    ("nct03167853", "OS", "toripalimab", "months", 7.8, None, "the mPFS and mOS were 2.5 and 7.8 months"),
    ("nct03879057", "ORR", "surufatinib-toripalimab", "%", 23.1, None, "In 13 evaluable NECs, ORR, 23.1%; mPFS, 4.0 months; mOS, 7.5 months"),
    ("nct03879057", "PFS", "surufatinib-toripalimab", "months", 4.0, None, "mPFS, 4.0 months"),
    ("nct03879057", "OS", "surufatinib-toripalimab", "months", 7.5, None, "mOS, 7.5 months"),
    ("nct04169672", "ORR", "surufatinib-toripalimab", "%", 20, None, "In 20 evaluable NECs, ORR, 20%; DCR, 70%; mPFS, 3.94 months"),
    ("nct04169672", "DCR", "surufatinib-toripalimab", "%", 70, None, "DCR, 70%"),
    ("nct02955069", "ORR", "spartalizumab", "%", 7.4, "NET", "ORR, 4.8% in GEP-NEC, and 7.4% in NET"),
    ("nct02955069", "PFS", "spartalizumab", "months", 1.8, None, "In GEP-NEC, mPFS and mOS were 1.8 and 6.8 months"),
    ("nct02955069", "OS", "spartalizumab", "months", 6.8, None, "In GEP-NEC, mPFS and mOS were 1.8 and 6.8 months"),
    ("nice-nec", "OS_rate", "nivolumab-carboplatin-etoposide", "%", 58.3, "NET", "The 12-month OS rate was 58.3% and 54.7% in NETs and NECs"),
    ("nct03728361", "ORR", "nivolumab-temozolomide", "%", 38, "NEC", "ORR, 38% in NEC and 35% in NET"),
    ("nct03728361", "ORR", "nivolumab-temozolomide", "%", 35, "NET", "ORR, 38% in NEC and 35% in NET"),
    ("nct03728361", "PFS", "nivolumab-temozolomide", "months", 6.9, None, "In the NECs, mPFS and mOS were 6.9 and 32.3 months"),
    ("nct03728361", "OS", "nivolumab-temozolomide", "months", 32.3, None, "In the NECs, mPFS and mOS were 6.9 and 32.3 months"),
    ("nipinec", "ORR", "nivolumab", "%", 7.3, "LCNEC", "ORR at 8 weeks, 7.1% in GEP-NEC, and 7.3% in pulmonary LCNEC"),
    ("nipinec", "PFS", "nivolumab", "months", 1.8, None, "the mPFS and mOS were 1.8 and 7.2 months"),
    ("nipinec", "OS", "nivolumab", "months", 7.2, None, "the mPFS and mOS were 1.8 and 7.2 months"),
    ("dart-swog-s1609", "ORR", "nonpancreatic-nen", "%", 0, "NET", "ORR, 44% in NEC and 0% in NET"),
    ("dart-swog-s1609", "PFS", "nonpancreatic-nen", "months", 4, None, "mPFS and mOS were 4 and 11 months"),
    ("dart-swog-s1609", "OS", "nonpancreatic-nen", "months", 11, None, "mPFS and mOS were 4 and 11 months"),
    ("dart-swog-s1609", "PFS", "high-grade-nen", "months", 2.0, None, "In all patients, ORR, 26%; mPFS, 2.0 months; mOS, 8.9 months"),
    ("dart-swog-s1609", "OS", "high-grade-nen", "months", 8.9, None, "mOS, 8.9 months"),
    ("ca209-538", "ORR", "nivolumab-ipilimumab", "%", 50, "GEP-NEC", "ORR, 50% in GEP-NEC and 33% in GEP-NET"),
    ("ca209-538", "ORR", "nivolumab-ipilimumab", "%", 33, "GEP-NET", "ORR, 50% in GEP-NEC and 33% in GEP-NET"),
    ("ca209-538", "PFS", "nivolumab-ipilimumab", "months", 4.8, None, "In all patients, ORR, 24%; mPFS, 4.8 months; mOS, 14.8 months"),
    ("ca209-538", "OS", "nivolumab-ipilimumab", "months", 14.8, None, "mOS, 14.8 months"),
    ("dune", "PFS", "durvalumab-tremelimumab", "months", 2.4, None, "In all patients, ORR was 9.1%; mPFS, 2.4 months; mOS, 5.9 months"),
]
OOKI_T6_ARM_N = [("nct03278405", "avelumab", 10), ("avenec", "avelumab", 29),
                 ("nct02939651", "pembrolizumab", 29), ("nct03136055", "pembrolizumab", 14),
                 ("nct03136055", "pembrolizumab-chemo", 22), ("nct03167853", "toripalimab", 40),
                 ("nct03879057", "surufatinib-toripalimab", 22), ("nct02955069", "spartalizumab", 116),
                 ("nice-nec", "nivolumab-carboplatin-etoposide", 38),
                 ("nct03728361", "nivolumab-temozolomide", 28), ("nipinec", "nivolumab", 91),
                 ("nipinec", "nivolumab-ipilimumab", 94), ("dart-swog-s1609", "nonpancreatic-nen", 32),
                 ("dart-swog-s1609", "high-grade-nen", 19), ("ca209-538", "nivolumab-ipilimumab", 29),
                 ("dune", "durvalumab-tremelimumab", 33)]


@pytest.mark.parametrize(("trial", "endpoint", "arm", "unit", "value", "note", "fragment"), OOKI_T6,
                         ids=[f"{t[0]}/{t[1]}/{t[4]}" for t in OOKI_T6])
def test_ooki_table6_values(kb, trial, endpoint, arm, unit, value, note, fragment):
    in_seed("ooki2023", fragment)
    hits = [o for o in kb.trials[trial].outcomes
            if o.endpoint == endpoint and o.arm == arm and o.unit == unit
            and o.value == pytest.approx(value)]
    assert hits, (trial, endpoint, arm, value, [o.value for o in kb.trials[trial].outcomes
                                                if o.endpoint == endpoint and o.arm == arm])
    if note:
        assert any(note in (o.note or "") for o in hits), (trial, endpoint, value, note)


@pytest.mark.parametrize(("trial", "arm", "n"), OOKI_T6_ARM_N)
def test_ooki_table6_arm_sizes(kb, trial, arm, n):
    assert {a.id: a.n for a in kb.trials[trial].arms}[arm] == n


# -- ooki2023 Table 7: phase of every row, status 'ongoing' ---------------------------------------
OOKI_T7_PHASE = {"I": "1", "II": "2", "III": "3", "I/II": "1/2", "II/III": "2/3", "I/IIa": "1/2"}
OOKI_T7 = [  # (nct, phase as printed, line as printed)
    ("NCT02113800", "II", "2nd"), ("NCT02687958", "II", "1st"), ("NCT02248012", "II", "1st"),
    ("NCT02695459", "II", "1st"), ("NCT04705519", "II", "2nd"), ("NCT03457844", "II", "2nd"),
    ("NCT05165407", "II", "2nd"), ("NCT05015621", "III", "2nd"), ("NCT04412629", "II", "2nd"),
    ("NCT04400474", "II", "Any"), ("NCT04079712", "II", "2nd"), ("NCT04514497", "II", "2nd"),
    ("NCT04802174", "I/II", "2nd"), ("NCT02487095", "II", "1st"), ("NCT03896503", "II", "1st"),
    ("NCT04209595", "I/II", "2nd"), ("NCT04701307", "II", "2nd"), ("NCT05076786", "II", "1st"),
    ("NCT05113355", "II", "2nd"), ("NCT03147404", "II", "2nd"), ("NCT05058651", "II/III", "1st"),
    ("NCT05142865", "II", "1st"), ("NCT03992911", "II/III", "1st"), ("NCT03517488", "I", "2nd"),
    ("NCT05337735", "II", "2nd"), ("NCT04429087", "I", "2nd"), ("NCT04471727", "I/II", "2nd"),
    ("NCT02409849", "II", "1st"), ("NCT00978211", "II", "Any"), ("NCT04525638", "II", "1st or 2nd"),
    ("NCT02936323", "I/IIa", "2nd"), ("NCT02250885", "II", "2nd"), ("NCT05126433", "II", "2nd"),
]
# rows whose status comes from mcclellan2022 Table 1 (more specific than 'ongoing')
T7_STATUS_FROM_MCCLELLAN = {"NCT05165407": "recruiting", "NCT04079712": "active_not_recruiting"}


def test_ooki_table7_covers_every_row():
    text = _raw("ooki2023")
    if not text:
        pytest.skip("seed texts not found")
    start = text.index("**Table 7** Ongoing clinical trials")
    end = text.index("Abbreviations", start)
    assert sorted(re.findall(r"^(NCT\d{8})\t", text[start:end], re.M)) == sorted(r[0] for r in OOKI_T7)


@pytest.mark.parametrize(("nct", "phase", "line"), OOKI_T7)
def test_ooki_table7_row(kb, nct, phase, line):
    assert re.search(rf"{nct}\t[^\n]*\t{re.escape(line)}\t{re.escape(phase)}\t",
                     _raw("ooki2023")), nct
    t = by_nct(kb, nct)
    assert t.phase == OOKI_T7_PHASE[phase]
    assert t.status == T7_STATUS_FROM_MCCLELLAN.get(nct, "ongoing")
    assert any(c.source == "ooki2023" and c.locator == "Table 7"
               for c in [*t.citations, *(c for cr in t.eligibility for c in cr.citations)])


# -- ooki2023 reference numbers on the NET trial records -----------------------------------------
OOKI_REFS = [  # (trial, ref, words of the reference-list entry)
    ("promid", "232", "A report from the PROMID Study Group"),
    ("clarinet", "234", "Lanreotide in metastatic enteropancreatic neuroendocrine tumors"),
    ("netter-1", "236", "Phase 3 trial of (177)Lu-dotatate for midgut neuroendocrine tumors"),
    ("radiant-3", "159", "Everolimus for advanced pancreatic neuroendocrine tumors"),
    ("e2211", "141", "temozolomide and capecitabine in patients with advanced pancreatic neuroendocrine tumors (ECOG-ACRIN E2211)"),
    ("nct00428597", "196", "Sunitinib malate for the treatment of pancreatic neuroendocrine tumors"),
    ("nct01841736", "197", "pazopanib versus placebo in patients with progressive carcinoid tumors (CARC) (Alliance A021202)"),
    ("nct01466036", "198", "Phase II trial of cabozantinib in patients with carcinoid and pancreatic neuroendocrine tumors (pNET)"),
    ("talent", "199", "Final results of the TALENT trial (GETNE1509)"),
    ("sanet-p", "200", "Surufatinib in advanced pancreatic neuroendocrine tumours (SANET-p)"),
    ("sanet-ep", "201", "Surufatinib in advanced extrapancreatic neuroendocrine tumours (SANET-ep)"),
]


@pytest.mark.parametrize(("trial", "ref", "title"), OOKI_REFS)
def test_ooki_reference_numbers_on_net_trials(kb, trial, ref, title):
    entry = re.search(rf"(?m)^{ref}\. (.*)$", _raw("ooki2023"))
    assert entry and _norm(title) in _norm(entry.group(1)), (ref, title)
    cits = [c for c in kb.trials[trial].citations if c.source == "ooki2023"]
    listed = [c for c in cits if c.locator == "References" and c.ref == ref]
    assert listed and all(_norm(c.quote or "") in _norm(entry.group(1)) for c in listed), (trial, ref)
    in_text = [c for c in cits if c.locator != "References" and c.ref
               and ref in c.ref.replace(" ", "").split(",")]
    assert in_text, (trial, ref, "no in-text ooki2023 citation")
