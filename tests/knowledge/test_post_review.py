"""Facts from publications after the seed reviews are registered, dated and traceable.

Every citation of a source registered in sources/post_review.yaml keeps the address of
the stored page its quote was read on; every such source has a DOI or PMID (articles)
or a decision date (regulatory labels), and a publication date. Each transcribed number
appears in its own quote, so a typo in a value fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nenboard.knowledge import KnowledgeBase
from nenboard.knowledge.dates import citations_in as _citations
from nenboard.knowledge.post_review import is_post_review, source_date

DATA = Path(__file__).resolve().parents[2] / "src" / "nenboard" / "knowledge" / "data"
POST_REVIEW_IDS = {s["id"] for s in yaml.safe_load(
    (DATA / "sources" / "post_review.yaml").read_text(encoding="utf-8"))}


def _post_review_citations(kb: KnowledgeBase):
    for kind, rec in kb.records():
        for cit in _citations(rec):
            if cit.source in POST_REVIEW_IDS:
                yield f"{kind}:{getattr(rec, 'id', '?')}", cit


def test_post_review_sources_are_registered_and_identifiable(kb: KnowledgeBase) -> None:
    assert {"chan2024-cabinet", "singh2024-netter2", "walter2026-compete",
            "strosberg2021-netter1-final", "fda2025-cabozantinib-net"} <= POST_REVIEW_IDS
    for sid in POST_REVIEW_IDS:
        src = kb.sources[sid]
        assert src.url and src.url.startswith("http"), sid
        assert src.published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", src.published), sid
        if src.kind == "label":
            assert src.label_date, f"{sid}: a regulatory decision needs its date"
        else:
            assert src.doi or src.pmid, f"{sid}: an article needs a DOI or PMID"
        if src.pmid:
            assert re.fullmatch(r"\d{7,8}", src.pmid), sid
        if src.doi:
            assert src.doi.startswith("10."), sid


def test_every_post_review_citation_has_a_page_url_and_a_quote(kb: KnowledgeBase) -> None:
    seen = set()
    bad = []
    for where, cit in _post_review_citations(kb):
        seen.add(cit.source)
        if not (cit.url and cit.url.startswith("http")):
            bad.append(f"{where} [{cit.source}] no page url")
        if not cit.quote:
            bad.append(f"{where} [{cit.source}] no verbatim quote")
    assert not bad, "\n".join(bad)
    assert seen == POST_REVIEW_IDS, f"registered but never cited: {POST_REVIEW_IDS - seen}"


def _numbers(text: str) -> set[float]:
    return {float(m) for m in re.findall(r"\d+(?:\.\d+)?", text.replace("·", "."))}


def test_each_post_review_number_is_in_its_quote(kb: KnowledgeBase) -> None:
    bad = []
    checked = 0
    for trial in kb.trials.values():
        for o in trial.outcomes:
            quotes = [c.quote or "" for c in o.citations if c.source in POST_REVIEW_IDS]
            if not quotes:
                continue
            checked += 1
            found = set().union(*(_numbers(q) for q in quotes))
            for what, value in (("value", o.value), ("CI low", o.ci_low), ("CI high", o.ci_high)):
                if value is not None and value not in found:
                    bad.append(f"{trial.id} {o.endpoint} {o.arm}: {what} {value} not in "
                               f"{quotes[0][:80]!r}")
    assert checked >= 25
    assert not bad, "\n".join(bad)


def test_post_review_is_judged_by_publication_date(kb: KnowledgeBase) -> None:
    assert is_post_review("chan2024-cabinet", kb)
    assert is_post_review("singh2024-netter2", kb)
    assert is_post_review("walter2026-compete", kb)
    # published between the reviews: outside them, but not after them
    assert not is_post_review("caplin2020-clarinet-ole", kb)
    assert not is_post_review("strosberg2021-netter1-final", kb)
    for review in ("mcclellan2022", "pavel2016", "ooki2023"):
        assert not is_post_review(review, kb)
    assert source_date(kb.sources["chan2024-cabinet"]) == "2024-09-16"


def test_cabinet_keeps_the_review_statement_and_the_later_one(kb: KnowledgeBase) -> None:
    t = kb.trials["nct03375320"]
    assert t.status == "recruiting"  # as mcclellan2022 Table 1 printed it, in 2022
    (u,) = t.updates
    assert u.earlier_citation.source == "mcclellan2022"
    assert u.earlier_citation.quote == "NCT03375320 | Cabozantinib | 3 | Recruiting"
    assert u.status == "completed"
    assert {c.source for c in u.citations} >= {"chan2024-cabinet", "fda2025-cabozantinib-net"}
    pfs = {(o.arm, o.unit): o.value for o in t.outcomes if o.endpoint == "PFS"
           and all(c.source == "chan2024-cabinet" for c in o.citations)}
    assert pfs == {("cabozantinib-pnet", "months"): 13.8, ("placebo-pnet", "months"): 4.4,
                   ("cabozantinib-pnet", "HR"): 0.23, ("cabozantinib-epnet", "months"): 8.4,
                   ("placebo-epnet", "months"): 3.9, ("cabozantinib-epnet", "HR"): 0.38}
    assert t.esmo_level == "I" and t.design.randomized and t.design.placebo_controlled


def test_netter2_population_as_published(kb: KnowledgeBase) -> None:
    t = kb.trials["netter-2"]
    assert t.nct == ["NCT03972488"] and t.esmo_level == "I"
    ki67 = next(c for c in t.eligibility if c.id == "ki67")
    assert ki67.condition.model_dump(exclude_none=True) == {"fact": "ki67", "ge": 10, "le": 55}
    assert t.population.grades == ["G2", "G3"] and t.population.sstr == "positive"
    values = {(o.endpoint, o.arm, o.unit): o.value for o in t.outcomes}
    assert values[("PFS", "lu177-dotatate", "months")] == 22.8
    assert values[("PFS", "octreotide-60", "months")] == 8.5
    assert values[("PFS", "lu177-dotatate", "HR")] == 0.276


def test_cabozantinib_drug_record(kb: KnowledgeBase) -> None:
    d = kb.drugs["cabozantinib"]
    assert "vegfr_tki" in d.classes and d.status == "approved"
    agencies = {(a.agency, a.year) for a in d.approvals}
    assert {("FDA", 2025), ("EMA", 2025)} <= agencies
    for a in d.approvals:
        assert all(c.source in POST_REVIEW_IDS and c.url for c in a.citations)


@pytest.mark.parametrize("rule_id", ["cabozantinib-pannet-cabinet", "cabozantinib-epnet-cabinet",
                                     "prrt-first-line-netter2", "lu177-edotreotide-compete"])
def test_post_review_rules_cite_the_later_publication(kb: KnowledgeBase, rule_id: str) -> None:
    rule = kb.rules[rule_id]
    assert any(is_post_review(c.source, kb) and c.url for c in rule.citations)
    assert rule.esmo_level == "I"
