"""The worked examples give the options the sources support (issue 4, 'Done when')."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenboard.case import read_case
from nenboard.facts import derive_facts
from nenboard.knowledge import KnowledgeBase
from nenboard.therapy import plan
from nenboard.therapy.model import Plan
from tests.conftest import EXAMPLES
from tests.therapy.helpers import violations


def _plan(name: str, kb: KnowledgeBase) -> Plan:
    path = EXAMPLES / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"example {name} not written yet")
    return plan(read_case(path, kb), kb)


def cats(p: Plan, category: str) -> set[str]:
    return {o.therapy for o in p.options if o.category == category}


def option(p: Plan, therapy: str, category: str | None = None):
    found = [o for o in p.options if o.therapy == therapy
             and (category is None or o.category == category)]
    assert found, f"{therapy} not offered ({category}); got {[(o.therapy, o.category) for o in p.options]}"
    return found[0]


def excluded_reasons(p: Plan, therapy: str) -> str:
    return " | ".join(e.reason for e in p.excluded if e.therapy == therapy)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_keeps_the_safety_invariants(path: Path, kb: KnowledgeBase) -> None:
    case = read_case(path, kb)
    result = plan(case, kb)
    assert violations(result, derive_facts(case, kb), kb) == []
    assert result.disclaimer.startswith("nenboard supports, and does not replace")


def test_pannet_after_everolimus(kb: KnowledgeBase) -> None:
    p = _plan("pannet_after_everolimus", kb)
    assert {"sunitinib", "captem", "stz-5fu"} <= cats(p, "standard")
    assert "everolimus" not in cats(p, "standard")
    assert "progressed on it" in excluded_reasons(p, "everolimus")
    rechallenge = option(p, "everolimus", "investigational")
    assert "drug holiday" in rechallenge.name.lower()
    assert option(p, "prrt-lu177-dotatate").category == "alternative"
    sunitinib = option(p, "sunitinib")
    assert any("HR 0.32" in c.quote for c in sunitinib.citations if c.quote)
    assert [r.therapy for r in p.resistance] == ["lanreotide-autogel", "everolimus"]
    assert all(r.kind == "secondary" for r in p.resistance)
    ever = p.resistance[1]
    assert ever.mechanisms and all(m.therapy_class == "mtor_inhibitor" for m in ever.mechanisms)
    assert ever.radiological is True and ever.symptomatic is False
    # diabetes is stated: the everolimus-class hyperglycaemia caution is checked, not silent
    assert p.line == 3


def test_pannet_sstr_negative(kb: KnowledgeBase) -> None:
    p = _plan("pannet_sstr_negative", kb)
    assert {"everolimus", "sunitinib", "captem"} <= cats(p, "standard")
    offered = cats(p, "standard") | cats(p, "alternative")
    assert not offered & {"lanreotide-autogel", "octreotide-lar", "prrt-lu177-dotatate"}
    assert "SSTR status negative" in excluded_reasons(p, "lanreotide-autogel")
    assert "SSTR imaging negative" in excluded_reasons(p, "prrt-lu177-dotatate")
    assert "interferon-alfa" in cats(p, "alternative")
    assert p.resistance == []


def test_si_net_refractory_carcinoid_syndrome(kb: KnowledgeBase) -> None:
    p = _plan("si_net_refractory_carcinoid_syndrome", kb)
    telo = option(p, "telotristat-ethyl", "standard")
    assert telo.triggered_by["bowel_movements_per_day"] == 6
    # NETTER-1 enrolled radiological progression: symptomatic progression alone is outside it.
    prrt = option(p, "prrt-lu177-dotatate", "alternative")
    assert any("radiological progression" in n for n in prrt.notes)
    assert prrt.evidence[0].trial == "netter-1" and prrt.esmo_level == "I"
    assert any(b.endpoint for b in prrt.benefit), "NETTER-1 numbers should be pulled from the KB"
    ever = option(p, "everolimus")
    assert ever.category == "alternative" and any("RADIANT-4" in n for n in ever.notes)
    assert "pasireotide-lar" in cats(p, "investigational")
    assert "octreotide-lar" not in cats(p, "standard")  # progressed on it
    [res] = p.resistance
    assert res.kind == "secondary" and res.symptomatic is True and res.radiological is False
    assert res.duration_months == 26


def test_nec_after_platinum(kb: KnowledgeBase) -> None:
    p = _plan("nec_after_platinum", kb)
    assert cats(p, "standard") == set()
    assert {"folfiri", "folfox", "captem", "prrt-lu177-dotatate"} <= cats(p, "alternative")
    assert "nivolumab-ipilimumab" in cats(p, "investigational")
    assert "NECTOR" in excluded_reasons(p, "everolimus")
    assert "MSS" in excluded_reasons(p, "pembrolizumab")
    [res] = p.resistance
    assert res.therapy == "cisplatin-etoposide" and res.kind == "secondary"
    assert res.mechanisms and res.tests


def test_si_net_naive_gets_ssa_first(kb: KnowledgeBase) -> None:
    p = _plan("si_net_naive", kb)
    assert option(p, "lanreotide-autogel").category == "standard"
    assert "SSA comes first" in excluded_reasons(p, "everolimus")
    assert "prrt-lu177-dotatate" not in cats(p, "standard")


def test_si_net_after_ssa_gets_netter1_and_radiant4(kb: KnowledgeBase) -> None:
    p = _plan("si_net_after_ssa", kb)
    assert {"prrt-lu177-dotatate", "everolimus"} <= cats(p, "standard")
    assert "sunitinib" in {e.therapy for e in p.excluded}
    assert p.resistance and p.resistance[0].kind == "secondary"


def test_pannet_after_ssa(kb: KnowledgeBase) -> None:
    p = _plan("pannet_after_ssa", kb)
    assert {"everolimus", "sunitinib", "captem"} <= cats(p, "standard")


def test_net_g3_has_no_standard_and_no_platinum_below_ki67_55(kb: KnowledgeBase) -> None:
    p = _plan("net_g3_pancreas", kb)
    # The reviews give NET G3 retrospective evidence only; the one standard is first-line PRRT
    # from NETTER-2 (SSTR-positive, Ki-67 <= 55%), published after them and marked as such.
    assert cats(p, "standard") == {"prrt-lu177-dotatate"}
    assert option(p, "prrt-lu177-dotatate", "standard").after_reviews
    assert "captem" in cats(p, "alternative")
    assert "limited efficacy" in excluded_reasons(p, "cisplatin-etoposide")


def test_colorectal_nec_first_line(kb: KnowledgeBase) -> None:
    p = _plan("colorectal_nec_braf", kb)
    assert {"cisplatin-etoposide", "cisplatin-irinotecan"} <= cats(p, "standard")
    assert option(p, "dabrafenib-trametinib").category == "investigational"
    assert "trametinib" not in {o.therapy for o in p.options}  # the MEK inhibitor never alone


def test_localized_net_gets_surgery(kb: KnowledgeBase) -> None:
    p = _plan("rectal_net_localized", kb)
    assert option(p, "surgery-resection").category == "standard"
    assert cats(p, "standard") == {"surgery-resection"}
