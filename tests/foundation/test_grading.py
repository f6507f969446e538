"""WHO 2019 grading: every boundary, the higher-index rule, NEC and MiNEN."""

from __future__ import annotations

import pytest

from nenboard.case import read_case
from nenboard.facts import classify


def _classify(kb, **tumor):
    return classify(read_case({"tumor": tumor}), kb)


@pytest.mark.parametrize(("ki67", "grade"), [
    (0, "G1"), (2.9, "G1"), (3, "G2"), (9.9, "G2"), (10, "G2"), (20, "G2"), (20.1, "G3"),
    (55, "G3"), (100, "G3"),
])
def test_ki67_boundaries(kb, ki67, grade):
    c = _classify(kb, differentiation="well", ki67=ki67)
    assert (c.entity, c.grade, c.who_label) == ("NET", grade, f"NET {grade}")


@pytest.mark.parametrize(("mitoses", "grade"), [
    (0, "G1"), (1, "G1"), (1.9, "G1"), (2, "G2"), (20, "G2"), (20.5, "G3"), (21, "G3"),
])
def test_mitotic_boundaries(kb, mitoses, grade):
    assert _classify(kb, differentiation="well", mitoses=mitoses).grade == grade


@pytest.mark.parametrize(("ki67", "mitoses", "grade"), [
    (2, 5, "G2"), (25, 1, "G3"), (8, 25, "G3"), (1, 1, "G1"), (15, 15, "G2"),
])
def test_higher_index_wins(kb, ki67, mitoses, grade):
    c = _classify(kb, differentiation="well", ki67=ki67, mitoses=mitoses)
    assert c.grade == grade
    if c.ki67_grade != c.mitotic_grade:
        assert any("higher grade" in r for r in c.rationale)


def test_grade_indeterminate_without_indices(kb):
    c = _classify(kb, differentiation="well")
    assert c.entity == "NET" and c.grade is None
    assert "indeterminate" in c.who_label
    assert any("neither Ki-67 nor mitotic count" in r for r in c.rationale)


def test_entity_indeterminate_without_differentiation(kb):
    c = _classify(kb, ki67=12)
    assert c.entity is None and c.grade is None
    assert c.who_label.startswith("indeterminate")
    assert c.ki67_grade == "G2"  # the index is reported, the entity is not guessed


@pytest.mark.parametrize(("morphology", "label"), [
    ("small_cell", "NEC, small cell type"), ("large_cell", "NEC, large cell type"), (None, "NEC"),
])
def test_nec(kb, morphology, label):
    c = _classify(kb, differentiation="poor", morphology=morphology, ki67=70)
    assert (c.entity, c.grade, c.who_label) == ("NEC", None, label)


def test_morphology_alone_means_nec(kb):
    assert _classify(kb, morphology="small_cell", ki67=80).entity == "NEC"


@pytest.mark.parametrize(("fraction", "entity"), [
    (0.29, "NEC"), (0.3, "MiNEN"), (0.5, "MiNEN"), (0.7, "MiNEN"), (0.71, None),
])
def test_minen_threshold(kb, fraction, entity):
    c = _classify(kb, differentiation="poor", ki67=60, minen_fraction=fraction)
    assert c.entity == entity
    if entity is None:
        assert [w.code for w in c.warnings] == ["not_a_nen"]


def test_oncotree_codes(kb):
    assert _classify(kb, differentiation="well", ki67=5, primary_site="pancreas").oncotree == "PANET"
    assert _classify(kb, differentiation="poor", ki67=80, primary_site="pancreas").oncotree == "PANEC"
    small = _classify(kb, differentiation="poor", morphology="small_cell", ki67=80,
                      primary_site="unknown")
    assert small.oncotree == "SCUP"
    assert _classify(kb, differentiation="well", ki67=1, primary_site="rectum").oncotree == "RWDNET"
