"""Published qualitative behaviours of the pathway model (reference README)."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from nenboard.errors import InputError
from nenboard.systems import data as sysdata
from nenboard.systems import model, odes, sbml
from nenboard.systems.pathway import predict, rank_combinations
from nenboard.systems.perturbations import dosed_drugs, genotypes_by_name


@pytest.fixture(scope="module")
def kb():
    return sysdata.load()


def run(kb, drugs, genotypes=()):
    return predict(dosed_drugs(kb, drugs), genotypes_by_name(kb, list(genotypes)))


def test_everolimus_raises_akt_s473_via_s6k_irs1_feedback(kb):
    r = run(kb, ["everolimus"])
    assert r.fold_change["pS6K"] < 0.6
    assert r.fold_change["IRS1_active"] > 1.2  # feedback relieved
    assert r.fold_change["pAKT_S473"] > 1.1
    assert r.escape["akt_escape"] is True


def test_mtorc1_inhibition_raises_erk(kb):
    assert run(kb, ["everolimus"]).fold_change["pERK"] > 1.2


def test_igf1r_blockade_blunts_akt_rise(kb):
    alone = run(kb, ["everolimus"]).fold_change["pAKT_S473"]
    combo = run(kb, ["everolimus", "cixutumumab"]).fold_change["pAKT_S473"]
    assert combo < 1.0 < alone


def test_dual_mtorc1_2_inhibitor_lowers_s473_but_t308_returns(kb):
    r = run(kb, ["azd2014"])
    assert r.fold_change["pAKT_S473"] < 0.9
    assert r.fold_change["mTORC2_activity"] < 0.2
    assert r.fold_change["pAKT_T308"] > 0.9  # RTK feedback relief (Rodrik-Outmezguine 2011)


def test_tsc2_loss_raises_baseline_mtorc1_output(kb):
    r = run(kb, ["everolimus"], ["TSC2_loss"])
    assert r.genotype_effect["mTORC1_activity"] > 1.1
    assert r.genotype_effect["pS6K"] > 1.1


@pytest.mark.parametrize("geno,readout", [("KRAS_activating", "pERK"),
                                          ("BRAF_activating", "pERK"),
                                          ("NF1_loss", "pERK"),
                                          ("PTEN_loss", "pAKT_S473"),
                                          ("PIK3CA_activating", "pAKT_T308")])
def test_genotypes_activate_their_branch(kb, geno, readout):
    r = run(kb, ["trametinib"], [geno])
    assert r.genotype_effect[readout] > 1.1


def test_mek_inhibitor_lowers_erk_and_dose_response_is_monotone(kb):
    folds = [predict(dosed_drugs(kb, ["trametinib"], [d])).fold_change["pERK"]
             for d in (0.1, 1, 10, 100)]
    assert all(a > b for a, b in itertools.pairwise(folds))
    assert folds[-1] < 0.2


def test_everolimus_ic50_is_the_cited_value(kb):
    eff = kb.drugs["everolimus"].effects[0]
    assert eff.ic50_nm == 34 and eff.evidence == "cited"
    assert eff.value(34) == pytest.approx(eff.emax / 2)


REFERENCE = Path("/work/shared/reference/sbml/BIOMD0000000581_DallePezze2012_mTORC1_mTORC2.xml")


@pytest.mark.skipif(not REFERENCE.is_file(), reason="reference SBML not available")
def test_neutral_parameters_reproduce_dalle_pezze_2012():
    """The core equals BIOMD0000000581 when no perturbation is applied."""
    import roadrunner

    ref = roadrunner.RoadRunner(str(REFERENCE))
    ref.timeCourseSelections = ["time", "species_4", "species_17", "species_7"]
    ours = model.simulate({"ampk_coupling": 0}, 120, 13,
                          selections=["Akt_pT308_pS473", "p70S6K_pT389",
                                                   "IRS1_p_PI3K"])
    got = ref.simulate(0, 120, 13)
    np.testing.assert_allclose(ours[:, 1:], np.array(got)[:, 1:], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("params", [{}, {"inh_mTORC1_allo": 0.7, "tsc_factor": 0.1,
                                         "ampk_drug": 2.0, "gap_factor": 0.1,
                                         "inh_IGF1R": 0.5}])
def test_roadrunner_agrees_with_scipy_lsoda(params):
    """Tolerance: 1e-4 absolute on readouts in 0..1 (observed ~1e-6)."""
    times = np.linspace(0, 60, 13)
    a = odes.lsoda_readouts(sbml.export_sbml(), params, times, list(model.READOUTS))
    b = model.simulate(params, 60, 13)[:, 1:]
    np.testing.assert_allclose(a, b, atol=1e-4)


def test_sbml_export_validates_and_loads():
    import roadrunner

    text = sbml.export_sbml()
    assert sbml.validate_sbml(text).ok
    rr = roadrunner.RoadRunner(text)
    assert len(rr.model.getFloatingSpeciesIds()) > 30


def test_rank_prefers_mek_combination_for_braf(kb):
    cands = dosed_drugs(kb, ["everolimus", "trametinib", "cixutumumab", "metformin"])
    rows = rank_combinations(cands, genotypes_by_name(kb, ["BRAF_activating"]))
    top = rows[0]
    assert "trametinib" in top["drugs"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["score"] <= rows[-1]["score"]


def test_unknown_drug_lists_close_matches(kb):
    with pytest.raises(InputError) as e:
        dosed_drugs(kb, ["everolimu"])
    assert "everolimus" in str(e.value)


@pytest.mark.parametrize("dose", [0.0, -1.0, float("nan")])
def test_bad_dose_is_input_error(kb, dose):
    with pytest.raises(InputError):
        dosed_drugs(kb, ["everolimus"], [dose])


def test_synonyms_case_insensitive(kb):
    assert dosed_drugs(kb, ["RAD001"])[0].drug.id == "everolimus"
    assert dosed_drugs(kb, ["Vistusertib"])[0].drug.id == "azd2014"


def test_unknown_genotype_and_untargeted_drug(kb):
    with pytest.raises(InputError):
        genotypes_by_name(kb, ["TSC3_loss"])
    with pytest.raises(InputError, match="signalling model"):
        dosed_drugs(kb, ["Lutathera"])
