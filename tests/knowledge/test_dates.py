"""Dates on every record: sources, records through their citations, trial statuses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import ValidationError

from nenboard.knowledge import dates
from nenboard.knowledge.loader import load_with_problems
from nenboard.knowledge.schema import Source, Trial
from tests.conftest import SHARED

SEEDS = SHARED / "seeds"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def kb():
    return load_with_problems()[0]


def test_every_source_has_a_publication_date_in_its_year(kb):
    for src in kb.sources.values():
        assert re.match(r"^\d{4}", src.published), src.id
        assert src.published.startswith(str(src.year)), src.id


def test_review_dates_are_quoted_from_the_seed_text(kb):
    for sid in ("mcclellan2022", "pavel2016", "ooki2023"):
        src = kb.sources[sid]
        assert len(src.published) == 10, f"{sid}: the seed gives the full date"
        path = SEEDS / src.file
        if not path.exists():
            pytest.skip("seed texts not available")
        assert src.published_quote and src.published_quote in path.read_text(encoding="utf-8")
    assert kb.sources["mcclellan2022"].published == "2022-09-29"
    assert kb.sources["pavel2016"].published == "2016-09-20"
    assert kb.sources["ooki2023"].published == "2023-07-08"


def test_every_record_has_a_date(kb):
    assert dates.undated(kb) == []
    n = 0
    for _kind, rec in kb.records():
        d = dates.record_date(rec, kb)
        assert d and re.match(r"^\d{4}(-\d{2}){0,2}$", d)
        n += 1
    assert n > 900  # sources, drugs, trials, rules, frequencies, ...


def test_record_date_is_the_newest_cited_statement(kb):
    # a trial citing pavel2016 and mcclellan2022 rests on the 2022 statement
    netter1 = kb.trials["netter-1"]
    cited = {c.source for c in dates.citations_in(netter1)}
    assert dates.record_date(netter1, kb) == max(
        (kb.sources[s].published for s in cited), key=dates.earliest)


def test_a_record_without_a_registered_source_is_undated(kb):
    orphan = kb.trials["netter-1"].model_copy(update={
        "citations": [c.model_copy(update={"source": "nowhere"}) for c in
                      kb.trials["netter-1"].citations],
        "outcomes": [], "eligibility": [], "status_as_of": None})
    bad = kb.model_copy(update={"trials": {**kb.trials, "netter-1": orphan}})
    assert "trials:netter-1" in dates.undated(bad)


def test_every_trial_status_names_its_statement(kb):
    for t in kb.trials.values():
        assert t.status_as_of is not None, t.id
        assert t.status_as_of.source in kb.sources, t.id
        assert dates.status_date(t, kb), t.id


def test_status_shown_with_source_and_year(kb):
    cabinet = kb.record("NCT03375320")[1]
    view = dates.status_view(cabinet, kb, TODAY)
    assert view.stated == "recruiting (as stated in mcclellan2022, 2022)"
    assert view.stale and view.standing == "to_verify"
    assert view.label.startswith("to verify: recruiting (as stated in mcclellan2022, 2022)")
    assert "https://clinicaltrials.gov/study/NCT03375320" in view.label


def test_fresh_open_status_is_enrolling_and_12_months_is_the_limit(kb):
    cabinet = kb.record("NCT03375320")[1]
    fresh = cabinet.model_copy(update={"status_as_of": cabinet.status_as_of.model_copy(
        update={"source": "ctgov", "date": "2026-01-15"})})
    assert dates.status_view(fresh, kb, dt.date(2027, 1, 15)).standing == "enrolling"
    assert dates.status_view(fresh, kb, dt.date(2027, 1, 16)).standing == "to_verify"
    assert dates.status_view(fresh, kb, None).standing == "to_verify"  # no date to judge by


def test_closed_and_retrospective_are_evidence(kb):
    for t in kb.trials.values():
        view = dates.status_view(t, kb, TODAY)
        if t.status in dates.CLOSED_STATUSES or t.design.study_type in dates.EVIDENCE_STUDY_TYPES:
            assert view.standing == "evidence", t.id
        else:
            assert view.standing == "to_verify", t.id  # every review status is > 12 months old
    assert kb.trials["nordic-nec"].design.study_type == "retrospective"
    assert kb.trials["mcnamara2020-second-line-meta"].design.study_type == "meta_analysis"


def test_evidence_as_of_and_release(kb):
    reviews_only = kb.model_copy(update={"sources": {
        k: v for k, v in kb.sources.items() if k in ("mcclellan2022", "pavel2016", "ooki2023",
                                                      "ctgov", "mateo2018", "who2019")}})
    assert dates.evidence_as_of(reviews_only) == "2023-07-08"  # ooki2023, the newest review
    # a registry snapshot newer than every publication moves it; a dataset's year does not
    t = kb.trials["netter-1"]
    snap = t.model_copy(update={"status_as_of": t.status_as_of.model_copy(
        update={"source": "ctgov", "date": "2030-01-05"})})
    later = reviews_only.model_copy(update={"trials": {**kb.trials, "netter-1": snap}})
    assert dates.evidence_as_of(later) == "2030-01-05"
    newest = max((s.published for s in kb.sources.values() if s.kind in
                  dates.EVIDENCE_SOURCE_KINDS), key=dates.earliest)
    assert dates.evidence_as_of(kb) == newest
    assert re.match(r"^\d{4}\.\d{2}\.\d{2}\+[0-9a-f]{16}$", kb.version)
    assert kb.version.startswith(kb.release + "+")
    assert dates.evidence_line(kb) == f"evidence as of {newest}; knowledge base {kb.version}"


def test_dates_are_validated():
    base = {"id": "x", "kind": "article", "title": "t", "authors": "a", "year": 2020,
            "doi": "10.1/x"}
    with pytest.raises(ValidationError, match="published"):
        Source.model_validate(base)
    with pytest.raises(ValidationError, match="not in year 2020"):
        Source.model_validate({**base, "published": "2021-01-01"})
    with pytest.raises(ValidationError):
        Source.model_validate({**base, "published": "2020-13-01"})
    assert Source.model_validate({**base, "published": dt.date(2020, 5, 1)}).published == \
        "2020-05-01"
    with pytest.raises(ValidationError):
        Trial.model_validate({"id": "t", "name": "t", "citations": [
            {"source": "x", "locator": "y"}], "status_as_of": {"source": "x", "date": "May"}})


def test_partial_dates():
    assert dates.earliest("2022") == dt.date(2022, 1, 1)
    assert dates.earliest("2022-09") == dt.date(2022, 9, 1)
    assert dates.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert dates.newest(["2016-09-20", "2023", "2022-09-29"]) == "2023"
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        dates.parse_as_of("2026/12/02")
