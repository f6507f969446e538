"""Every classification flag fires where the sources say, and only there, with citations."""

from __future__ import annotations

import pytest

from nenboard.case import read_case
from nenboard.facts import classify


def _codes(kb, case):
    c = classify(read_case(case), kb)
    flags = [*c.warnings, *c.flags]
    assert all(f.citations for f in flags), "every flag cites its source"
    return {f.code for f in flags}, c


def test_well_differentiated_ki67_over_55(kb):
    codes, c = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 60}})
    assert "differentiation_proliferation_discordance" in codes
    assert "ki67_over_55" in codes
    assert "differentiation_proliferation_discordance" in {w.code for w in c.warnings}
    assert "differentiation_proliferation_discordance" not in _codes(
        kb, {"tumor": {"differentiation": "well", "ki67": 55}})[0]


def test_poorly_differentiated_low_ki67(kb):
    assert "differentiation_proliferation_discordance" in _codes(
        kb, {"tumor": {"differentiation": "poor", "ki67": 20}})[0]
    assert "differentiation_proliferation_discordance" not in _codes(
        kb, {"tumor": {"differentiation": "poor", "ki67": 20.1}})[0]


@pytest.mark.parametrize(("ki67", "code"), [(3, "g2_low"), (9, "g2_low"), (10, "g2_high"),
                                            (20, "g2_high")])
def test_g2_split(kb, ki67, code):
    codes, _ = _codes(kb, {"tumor": {"differentiation": "well", "ki67": ki67}})
    assert code in codes
    assert ({"g2_low", "g2_high"} - {code}).isdisjoint(codes)


def test_g2_split_not_for_g1_or_g3(kb):
    for ki67 in (2, 25):
        assert {"g2_low", "g2_high"}.isdisjoint(
            _codes(kb, {"tumor": {"differentiation": "well", "ki67": ki67}})[0])


@pytest.mark.parametrize(("ki67", "code"), [(54.9, "nec_ki67_below_55"),
                                            (55, "nec_ki67_55_or_more"),
                                            (90, "nec_ki67_55_or_more")])
def test_nec_55_split(kb, ki67, code):
    codes, c = _codes(kb, {"tumor": {"differentiation": "poor", "ki67": ki67}})
    assert code in codes
    flag = next(f for f in c.flags if f.code == code)
    assert any(cit.source == "ooki2023" for cit in flag.citations)


def test_imaging_expected_and_discordant(kb):
    codes, _ = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 5},
                           "imaging": {"sstr": "negative", "fdg": "positive"}})
    assert {"expected_imaging", "imaging_discordance"} <= codes
    codes, _ = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 5},
                           "imaging": {"sstr": "positive", "fdg": "negative"}})
    assert "imaging_discordance" not in codes
    codes, _ = _codes(kb, {"tumor": {"differentiation": "poor", "ki67": 40},
                           "imaging": {"sstr": "positive"}})
    assert "imaging_discordance" in codes  # SSTR-positive NEC: PRRT may be considered


def test_unknown_imaging_raises_no_discordance(kb):
    codes, _ = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 5},
                           "imaging": {"sstr": "unknown"}})
    assert "imaging_discordance" not in codes


@pytest.mark.parametrize(("syndrome", "marker"), [
    ("carcinoid_syndrome", "5-HIAA"), ("insulinoma", "insulin"), ("gastrinoma", "gastrin"),
    ("glucagonoma", "glucagon"), ("vipoma", "VIP"), ("somatostatinoma", "somatostatin"),
])
def test_functional_syndrome_markers(kb, syndrome, marker):
    _, c = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 5,
                                 "functional_syndrome": syndrome}})
    flag = next(f for f in c.flags if f.code == "functional_syndrome")
    assert marker in flag.message


@pytest.mark.parametrize("syndrome", ["MEN1", "VHL", "NF1", "TSC"])
def test_hereditary_notes(kb, syndrome):
    codes, _ = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 5,
                                     "hereditary_syndrome": syndrome}})
    assert "hereditary_syndrome" in codes


def test_molecular_diagnostic_flags(kb):
    codes, _ = _codes(kb, {"tumor": {"differentiation": "well", "ki67": 40},
                           "molecular": {"ihc": {"RB1": "loss"}}})
    assert "molecular_supports_nec" in codes
    codes, _ = _codes(kb, {"tumor": {"differentiation": "poor", "ki67": 40},
                           "molecular": {"alterations": [{"gene": "DAXX", "alteration": "loss"}]}})
    assert "molecular_supports_net" in codes


def test_minen_flag(kb):
    codes, _ = _codes(kb, {"tumor": {"differentiation": "poor", "ki67": 60,
                                     "minen_fraction": 0.4}})
    assert "minen" in codes
