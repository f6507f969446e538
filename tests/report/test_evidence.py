"""Evidence lines, references and wording: what the report says, checked against the KB."""

from __future__ import annotations

from nenboard.board import evaluate
from nenboard.case import read_case
from nenboard.report.evidence import trial_comparisons
from nenboard.report.html import render_html
from nenboard.report.wording import case_facts
from tests.conftest import EXAMPLES

STAMP = "2026-01-01T00:00:00+00:00"


def test_netter1_orr_from_two_reviews_is_two_comparisons_marked_as_disagreeing(kb):
    lines = [c for c in trial_comparisons(kb.trials["netter-1"], kb, "prrt-lu177-dotatate")
             if c.endpoint == "ORR"]
    assert len(lines) == 2
    assert {tuple(c.sources) for c in lines} == {("mcclellan2022",), ("pavel2016",)}
    for c in lines:
        assert len(c.arms) == 2 and len({a.arm for a in c.arms}) == 2 and c.disagrees
        assert sum(a.this_option for a in c.arms) == 1  # the PRRT arm is the option's
    values = {c.sources[0]: sorted(a.value for a in c.arms) for c in lines}
    assert values == {"mcclellan2022": [3, 18], "pavel2016": [2, 19]}


def test_agreeing_values_are_one_line_with_both_sources(kb):
    pfs = [c for c in trial_comparisons(kb.trials["radiant-4"], kb, "everolimus")
           if c.endpoint == "PFS" and c.unit == "months"]
    assert len(pfs) == 1 and not pfs[0].disagrees
    assert set(pfs[0].sources) >= {"mcclellan2022", "pavel2016"}


def test_nordic_nec_ki67_subgroups_are_labelled_lines_of_their_own(kb):
    lines = trial_comparisons(kb.trials["nordic-nec"], kb, "cisplatin-etoposide")
    sub = {c.subgroup: c for c in lines if c.subgroup}
    assert set(sub) == {"Ki-67 < 55%", "Ki-67 >= 55%"}
    assert [a.value for a in sub["Ki-67 < 55%"].arms] == [15]
    whole = next(c for c in lines if c.endpoint == "ORR" and not c.subgroup)
    assert 15 not in [a.value for a in whole.arms] and 42 not in [a.value for a in whole.arms]
    assert " vs " not in whole.text  # groups of a retrospective cohort, not compared arms


def test_one_reference_per_publication_with_the_primary_study(kb):
    report = evaluate(read_case(EXAMPLES / "si_net_after_ssa.yaml", kb), kb, timestamp=STAMP)
    sources = [r.source for r in report.references]
    assert len(sources) == len(set(sources))
    mcc = next(r for r in report.references if r.source == "mcclellan2022")
    assert len(mcc.cited) > 10 and mcc.full.count("2022") == 1  # the year once
    netter = [p for p in mcc.cited if p.ref == "27"]
    assert netter and netter[0].trial == "netter-1" and "NCT01578239" in netter[0].primary
    assert "10.1056/NEJMoa1607427" in netter[0].primary  # the NETTER-1 paper's DOI


def test_case_summary_shows_every_fact_in_words(kb):
    case = read_case(EXAMPLES / "si_net_refractory_carcinoid_syndrome.yaml", kb)
    facts = {f.key: f.text for f in case_facts(case.model_dump(mode="json", exclude_none=True), kb)}
    assert "no diabetes" in facts["patient"] and "eGFR 68 mL/min/1.73 m²" in facts["patient"]
    assert "Ki-67 2%" in facts["pathology"] and "Small intestine" in facts["pathology"]
    assert "6 bowel movements/day" in facts["symptoms"]
    assert "chromogranin A 350" in facts["labs"] and "urinary 5-HIAA 120" in facts["labs"]
    assert "stopped for symptomatic progression" in facts["history"]
    html = render_html(evaluate(case, kb, timestamp=STAMP), kb)
    case_table = html[html.index('id="case"'):html.index('id="classification"')]
    for raw in ("False", "True", "egfr", "progressed_on", "_syndrome", "jejunum_ileum"):
        assert raw not in case_table, raw
