"""Trials of mcclellan2022 and pavel2016: transcribed numbers and NCT coverage.

Every expected value below was checked against the seed text; the test also
checks that each outcome's quote occurs in the cited review (whitespace
normalised), so a typo in either the number or the quote fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nenboard.knowledge.loader import DATA_DIR, load_with_problems

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED_FILES = {
    "mcclellan2022": "000_ed059868281264b1.txt",
    "pavel2016": "003_7063078c8ccfe278.txt",
    "ooki2023": "004_7c0b90b815a0ed8e.txt",
}
OWN_FILES = ("net_pivotal.yaml", "net_mcclellan_table1.yaml", "net_pavel_table3.yaml", "net_other.yaml")


@pytest.fixture(scope="module")
def kb():
    kb, _problems = load_with_problems()
    return kb


def _seed(source: str) -> str:
    path = SEEDS / SEED_FILES[source]
    if not path.exists():
        pytest.skip(f"seed texts not found at {SEEDS} (expected ../shared/seeds next to the repo)")
    return path.read_text(encoding="utf-8")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def outcome(kb, trial: str, endpoint: str, arm: str, unit: str, note_has: str | None = None):
    hits = [o for o in kb.trials[trial].outcomes
            if o.endpoint == endpoint and o.arm == arm and o.unit == unit
            and (note_has is None or (o.note and note_has in o.note))]
    assert hits, f"{trial}: no {endpoint}/{arm}/{unit} outcome"
    return hits


# (trial, endpoint, arm, unit, value, ci_low, ci_high, p, note substring to disambiguate)
NUMBERS = [
    # RADIANT-4 (mcclellan2022 3.3; pavel2016)
    ("radiant-4", "PFS", "everolimus", "months", 11.0, None, None, None, None),
    ("radiant-4", "PFS", "placebo", "months", 3.9, None, None, None, None),
    ("radiant-4", "OS", "everolimus", "HR", 0.64, None, None, "0.037", None),
    ("radiant-4", "ORR", "everolimus", "%", 2, None, None, None, None),
    ("radiant-4", "ORR", "placebo", "%", 1, None, None, None, None),
    ("radiant-4", "DCR", "everolimus", "%", 81, None, None, None, None),
    ("radiant-4", "DCR", "placebo", "%", 64, None, None, None, None),
    # NETTER-1
    ("netter-1", "PFS_rate", "lu177-dotatate", "%", 65.2, None, None, None, None),
    ("netter-1", "PFS_rate", "octreotide-60", "%", 10.8, None, None, None, None),
    ("netter-1", "PFS", "octreotide-60", "months", 8.4, None, None, None, None),
    ("netter-1", "OS", "lu177-dotatate", "months", 48.0, None, None, "0.30", None),
    ("netter-1", "OS", "octreotide-60", "months", 36.3, None, None, None, None),
    ("netter-1", "crossover", "octreotide-60", "%", 36, None, None, None, None),
    # CLARINET
    ("clarinet", "PFS", "placebo", "months", 18, None, None, "<0.001", None),
    ("clarinet", "PFS", "placebo", "months", 21, None, None, None, "small-intestinal"),
    ("clarinet", "PFS", "placebo", "months", 12, None, None, None, "pancreatic"),
    ("clarinet", "ORR", "lanreotide", "%", 2, None, None, None, None),
    # PROMID
    ("promid", "TTP", "octreotide", "months", 14.3, None, None, "<0.001", None),
    ("promid", "TTP", "placebo", "months", 6, None, None, None, None),
    ("promid", "ORR", "octreotide", "%", 2.4, None, None, None, None),
    # RADIANT-3 (pavel2016)
    ("radiant-3", "PFS", "everolimus", "months", 11, None, None, None, None),
    ("radiant-3", "PFS", "placebo", "months", 4.6, None, None, None, None),
    ("radiant-3", "DCR", "everolimus", "%", 73, None, None, None, None),
    # sunitinib phase III (A6181111)
    ("nct00428597", "PFS", "sunitinib", "months", 12.6, 11.1, 20.6, None, "independent"),
    ("nct00428597", "PFS", "placebo", "months", 5.8, 3.8, 7.2, None, "independent"),
    ("nct00428597", "PFS", "sunitinib", "HR", 0.32, 0.16, 0.55, "<0.0001", None),
    ("nct00428597", "PFS", "sunitinib", "months", 11.4, None, None, None, "Raymond"),
    ("nct00428597", "PFS", "placebo", "months", 5.5, None, None, None, "Raymond"),
    # E2211
    ("e2211", "PFS", "capecitabine-temozolomide", "months", 22.7, None, None, None, None),
    ("e2211", "PFS", "temozolomide", "months", 14.4, None, None, None, None),
    ("e2211", "PFS", "capecitabine-temozolomide", "HR", 0.58, None, None, "0.023", None),
    ("e2211", "ORR", "capecitabine-temozolomide", "%", 33.3, None, None, "0.47", None),
    ("e2211", "ORR", "temozolomide", "%", 27.8, None, None, None, None),
    # pasireotide phase III
    ("pasireotide-phase3", "symptom_control", "pasireotide", "%", 20.9, None, None, "0.53", None),
    ("pasireotide-phase3", "symptom_control", "octreotide", "%", 26.7, None, None, None, None),
    ("pasireotide-phase3", "tumor_control", "pasireotide", "%", 62.7, None, None, "0.09", None),
    ("pasireotide-phase3", "PFS", "pasireotide", "months", 11.8, None, None, "0.045", None),
    ("pasireotide-phase3", "PFS", "octreotide", "months", 6.8, None, None, None, None),
    # TALENT
    ("talent", "ORR", "pannet", "%", 44.2, None, None, None, None),
    ("talent", "ORR", "gi-net", "%", 16.4, None, None, None, None),
    ("talent", "DoR", "pannet", "months", 19.9, 8.4, 30.8, None, None),
    ("talent", "DoR", "gi-net", "months", 33.9, 10.6, 38.3, None, None),
    # pavel2016 Table 1
    ("calgb-80701", "ORR", "eve-oct", "%", 12, None, None, None, None),
    ("calgb-80701", "ORR", "eve-oct-beva", "%", 31, None, None, None, None),
    ("calgb-80701", "PFS", "eve-oct", "months", 14.0, None, None, None, None),
    ("calgb-80701", "PFS", "eve-oct-beva", "months", 16.7, None, None, None, None),
    ("calgb-80701", "OS", "eve-oct-beva", "months", 36.7, None, None, None, None),
    ("cooperate-2", "ORR", "eve-pas", "%", 20.3, None, None, None, None),
    ("cooperate-2", "PFS", "eve", "months", 16.8, None, None, None, None),
    ("cooperate-2", "PFS", "eve-pas", "months", 16.4, None, None, None, None),
    ("nct01628913", "PFS_rate", "eve", "%", 72, None, None, None, None),
    ("nct01628913", "PFS_rate", "bez235", "%", 70.5, None, None, None, None),
    ("nct00569127", "PFS", "oct-beva", "months", 16.6, None, None, None, None),
    ("nct00569127", "PFS", "oct-ifn", "months", 15.4, None, None, None, None),
    ("faiss2003", "ORR", "lan-ifn", "%", 7.1, None, None, None, None),
    ("arnold2005", "ORR", "oct-ifn", "%", 9.3, None, None, None, None),
]


@pytest.mark.parametrize(("trial", "endpoint", "arm", "unit", "value", "lo", "hi", "p", "note"), NUMBERS)
def test_transcribed_numbers(kb, trial, endpoint, arm, unit, value, lo, hi, p, note):
    hits = outcome(kb, trial, endpoint, arm, unit, note)
    match = [o for o in hits if o.value == pytest.approx(value)]
    assert match, f"{trial} {endpoint}/{arm}: expected {value}, have {[o.value for o in hits]}"
    o = match[0]
    if lo is not None:
        assert (o.ci_low, o.ci_high) == (pytest.approx(lo), pytest.approx(hi))
    if p is not None:
        assert o.p == p


def test_hr_comparators(kb):
    assert outcome(kb, "radiant-4", "OS", "everolimus", "HR")[0].comparator == "placebo"
    assert outcome(kb, "nct00428597", "PFS", "sunitinib", "HR")[0].comparator == "placebo"
    assert outcome(kb, "e2211", "PFS", "capecitabine-temozolomide", "HR")[0].comparator == "temozolomide"


def test_netter1_orr_both_sources(kb):
    values = {(o.arm, o.value) for o in kb.trials["netter-1"].outcomes if o.endpoint == "ORR"}
    assert {("lu177-dotatate", 18), ("octreotide-60", 3), ("lu177-dotatate", 19),
            ("octreotide-60", 2)} <= values


def test_quotes_of_own_trials_occur_in_the_sources(kb):
    """Each citation quote on our trials (record, outcome, criterion) is verbatim in its review."""
    texts = {s: _norm(_seed(s)) for s in SEED_FILES}
    own = _own_ids(DATA_DIR)
    missing = []
    for tid in own:
        t = kb.trials[tid]
        cits = list(t.citations)
        cits += [c for o in t.outcomes for c in o.citations]
        cits += [c for cr in t.eligibility for c in cr.citations]
        for c in cits:
            if c.quote and c.source in texts and _norm(c.quote) not in texts[c.source]:
                missing.append((tid, c.source, c.quote[:60]))
    assert not missing, missing


def _own_ids(data_dir: Path) -> list[str]:
    import yaml

    ids = []
    for name in OWN_FILES:
        path = data_dir / "trials" / name
        if path.exists():
            ids += [rec["id"] for rec in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return ids


def test_every_nct_in_mcclellan_and_pavel_is_curated(kb):
    seed_ncts: set[str] = set()
    for source in ("mcclellan2022", "pavel2016"):
        seed_ncts |= set(re.findall(r"NCT\d{8}", _seed(source)))
    assert len(seed_ncts) == 64
    curated = {n for t in kb.trials.values() for n in t.nct}
    missing = sorted(seed_ncts - curated)
    # NCT02628067 (KEYNOTE-158, pavel2016) belongs on the shared `keynote-158` record in
    # trials/nec_text.yaml (one record per trial); it fails here until that record lists it.
    assert not missing, f"NCT ids of mcclellan2022/pavel2016 without a trial record: {missing}"


def test_one_record_per_shared_trial(kb):
    by_nct = {n: t.id for t in kb.trials.values() for n in t.nct}
    assert by_nct["NCT01229943"] == "calgb-80701"   # pavel2016 Table 1 + mcclellan2022 Table 1
    assert by_nct["NCT02399215"] == "nct02399215"   # both reviews (nintedanib)
    assert by_nct["NCT01824875"] == "e2211"
    assert by_nct["NCT02294006"] == "metnet-1"
    sources = {c.source for c in kb.trials["calgb-80701"].citations}
    assert {"mcclellan2022", "pavel2016"} <= sources


def test_named_trials_present(kb):
    for tid in ("promid", "clarinet", "clarinet-forte", "netter-1", "radiant-2", "radiant-3",
                "radiant-4", "nct00428597", "e2211", "sanet-p", "sanet-ep", "talent",
                "cooperate-2", "calgb-80701", "seqtor", "reminet", "telestar",
                "pasireotide-phase3", "radnet", "spinet", "evinec"):
        assert tid in kb.trials, tid


def test_prrt_prior_criteria_distinguish_pb212_trials(kb):
    from nenboard.knowledge.conditions import Truth, evaluate

    naive = {"entity": "NET", "gep": True, "sstr": "positive", "advanced": True,
             "prior_classes": ["ssa"]}
    after = {**naive, "prior_classes": ["ssa", "prrt"]}

    def verdict(tid, facts):
        results = [evaluate(c.condition, facts).truth for c in kb.trials[tid].eligibility]
        return Truth.NOT_MET if Truth.NOT_MET in results else (
            Truth.UNKNOWN if Truth.UNKNOWN in results else Truth.MET)

    assert verdict("nct05153772", naive) is Truth.MET
    assert verdict("nct03466216", naive) is Truth.NOT_MET
    assert verdict("nct03466216", after) is Truth.MET
    assert verdict("nct05153772", after) is Truth.NOT_MET
    assert verdict("nct05477576", after) is Truth.MET
    sstr_negative = {**after, "sstr": "negative"}
    assert verdict("nct05477576", sstr_negative) is Truth.NOT_MET


def test_no_schema_or_condition_problems_in_own_trials(kb):
    _kb, problems = load_with_problems()
    own = set(_own_ids(DATA_DIR))
    bad = [p for p in problems
           if any(str(p).find(f"trials:{tid}") >= 0 for tid in own)
           and "unknown therapy" not in str(p)]
    assert not bad, bad
