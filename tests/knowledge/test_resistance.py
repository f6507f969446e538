"""Resistance mechanisms (knowledge/data/resistance/*.yaml) and the primary/secondary resistance
definitions of the therapy classes (therapy_classes/core.yaml).

Sources: mcclellan2022 section 3 (core) and Table 1, pavel2016, ooki2023. Every number asserted
here was checked by hand against the seed text; the seed checks make a typo fail CI.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

from nenboard.knowledge.loader import load_with_problems

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
MCCLELLAN = SEEDS / "000_ed059868281264b1.txt"
SEED_FILES = {
    "mcclellan2022": "000_ed059868281264b1.txt",
    "pavel2016": "003_7063078c8ccfe278.txt",
    "ooki2023": "004_7c0b90b815a0ed8e.txt",
}
needs_seed = pytest.mark.skipif(not MCCLELLAN.exists(), reason=f"seed texts not found at {SEEDS}")

CORE_CLASSES = ("ssa", "prrt", "mtor_inhibitor", "vegfr_tki", "alkylating", "platinum",
                "immune_checkpoint_inhibitor")
HDACI = {"valproic-acid", "tacedinaline", "vorinostat", "panobinostat", "entinostat"}
DNMTI = {"decitabine", "azacitidine"}


@lru_cache
def _kb():
    return load_with_problems()


@pytest.fixture(scope="module")
def kb():
    return _kb()[0]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\\geq", "≥").replace("\\leq", "≤").replace("\\%", "%")
    text = text.replace("\\pm", "±")
    text = re.sub(r"[*_`$]|\^\{|\}", "", text)
    text = text.replace("\u2013", "-").replace("\u2212", "-")
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@lru_cache
def _seed(source: str) -> str:
    return _norm((SEEDS / SEED_FILES[source]).read_text(encoding="utf-8"))


def _mechanisms(kb, cls):
    return [m for m in kb.resistance.values() if m.therapy_class == cls]


def _text(m) -> str:
    return " ".join([m.id, m.name, *m.synonyms, m.description]).lower()


def _find(kb, cls, *words):
    """Mechanisms of class `cls` whose id/name/synonyms/description mention every word."""
    return [m for m in _mechanisms(kb, cls) if all(w.lower() in _text(m) for w in words)]


# -- integrity -----------------------------------------------------------------------------------

def test_resistance_records_load_without_schema_errors():
    _, problems = _kb()
    mine = [p for p in problems if p.path.startswith(("resistance/", "therapy_classes/"))]
    assert not mine, "\n".join(map(str, mine))


def test_resistance_cross_references_resolve(kb):
    from nenboard.knowledge.check import check

    bad = [p for p in check(kb) if p.path.startswith("resistance:")
           and "therapy class" in p.message]
    assert not bad, "\n".join(map(str, bad))


@pytest.mark.parametrize("cls", CORE_CLASSES)
def test_each_core_class_has_mechanisms_and_definitions(kb, cls):
    assert len(_mechanisms(kb, cls)) >= 2, f"{cls}: fewer than 2 resistance mechanisms"
    tc = kb.therapy_classes[cls]
    assert tc.primary_resistance and len(tc.primary_resistance) > 40
    assert tc.secondary_resistance and len(tc.secondary_resistance) > 40
    # the general definition (mcclellan2022 [4], Introduction) is cited on every class
    assert any(c.source == "mcclellan2022" and c.ref == "4" and c.quote for c in tc.citations)


def test_ssa_definition_treats_stable_disease_as_control(kb):
    tc = kb.therapy_classes["ssa"]
    assert "cytostatic" in tc.primary_resistance
    assert "stable disease" in tc.primary_resistance and "control" in tc.primary_resistance
    assert "4 bowel movements" in tc.secondary_resistance
    quotes = " ".join(c.quote or "" for c in tc.citations)
    assert "(2.4, 2%, respectively)" in quotes


def test_every_mechanism_and_strategy_is_cited_with_quotes(kb):
    missing = []
    for m in kb.resistance.values():
        if not any(c.quote for c in m.citations):
            missing.append(m.id)
        for i, s in enumerate(m.strategies):
            if not s.citations:
                missing.append(f"{m.id}.strategies[{i}] uncited")
            # a strategy stating a number must carry a verbatim quote for it
            if re.search(r"\d+(\.\d+)?\s*(%|months)", s.description) and not any(
                    c.quote for c in s.citations):
                missing.append(f"{m.id}.strategies[{i}] numeric without quote")
    assert not missing, missing


def test_cell_line_evidence_names_the_lines(kb):
    bad = [m.id for m in kb.resistance.values()
           if "cell_line" in m.evidence_types and not m.cell_lines]
    assert not bad, bad


# -- content the planner's resistance analysis depends on -----------------------------------------

def test_ssa_epigenetic_silencing_with_hdaci_and_dnmti_strategies(kb):
    hits = _find(kb, "ssa", "epigenetic", "sstr")
    assert hits, "no SSA epigenetic SSTR-silencing mechanism"
    m = next(h for h in hits if h.strategies)
    therapies = {t for s in m.strategies for t in s.therapies}
    assert therapies & HDACI, f"no HDAC inhibitor among {therapies}"
    assert therapies & DNMTI, f"no DNMT inhibitor among {therapies}"
    assert {"BON1", "H727", "QGP1"} <= set(m.cell_lines)
    assert "cell_line" in m.evidence_types


def test_ssa_internalization_and_clonal_selection(kb):
    intern = _find(kb, "ssa", "internalization")
    assert intern and intern[0].kind == "secondary"
    assert "NG108-15" in intern[0].cell_lines
    # dose escalation / drug holiday is recorded as NOT effective in SSA-resistant patients
    dose = [s for s in intern[0].strategies if "dose" in s.description.lower()]
    assert dose and "not demonstrated efficacy" in dose[0].citations[0].quote
    clonal = _find(kb, "ssa", "clone")
    assert clonal and any("SSTR PET" in t for t in clonal[0].tests)
    assert any("pasireotide" in s.therapies for s in clonal[0].strategies)


def test_refractory_carcinoid_syndrome_strategies(kb):
    m = _find(kb, "ssa", "bowel movements")
    assert m
    therapies = {t for s in m[0].strategies for t in s.therapies}
    assert {"telotristat-ethyl", "lutetium-177-dotatate"} <= therapies
    assert any("telestar" in s.trials for s in m[0].strategies)


def test_mtor_feedback_mechanisms_with_cell_line_evidence(kb):
    irs1 = _find(kb, "mtor_inhibitor", "irs1", "akt")
    erk = _find(kb, "mtor_inhibitor", "raf/mek/erk")
    assert irs1, "no IRS1/AKT feedback mechanism for everolimus"
    assert erk, "no RAF/MEK/ERK feedback mechanism for everolimus"
    for group in (irs1, erk):
        assert any("cell_line" in m.evidence_types and m.cell_lines for m in group)
    akt = _find(kb, "mtor_inhibitor", "mtorc2", "akt")
    assert akt and {"QGP-1", "BON-1"} <= set(akt[0].cell_lines)
    assert any({"vistusertib", "osi-027"} <= set(s.therapies) for s in akt[0].strategies)
    assert any("metformin" in s.therapies for m in irs1 for s in m.strategies)
    assert set(erk[0].cell_lines) >= {"QGP-1", "BON-1"}


def test_mtor_other_mechanisms(kb):
    assert _find(kb, "mtor_inhibitor", "fkbp12", "frb")
    fgfr4 = _find(kb, "mtor_inhibitor", "fgfr4")
    assert fgfr4 and fgfr4[0].ambiguities  # 'mutation' vs G388R polymorphism kept visible
    holiday = _find(kb, "mtor_inhibitor", "drug holiday")
    assert holiday and holiday[0].kind == "secondary"
    assert "10-12 weeks" in holiday[0].description
    assert any("10–12 weeks" in (c.quote or "") for s in holiday[0].strategies
               for c in s.citations)


def test_prrt_mechanisms(kb):
    dna = _find(kb, "prrt", "dna", "repair")
    assert dna and {"AR42J", "H1299-7", "H69"} <= set(dna[0].cell_lines)
    therapies = {t for s in dna[0].strategies for t in s.therapies}
    assert {"talazoparib", "lead-212-dotamtate", "actinium-225-dotatate"} <= therapies
    hif = _find(kb, "prrt", "hif-2")
    assert hif and hif[0].kind == "both"  # mcclellan2022: 'both primary and secondary'
    assert any("belzutifan" in s.therapies for s in hif[0].strategies)
    sstr = _find(kb, "prrt", "sstr", "krenning")
    assert sstr and sstr[0].kind == "primary"
    assert {"SSTR PET", "FDG PET"} <= {t.split(" (")[0] for t in sstr[0].tests}


def test_tki_mechanisms_are_secondary_and_cover_the_four_named(kb):
    for words in (("alternative", "angiogenic"), ("lysosom",), ("autophagy",),
                  ("hypoxia", "macrophages")):
        hits = _find(kb, "vegfr_tki", *words)
        assert hits, words
        assert hits[0].kind == "secondary"
    alt = _find(kb, "vegfr_tki", "alternative", "angiogenic")[0]
    therapies = {t for s in alt.strategies for t in s.therapies}
    assert {"surufatinib", "cabozantinib", "lenvatinib"} <= therapies
    trials = {t for s in alt.strategies for t in s.trials}
    assert {"sanet-p", "sanet-ep", "talent"} <= trials


def test_alkylating_mgmt(kb):
    mgmt = _find(kb, "alkylating", "mgmt")
    assert mgmt and any("MGMT" in t for t in mgmt[0].tests)
    trials = {t for s in mgmt[0].strategies for t in s.trials}
    assert {"nct03217097", "nct05142241", "nct05247905", "nct04339036"} <= trials


def test_platinum_and_ici_mechanisms(kb):
    assert _find(kb, "platinum", "slfn11")
    ki67 = _find(kb, "platinum", "55%")
    assert ki67 and ki67[0].kind == "primary"
    assert _find(kb, "platinum", "replication stress")
    tmb = _find(kb, "immune_checkpoint_inhibitor", "tmb")
    assert tmb and any("MSI" in t for t in tmb[0].tests)
    cold = _find(kb, "immune_checkpoint_inhibitor", "cold")
    assert cold and len(cold[0].strategies) >= 3


def test_extrapolated_platinum_mechanisms_say_so(kb):
    """Mechanisms shown only in SCLC must keep that visible (DESIGN.md: extrapolation from SCLC)."""
    for m in _mechanisms(kb, "platinum"):
        if "sclc" in m.description.lower() and "gep-nec" not in m.description.lower():
            assert any("sclc" in a.lower() or "extrapolat" in a.lower() for a in m.ambiguities) \
                or any("extrapolat" in (s.evidence or "").lower() for s in m.strategies), m.id


# -- mcclellan2022 Table 1: every trial targeting resistance is linked to a mechanism --------------

@needs_seed
def test_every_mcclellan_table1_trial_is_referenced(kb):
    raw = MCCLELLAN.read_text(encoding="utf-8")
    table = raw[raw.index("Table 1. Active or planned trials"):raw.index("Abbreviations: GEP-NET")]
    ncts = set(re.findall(r"NCT\d{8}", table))
    assert len(ncts) == 27
    referenced = {t for m in kb.resistance.values() for s in m.strategies for t in s.trials}
    nct_of = {tid: set(tr.nct) for tid, tr in kb.trials.items()}
    covered = set()
    for tid in referenced:
        covered |= nct_of.get(tid, set())
        if re.fullmatch(r"nct\d{8}", tid):
            covered.add(tid.upper())
    assert not ncts - covered, sorted(ncts - covered)


# -- numbers transcribed from the text ----------------------------------------------------------

NUMBERS = [
    # (mechanism id, source, fragment that must be in a quote of that record and in the seed)
    ("mtor-irs1-igf1r-pi3k-feedback", "mcclellan2022", "-71% ± 13%, p < 0.0001"),
    ("mtor-irs1-igf1r-pi3k-feedback", "mcclellan2022", "median pfs was 43.6 months and os was 25.5 months"),
    ("mtor-mtorc2-akt-feedback", "mcclellan2022", "pfs rate of 51.6% at 16 weeks"),
    ("mtor-mtorc2-akt-feedback", "mcclellan2022", "16 of the 31 patients"),
    ("mtor-mtorc2-akt-feedback", "pavel2016", "discontinued in 38% of the patients"),
    ("ssa-clonal-selection-sstr-negative", "mcclellan2022", "11.8 months vs. 6.8 months, p = 0.045"),
    ("ssa-refractory-hormonal-syndrome", "mcclellan2022", "54% complete and 35% partial"),
    ("ssa-refractory-hormonal-syndrome", "mcclellan2022", "17% complete and 28% partial"),
    ("prrt-dna-repair-upregulation", "mcclellan2022", "complete in 1, partial in 2, and stable in 3"),
    ("prrt-hypoxia-hif2a", "mcclellan2022", "49% objective response"),
    ("prrt-low-or-heterogeneous-sstr-expression", "mcclellan2022", "pfs was 21 months with an orr of 45%"),
    ("prrt-high-proliferation-nec", "ooki2023", "19 months in g3 net, 11 months for nec"),
    ("tki-alternative-proangiogenic-pathways", "mcclellan2022", "orr of 44.2% (pannet) and 16.4% (gi-net)"),
    ("alkylating-mgmt-expression", "mcclellan2022", "22.7 months versus 14.4 months"),
    ("alkylating-mgmt-expression", "pavel2016", "between 0 and 40%"),
    ("platinum-low-proliferation-net-g3", "ooki2023", "15% for patients with ki-67 < 55% and 42%"),
    ("platinum-short-response-nec", "ooki2023", "18% and 2.5 months"),
    ("platinum-ezh2-slfn11-silencing", "ooki2023", "orr and dcr were 47% and 93%"),
    ("ici-immune-cold-microenvironment", "mcclellan2022", "orr of 24% in 29 patients"),
    ("ici-immune-cold-microenvironment", "ooki2023", "23.1% and 4.0 months"),
    ("ici-low-tmb-msi-stable", "ooki2023", "1.7-8.5% of extrapulmonary necs"),
]


@needs_seed
@pytest.mark.parametrize(("mid", "source", "fragment"), NUMBERS)
def test_transcribed_numbers_match_the_source(kb, mid, source, fragment):
    m = kb.resistance[mid]
    quotes = [c for c in m.citations if c.source == source and c.quote]
    quotes += [c for s in m.strategies for c in s.citations if c.source == source and c.quote]
    frag = _norm(fragment)
    assert any(frag in _norm(c.quote) for c in quotes), f"{mid}: no {source} quote with {fragment!r}"
    assert frag in _seed(source), f"{fragment!r} not in {source}"


@needs_seed
def test_every_resistance_quote_is_in_its_source(kb):
    missing = []
    for m in kb.resistance.values():
        cits = list(m.citations) + [c for s in m.strategies for c in s.citations]
        for c in cits:
            if c.quote and c.source in SEED_FILES and _norm(c.quote) not in _seed(c.source):
                missing.append(f"{m.id} [{c.source}] {c.quote[:80]!r}")
    for cls in CORE_CLASSES:
        for c in kb.therapy_classes[cls].citations:
            if c.quote and c.source in SEED_FILES and _norm(c.quote) not in _seed(c.source):
                missing.append(f"class {cls} [{c.source}] {c.quote[:80]!r}")
    assert not missing, "\n".join(missing)
