"""ClinicalTrials.gov API v2 JSON -> uncurated draft trial records."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from nenboard.errors import InputError
from nenboard.knowledge.schema import Trial
from nenboard.trials import match_trials
from nenboard.trials.import_ctgov import dump_trials, import_data, import_file

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def study() -> dict:
    return json.loads((FIXTURES / "ctgov_study.json").read_text())


def test_single_study(real_kb):
    result = import_file(FIXTURES / "ctgov_study.json", real_kb)
    [t] = result.trials
    assert t.id == "nct05153772" and t.nct == ["NCT05153772"]
    assert t.name == "ALPHAMEDIX-02"
    assert "Targeted Alpha-emitter Therapy of PRRT-naive Neuroendocrine Tumor Patients" in t.synonyms
    assert t.status == "recruiting" and t.phase == "2"
    assert t.uncurated is True
    assert t.eligibility_text.startswith("Inclusion Criteria:\n\n* Histologically confirmed")
    assert t.design.n == 69 and t.design.blinding == "open-label"
    assert t.arms[0].therapies == ["lead-212-dotamtate"]  # resolved through the synonym
    assert "2024-01-18" in t.status_source
    assert t.citations[0].source == "ctgov" and t.citations[0].locator == "NCT05153772 record"
    [age] = t.eligibility
    assert age.condition.fact == "age" and age.condition.ge == 18
    assert age.citations[0].quote == "minimumAge: 18 Years"


def test_search_page_statuses_phases_and_unresolved_interventions(real_kb):
    result = import_file(FIXTURES / "ctgov_search_page.json", real_kb)
    a, b = result.trials
    assert (a.id, a.status, a.phase) == ("nct04429087", "active_not_recruiting", "1")
    assert (b.id, b.name, b.phase) == ("nct04471727", "HPN328-1", "1/2")
    assert b.status == "unknown"
    assert any("ENROLLING_BY_INVITATION" in x for x in b.ambiguities)
    assert [arm.id for arm in b.arms] == ["hpn328-monotherapy", "hpn328-atezolizumab"]
    assert "atezolizumab" in b.arms[1].therapies
    age = a.eligibility[0].condition
    assert (age.ge, age.le) == (18, 99)


def test_drafts_round_trip_through_the_schema_and_are_never_eligible(real_kb, fixture_case):
    result = import_file(FIXTURES / "ctgov_search_page.json", real_kb)
    text = dump_trials(result.trials)
    records = yaml.safe_load(text)
    again = [Trial.model_validate(r) for r in records]
    assert again == result.trials
    kb = real_kb.model_copy(update={"trials": {t.id: t for t in again}})
    for m in match_trials(fixture_case("dll3_nec_after_platinum"), kb):
        assert m.eligibility == "possibly_eligible"
        assert "not yet structured" in m.explanation


def test_existing_nct_is_warned(real_kb, fixture_kb):
    result = import_file(FIXTURES / "ctgov_study.json", fixture_kb)
    assert any("already in the knowledge base as trial 'fx-pb212-naive'" in w
               for w in result.warnings)


def test_list_of_studies_and_duplicates(study):
    result = import_data([study, copy.deepcopy(study)])
    assert len(result.trials) == 1
    assert any("appears twice" in w for w in result.warnings)


@pytest.mark.parametrize(("mutate", "path", "message"), [
    (lambda s: s["protocolSection"]["identificationModule"].pop("nctId"),
     "protocolSection.identificationModule.nctId", "missing"),
    (lambda s: s["protocolSection"]["identificationModule"].update(nctId="NCT123"),
     "protocolSection.identificationModule.nctId", "not an NCT number"),
    (lambda s: [s["protocolSection"]["identificationModule"].pop(k)
                for k in ("briefTitle", "officialTitle")],
     "protocolSection.identificationModule.briefTitle", "missing"),
])
def test_missing_fields_are_named(study, mutate, path, message):
    mutate(study)
    with pytest.raises(InputError) as exc:
        import_data({"studies": [study]}, name="page.json")
    line = exc.value.one_line()
    assert line.startswith("page.json: studies[0]." + path) and message in line


def test_not_ctgov_json(tmp_path):
    with pytest.raises(InputError) as exc:
        import_data({"foo": 1}, name="x.json")
    assert "protocolSection" in exc.value.one_line()
    with pytest.raises(InputError) as exc:
        import_data({"studies": [{"hasResults": False}]}, name="x.json")
    assert "studies[0].protocolSection: missing" in exc.value.one_line()
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        import_file(empty)
    with pytest.raises(InputError, match="file not found"):
        import_file(tmp_path / "none.json")
