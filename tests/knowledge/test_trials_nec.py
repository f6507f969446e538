"""NEC trial records transcribed from ooki2023 (Ooki et al. 2023): numbers, quotes, NCT coverage
and the eligibility the matcher relies on.

The records live in ``knowledge/data/trials/nec_*.yaml``. Every number asserted here was checked by
hand against the seed text; the quote checks make a typo in a transcribed value fail CI.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from nenboard.knowledge.conditions import Truth, evaluate
from nenboard.knowledge.loader import DATA_DIR, load_with_problems

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
OOKI = SEEDS / "004_7c0b90b815a0ed8e.txt"
NEC_FILES = sorted((DATA_DIR / "trials").glob("nec_*.yaml"))

# NCT ids in ooki2023 that the NET curator owns (they also appear in the NET reviews).
OWNED_ELSEWHERE = {"NCT02113800", "NCT02248012", "NCT04079712", "NCT05165407"}

needs_seed = pytest.mark.skipif(not OOKI.exists(), reason=f"seed text not found at {OOKI}")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache
def kb():
    base, problems = load_with_problems()
    return base, problems


@lru_cache
def seed_text() -> str:
    return _norm(OOKI.read_text(encoding="utf-8"))


@lru_cache
def nec_ids() -> frozenset[str]:
    ids = set()
    for f in NEC_FILES:
        ids |= {r["id"] for r in yaml.safe_load(f.read_text(encoding="utf-8"))}
    return frozenset(ids)


def trial(tid: str):
    return kb()[0].trials[tid]


def outcome(tid: str, endpoint: str, arm: str, note_has: str | None = None, unit: str | None = None):
    hits = [o for o in trial(tid).outcomes if o.endpoint == endpoint and o.arm == arm
            and (note_has is None or note_has in (o.note or ""))
            and (unit is None or o.unit == unit)]
    assert len(hits) == 1, f"{tid}: expected one {endpoint}/{arm}/{note_has}, got {len(hits)}"
    return hits[0]


def nec_trials():
    return [trial(t) for t in sorted(nec_ids())]


# -- loading ---------------------------------------------------------------------------------

def test_nec_files_load_without_problems():
    assert NEC_FILES, "no nec_*.yaml trial files"
    _, problems = kb()
    mine = [str(p) for p in problems if "trials/nec_" in p.path]
    assert not mine, mine
    assert nec_ids() <= set(kb()[0].trials)


def test_every_record_cites_ooki2023_and_every_criterion_cites():
    for t in nec_trials():
        assert any(c.source == "ooki2023" for c in t.citations), t.id
        assert t.esmo_level and t.esmo_rationale, t.id
        for crit in t.eligibility:
            assert crit.citations, (t.id, crit.id)


def test_no_records_for_trials_owned_by_the_net_curator():
    for t in nec_trials():
        assert not set(t.nct) & OWNED_ELSEWHERE, t.id
    for name in ("netter-1", "clarinet", "radiant-3", "radiant-4", "promid", "e2211"):
        assert name not in nec_ids()


# -- quotes and numbers against the seed text ------------------------------------------------

def _num(v: float) -> str:
    return f"{v:g}"


# numbers the text writes in words
WORDS = {0: ("no objective response", "failed to show a treatment response"), 2: ("two ",)}


def _in_quote(v: float, quote: str) -> bool:
    return _num(v) in quote or any(w in quote for w in WORDS.get(v, ()))


@needs_seed
def test_every_quote_is_verbatim_in_ooki2023():
    text = seed_text()
    missing = []
    for t in nec_trials():
        cits = list(t.citations) + [c for o in t.outcomes for c in o.citations]
        cits += [c for crit in t.eligibility for c in crit.citations]
        for c in cits:
            if c.source == "ooki2023" and c.quote and _norm(c.quote) not in text:
                missing.append((t.id, c.quote[:80]))
    assert not missing, missing


@needs_seed
def test_every_outcome_value_appears_in_its_quote():
    bad = []
    for t in nec_trials():
        for o in t.outcomes:
            quotes = [_norm(c.quote) for c in o.citations if c.quote]
            assert quotes, (t.id, o.endpoint, o.arm)
            for v in (o.value, o.ci_low, o.ci_high):
                if v is not None and not any(_in_quote(v, q) for q in quotes):
                    bad.append((t.id, o.endpoint, o.arm, v))
    assert not bad, bad


@needs_seed
@pytest.mark.parametrize("tid,endpoint,arm,value,unit,note", [
    # TOPIC-NEC (Table 5 and section 3)
    ("topic-nec", "ORR", "ep", 55, "%", None),
    ("topic-nec", "PFS", "ep", 5.6, "months", None),
    ("topic-nec", "OS", "ep", 12.5, "months", None),
    ("topic-nec", "ORR", "ip", 53, "%", None),
    ("topic-nec", "PFS", "ip", 5.1, "months", None),
    ("topic-nec", "OS", "ip", 10.9, "months", None),
    # NORDIC NEC
    ("nordic-nec", "ORR", "platinum-all", 15, "%", "Ki-67 < 55%"),
    ("nordic-nec", "ORR", "platinum-all", 42, "%", "Ki-67 >= 55%"),
    ("nordic-nec", "ORR", "ep", 31, "%", None),
    ("nordic-nec", "OS", "ep", 12, "months", None),
    ("nordic-nec", "ORR", "cv", 44, "%", None),
    # NICE-NEC (Table 6 and text)
    ("nice-nec", "ORR", "nivolumab-carboplatin-etoposide", 54.1, "%", None),
    ("nice-nec", "PFS", "nivolumab-carboplatin-etoposide", 5.7, "months", None),
    ("nice-nec", "OS", "nivolumab-carboplatin-etoposide", 13.9, "months", "all patients"),
    ("nice-nec", "OS_rate", "nivolumab-carboplatin-etoposide", 53.8, "%", "all patients"),
    ("nice-nec", "OS_rate", "nivolumab-carboplatin-etoposide", 54.7, "%", "NEC"),
    ("nice-nec", "PFS_rate", "nivolumab-carboplatin-etoposide", 17.5, "%", None),
    ("nice-nec", "OS", "nivolumab-carboplatin-etoposide", 6.4, "months", "colorectal"),
    # Nivolumab +/- ipilimumab
    ("nipinec", "ORR", "nivolumab-ipilimumab", 11.6, "%", "GEP-NEC"),
    ("nipinec", "ORR", "nivolumab-ipilimumab", 18.2, "%", "LCNEC"),
    ("nipinec", "PFS", "nivolumab-ipilimumab", 1.9, "months", None),
    ("nipinec", "OS", "nivolumab-ipilimumab", 5.8, "months", None),
    ("nipinec", "ORR", "nivolumab", 7.1, "%", "GEP-NEC"),
    ("dart-swog-s1609", "ORR", "nonpancreatic-nen", 44, "%", "NEC"),
    ("dart-swog-s1609", "PFS_rate", "nonpancreatic-nen", 44, "%", "NEC"),
    ("dart-swog-s1609", "PFS_rate", "nonpancreatic-nen", 14, "%", "NET"),
    ("dart-swog-s1609", "ORR", "high-grade-nen", 26, "%", None),
    ("dune", "ORR", "durvalumab-tremelimumab", 9.1, "%", None),
    ("dune", "OS", "durvalumab-tremelimumab", 5.9, "months", None),
    # other ICI trials
    ("nct02939651", "PFS", "pembrolizumab", 8.9, "weeks", None),
    ("nct03136055", "PFS", "pembrolizumab", 58, "days", None),
    ("nct03167853", "ORR", "toripalimab", 18.7, "%", "NEC"),
    ("nct04169672", "PFS", "surufatinib-toripalimab", 3.94, "months", None),
    ("nct02955069", "ORR", "spartalizumab", 4.8, "%", "GEP-NEC"),
    # chemotherapy and targeted studies in the text
    ("prodige-41-bevanec", "OS", "folfiri", 8.9, "months", None),
    ("prodige-41-bevanec", "OS", "folfiri-bevacizumab", 7.0, "months", None),
    ("nector", "PFS", "everolimus", 1.2, "months", None),
    ("aliferis2020-capoxiri-bev", "ORR", "capoxiri-bev", 47.4, "%", None),
    ("carlsen2019-prrt-g3", "PFS", "nec-ki67-le55", 11, "months", None),
    ("carlsen2019-prrt-g3", "PFS", "nec-ki67-gt55", 4, "months", None),
    ("mcnamara2020-second-line-meta", "PFS", "second-line", 2.5, "months", None),
    ("net-02", "ORR", "nal-iri-5fu", 10, "%", None),
    ("walter2017-ffcd-gte", "PFS", "folfiri-second-line", 2.9, "months", None),
    ("tarlatamab-phase1", "ORR", "tarlatamab", 13, "%", None),
    ("thomas2021-berzosertib-topotecan", "ORR", "extrapulmonary-scnec", 20, "%", None),
])
def test_transcribed_numbers(tid, endpoint, arm, value, unit, note):
    o = outcome(tid, endpoint, arm, note, unit)
    assert o.value == pytest.approx(value)
    assert o.unit == unit


@needs_seed
def test_hazard_ratios_with_ci():
    hr = outcome("topic-nec", "OS", "all", unit="HR")
    assert (hr.value, hr.ci_low, hr.ci_high) == (1.04, 0.79, 1.37)
    assert "HR of 1.04 (95% CI: 0.79–1.37)" in seed_text()
    ncdb = outcome("alese2019-ncdb", "OS", "palliative-chemotherapy", unit="HR")
    assert (ncdb.value, ncdb.ci_low, ncdb.ci_high) == (0.43, 0.39, 0.48)
    assert ncdb.comparator == "no-chemotherapy"


@needs_seed
def test_table5_row_values_match_flattened_table():
    """Each Table 5 arm's ORR/PFS/OS equals the numbers in its quoted table row."""
    text = seed_text()
    checked = 0
    for t in nec_trials():
        for o in t.outcomes:
            for c in o.citations:
                if c.locator == "Table 5" and c.quote:
                    assert _norm(c.quote) in text, (t.id, c.quote)
                    fields = [_float(f) for f in _norm(c.quote).split(" ")]
                    assert o.value in fields, (t.id, o.endpoint, o.arm, o.value, c.quote)
                    checked += 1
    assert checked > 100


