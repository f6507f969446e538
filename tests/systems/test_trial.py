"""Clonal model: calibration to trial medians, determinism, sequence outputs."""

import numpy as np
import pytest

from nenboard.errors import InputError
from nenboard.systems import calibration, clonal
from nenboard.systems import data as sysdata
from nenboard.systems.data import resolve_therapy
from nenboard.systems.trial import run_sequence, summarise


@pytest.fixture(scope="module")
def kb():
    return sysdata.load()


@pytest.fixture(scope="module")
def cal(kb):
    return calibration.cached(kb)


def test_calibration_reproduces_trial_medians_within_tolerance(cal):
    fitted = [r for r in cal.report if r.get("fitted")]
    assert len(fitted) >= 11
    for row in fitted:
        assert abs(row["relative_error"]) <= calibration.TOLERANCE, row
    checks = [r for r in cal.report if "check_passed" in r]
    assert checks and all(r["check_passed"] for r in checks)


def test_calibration_targets_are_data_with_citations(kb):
    for trial in kb.trials.values():
        assert trial.citations
        assert trial.control.median_months


def test_therapy_beats_placebo_in_same_population(kb, cal):
    for name in ("ssa", "everolimus", "sunitinib", "prrt"):
        res = run_sequence([kb.therapies[name]], kb, cal, 2000, seed=3, population="radiant4")
        base = run_sequence([kb.therapies["placebo"]], kb, cal, 2000, seed=3,
                            population="radiant4")
        m = clonal.median_time(res.outcome.duration[:, 0], res.outcome.progressed[:, 0])
        b = clonal.median_time(base.outcome.duration[:, 0], base.outcome.progressed[:, 0])
        assert m > 1.5 * b, name


def test_sequence_is_deterministic_and_summarised(kb, cal):
    seq = [resolve_therapy(n, kb) for n in ("octreotide", "Lutathera", "everolimus")]
    a = summarise(run_sequence(seq, kb, cal, 3000, seed=7), cal)
    b = summarise(run_sequence(seq, kb, cal, 3000, seed=7), cal)
    assert a == b
    assert a["sequence"] == ["ssa", "prrt", "everolimus"]
    total = a["time_to_last_progression"]
    assert total["median_months"] > max(line["median_months"] for line in a["lines"])
    lo, hi = total["ci95_months"]
    assert lo <= total["median_months"] <= hi
    assert "not a clinical recommendation" in a["disclaimer"]


def test_drug_induced_resistance_shortens_pfs(kb, cal):
    """Greene 2019: more induced resistance, earlier progression."""
    spec = kb.clonal
    therapy = kb.therapies["everolimus"]
    classes = calibration.resistance_classes([therapy])
    normals = clonal.draw_normals(2000, 1, 1, 5)
    cohort = clonal.make_cohort(normals, cal.growth_median["radiant4"], 0.7, 0.35, 1e-3, 1.0)
    meds = []
    for induced in (0.0, 0.05):
        line = calibration.make_lines([therapy], cal.effects, classes)[0]
        line = clonal.Line(line.therapy, line.kind, line.effect, line.treatment_months,
                           line.decay_months, line.resistance_class, induced)
        out = clonal.simulate([line], classes, cohort, spec.gompertz_capacity)
        meds.append(clonal.median_time(out.duration[:, 0], out.progressed[:, 0]))
    assert meds[1] < meds[0]


def test_unknown_therapy_is_input_error(kb):
    with pytest.raises(InputError):
        resolve_therapy("everolimuss", kb)


def test_median_time_matches_lifelines():
    from lifelines import KaplanMeierFitter

    rng = np.random.default_rng(0)
    d = rng.exponential(10, 500)
    e = rng.random(500) < 0.8
    kmf = KaplanMeierFitter().fit(d, e)
    assert clonal.median_time(d, e) == pytest.approx(kmf.median_survival_time_)


def test_every_systems_citation_names_a_registered_source():
    from nenboard.knowledge import default_kb
    from nenboard.knowledge.dates import citations_in as _citations
    from nenboard.systems import data as sysdata

    kb, data = default_kb(), sysdata.load()
    records = [*data.drugs.values(), *data.genotypes.values(), *data.therapies.values(),
               *data.trials.values(), data.clonal]
    sources = {c.source for rec in records for c in _citations(rec)}
    assert sources and sources <= set(kb.sources), sources - set(kb.sources)