def _float(field: str) -> float | None:
    try:
        return float(field)
    except ValueError:
        return None


# -- NCT coverage ------------------------------------------------------------------------------

@needs_seed
def test_every_ooki2023_nct_is_in_a_trial_record():
    ncts = set(re.findall(r"NCT\d{8}", OOKI.read_text(encoding="utf-8")))
    assert len(ncts) == 50
    present = {n for t in kb()[0].trials.values() for n in t.nct}
    missing = ncts - present
    assert not missing, sorted(missing)
    mine = {n for t in nec_trials() for n in t.nct}
    assert ncts - OWNED_ELSEWHERE <= mine


# -- eligibility the matcher relies on -----------------------------------------------------------

DLL3_NEC_AFTER_PLATINUM = {
    "entity": "NEC", "differentiation": "poor", "morphology": "small_cell", "ki67": 80, "site": "esophagus",
    "gep": True, "sstr": "negative", "line": 2, "prior_classes": ["platinum"],
    "progressed_on_classes": ["platinum"], "ihc.DLL3": "positive",
}


def _verdict(tid: str, facts: dict) -> Truth:
    results = [evaluate(c.condition, facts).truth for c in trial(tid).eligibility]
    if Truth.NOT_MET in results:
        return Truth.NOT_MET
    return Truth.UNKNOWN if Truth.UNKNOWN in results else Truth.MET


@pytest.mark.parametrize("tid", ["nct04429087", "nct04471727"])
def test_dll3_positive_nec_after_platinum_fits_dll3_engager_trials(tid):
    assert _verdict(tid, DLL3_NEC_AFTER_PLATINUM) is Truth.MET
    negative = {**DLL3_NEC_AFTER_PLATINUM, "ihc.DLL3": "negative"}
    assert _verdict(tid, negative) is Truth.NOT_MET
    first_line = {**DLL3_NEC_AFTER_PLATINUM, "line": 1, "prior_classes": [], "progressed_on_classes": []}
    assert _verdict(tid, first_line) is Truth.NOT_MET


@pytest.mark.parametrize("tid", ["nct00978211", "nct02936323", "nct04525638", "nct02409849",
                                 "carlsen2019-prrt-g3"])
def test_sstr_negative_nec_fails_sstr_directed_trials(tid):
    assert _verdict(tid, DLL3_NEC_AFTER_PLATINUM) is Truth.NOT_MET
    assert any(c.condition.model_dump(by_alias=True, exclude_none=True) == {"fact": "sstr", "eq": "positive"}
               for c in trial(tid).eligibility)


@pytest.mark.parametrize("tid", ["nct02487095", "nct03896503", "nct04209595"])
def test_small_cell_only_trials_exclude_large_cell(tid):
    large = {**DLL3_NEC_AFTER_PLATINUM, "morphology": "large_cell"}
    assert evaluate(next(c.condition for c in trial(tid).eligibility if c.id == "morphology-small-cell"),
                    large).truth is Truth.NOT_MET


def test_sclc_and_non_nen_trials_never_fit_a_gep_nec():
    for tid in ("caspian", "meru", "tahoe", "tarlatamab-phase1", "checkmate-032", "skyscraper-02",
                "beacon-crc", "krystal-1-adagrasib-nsclc"):
        assert _verdict(tid, DLL3_NEC_AFTER_PLATINUM) is Truth.NOT_MET, tid


def test_biomarker_criteria():
    braf = {"entity": "NEC", "site": "colon", "gep": True, "alterations": ["BRAF V600E"]}
    assert _verdict("braf-colorectal-nec-case-series", braf) is Truth.MET
    kras = {**braf, "alterations": ["KRAS G12D"]}
    assert _verdict("braf-colorectal-nec-case-series", kras) is Truth.NOT_MET
    assert _verdict("le2015-pembrolizumab-dmmr", {"msi": "high"}) is Truth.MET
    # Ki-67 < 55% everolimus trial: a Ki-67 80% GEP-NEC in first line does not fit
    assert _verdict("nct02687958", {"entity": "NEC", "gep": True, "line": 1, "ki67": 80}) is Truth.NOT_MET
    assert _verdict("nct02687958", {"entity": "NEC", "gep": True, "line": 1, "ki67": 40}) is Truth.MET
