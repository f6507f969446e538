"""Draft knowledge-base trial records from ClinicalTrials.gov API v2 study JSON.

Input: one study (``{"protocolSection": {...}}``), a search page
(``{"studies": [...]}``) or a JSON list of studies, read from a file - no
network. Output: `Trial` records flagged ``uncurated: true`` with the free-text
eligibility kept verbatim for a curator. Only what the registry states as
structured data becomes structured: identification, status, phases, design,
arms (interventions resolved to knowledge-base drug ids where a name or
synonym is known) and the registry's minimum/maximum age and sex, as criteria
citing the registry record. Everything else waits for a curator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nenboard.errors import InputError, Problem
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import NCT_PATTERN, Trial

SOURCE_ID = "ctgov"
MAX_BYTES = 50_000_000

STATUS_MAP = {
    "RECRUITING": "recruiting",
    "NOT_YET_RECRUITING": "not_yet_recruiting",
    "ACTIVE_NOT_RECRUITING": "active_not_recruiting",
    "COMPLETED": "completed",
    "TERMINATED": "terminated",
    "WITHDRAWN": "withdrawn",
    "SUSPENDED": "suspended",
    "UNKNOWN": "unknown",
}
PHASE_MAP = {"EARLY_PHASE1": "1", "PHASE1": "1", "PHASE2": "2", "PHASE3": "3", "PHASE4": "4"}
MASKING_MAP = {"NONE": "open-label", "SINGLE": "single-blind", "DOUBLE": "double-blind",
               "TRIPLE": "double-blind", "QUADRUPLE": "double-blind"}
SEX_MAP = {"FEMALE": "female", "MALE": "male"}
AGE_UNITS = {"year": 1.0, "years": 1.0, "month": 1 / 12, "months": 1 / 12,
             "week": 1 / 52.1775, "weeks": 1 / 52.1775, "day": 1 / 365.25, "days": 1 / 365.25}


@dataclass
class ImportResult:
    trials: list[Trial] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_json(path: Path) -> Any:
    """Parse a JSON file; `InputError` naming the file and the position on failure."""
    from nenboard.case.read import read_text

    name = str(path)
    text = read_text(path, "a ClinicalTrials.gov JSON file", MAX_BYTES)
    if not text.strip():
        raise InputError.single(name, "the file is empty; expected ClinicalTrials.gov API v2 JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(name, f"not valid JSON at line {exc.lineno}, column {exc.colno}: "
                                      f"{exc.msg}") from None


def studies_of(data: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    """(path, study) pairs from a study, a search page or a list of studies."""
    if isinstance(data, list):
        items = [(f"[{i}]", s) for i, s in enumerate(data)]
    elif isinstance(data, dict) and "studies" in data:
        if not isinstance(data["studies"], list):
            raise InputError.single("studies", "must be a list of studies", source=name)
        items = [(f"studies[{i}]", s) for i, s in enumerate(data["studies"])]
    elif isinstance(data, dict) and "protocolSection" in data:
        items = [("", data)]
    else:
        what = type(data).__name__ if not isinstance(data, dict) else "an object without them"
        raise InputError.single("", "expected ClinicalTrials.gov API v2 JSON: a study with "
                                    f"'protocolSection' or a search page with 'studies' (got {what})",
                                source=name)
    for where, study in items:
        if not isinstance(study, dict) or not isinstance(study.get("protocolSection"), dict):
            raise InputError.single(_join(where, "protocolSection"),
                                    "missing; every study needs a protocolSection object",
                                    source=name)
    return items


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _get(obj: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)  # type: ignore[assignment]
    return obj


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "arm"


def _age_years(text: str | None) -> float | None:
    if not text:
        return None
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$", text)
    if not m or m.group(2).lower() not in AGE_UNITS:
        return None
    years = float(m.group(1)) * AGE_UNITS[m.group(2).lower()]
    return round(years, 2) if not years.is_integer() else int(years)


def _phase(phases: list[str] | None) -> tuple[str | None, list[str]]:
    notes: list[str] = []
    if not phases:
        return None, notes
    nums = sorted({PHASE_MAP[p] for p in phases if p in PHASE_MAP})
    unknown = [p for p in phases if p not in PHASE_MAP and p != "NA"]
    if unknown:
        notes.append(f"registry phases {unknown} not mapped")
    if "EARLY_PHASE1" in phases:
        notes.append("registry phase EARLY_PHASE1 (phase 0/early phase 1) recorded as phase 1")
    return ("/".join(nums) if nums else None), notes


def study_to_record(study: dict[str, Any], kb: KnowledgeBase | None, where: str,
                    name: str) -> tuple[dict[str, Any], list[str]]:
    """One study -> a draft trial record (plain data) and warnings."""
    ps = study["protocolSection"]
    ident = _get(ps, "identificationModule") or {}
    nct = ident.get("nctId")
    nct_path = _join(where, "protocolSection.identificationModule.nctId")
    if not nct:
        raise InputError.single(nct_path, "missing; every study needs its NCT number",
                                source=name)
    if not isinstance(nct, str) or not NCT_PATTERN.match(nct.strip().upper()):
        raise InputError.single(nct_path, "not an NCT number like NCT01234567", nct, source=name)
    nct = nct.strip().upper()
    title = ident.get("briefTitle") or ident.get("officialTitle")
    if not title:
        raise InputError.single(_join(where, "protocolSection.identificationModule.briefTitle"),
                                "missing; the study needs a title", source=name)
    warnings: list[str] = []
    ambiguities: list[str] = []
    acronym = (ident.get("acronym") or "").strip()
    synonyms = [s for s in dict.fromkeys([title if acronym else None, ident.get("officialTitle"),
                                          _get(ident, "orgStudyIdInfo", "id")])
                if s and s != (acronym or title)]
    locator = f"{nct} record"
    status_module = _get(ps, "statusModule") or {}
    overall = status_module.get("overallStatus")
    status = STATUS_MAP.get(overall or "", "unknown")
    if overall and overall not in STATUS_MAP:
        ambiguities.append(f"registry status {overall} has no equivalent; recorded as unknown")
    updated = (_get(status_module, "lastUpdatePostDateStruct", "date")
               or status_module.get("statusVerifiedDate"))
    design_module = _get(ps, "designModule") or {}
    phase, phase_notes = _phase(design_module.get("phases"))
    ambiguities += phase_notes
    allocation = _get(design_module, "designInfo", "allocation")
    masking = _get(design_module, "designInfo", "maskingInfo", "masking")
    enrollment = _get(design_module, "enrollmentInfo") or {}
    design_bits = [design_module.get("studyType"), _get(design_module, "designInfo",
                                                         "interventionModel")]
    if enrollment.get("count") is not None:
        design_bits.append(f"enrollment {enrollment['count']} ({enrollment.get('type', 'n/a')})")
    design = {
        "randomized": {"RANDOMIZED": True, "NON_RANDOMIZED": False}.get(allocation),
        "blinding": MASKING_MAP.get(masking or ""),
        "n": enrollment.get("count") if isinstance(enrollment.get("count"), int) else None,
        "description": "ClinicalTrials.gov: " + ", ".join(str(b).lower() for b in design_bits if b),
    }
    conditions = _get(ps, "conditionsModule", "conditions") or []
    population = {"description": "Conditions (ClinicalTrials.gov): " + "; ".join(conditions)
                  if conditions else None}
    arms, arm_warnings = _arms(ps, kb, nct)
    warnings += arm_warnings
    ambiguities += arm_warnings
    elig_module = _get(ps, "eligibilityModule") or {}
    cite = {"source": SOURCE_ID, "locator": locator}
    criteria = _registry_criteria(elig_module, cite)
    text = elig_module.get("eligibilityCriteria")
    if not text:
        warnings.append(f"{nct}: no eligibility text in the record")
    if kb is not None:
        for existing in kb.trials.values():
            if nct in existing.nct:
                warnings.append(f"{nct} is already in the knowledge base as trial "
                                f"{existing.id!r}; merge instead of adding a duplicate")
    record = {
        "id": nct.lower(),
        "name": acronym or title,
        "synonyms": synonyms,
        "nct": [nct],
        "phase": phase,
        "design": {k: v for k, v in design.items() if v is not None},
        "population": {k: v for k, v in population.items() if v is not None},
        "arms": arms,
        "status": status,
        "status_source": f"ClinicalTrials.gov {nct}" + (f", last update {updated}" if updated
                                                         else ""),
        "status_as_of": {"source": SOURCE_ID, "date": updated, "locator": locator,
                         "file": Path(name).name if name else None},
        "eligibility": criteria,
        "uncurated": True,
        "eligibility_text": text,
        "citations": [{**cite, "quote": f"overallStatus: {overall}" if overall else None}],
        "ambiguities": ambiguities,
        "notes": "Imported from ClinicalTrials.gov by `nenboard trials import`; structure the "
                 "eligibility criteria from eligibility_text, then remove `uncurated`.",
    }
    return record, warnings


def _registry_criteria(elig: dict[str, Any], cite: dict[str, Any]) -> list[dict[str, Any]]:
    """Criteria the registry states as structured fields (age limits, sex)."""
    out: list[dict[str, Any]] = []
    low, high = _age_years(elig.get("minimumAge")), _age_years(elig.get("maximumAge"))
    if low is not None or high is not None:
        test: dict[str, Any] = {"fact": "age"}
        if low is not None:
            test["ge"] = low
        if high is not None:
            test["le"] = high
        quote = ", ".join(f"{k}: {elig[k]}" for k in ("minimumAge", "maximumAge") if elig.get(k))
        text = ("age " + (f">= {low}" if low is not None else "")
                + (" and " if low is not None and high is not None else "")
                + (f"<= {high}" if high is not None else "") + " years")
        out.append({"id": "registry-age", "text": text, "condition": test,
                    "citations": [{**cite, "quote": quote}]})
    sex = SEX_MAP.get(elig.get("sex") or "")
    if sex:
        out.append({"id": "registry-sex", "text": f"{sex} participants only",
                    "condition": {"fact": "sex", "eq": sex},
                    "citations": [{**cite, "quote": f"sex: {elig['sex']}"}]})
    return out


def _arms(ps: dict[str, Any], kb: KnowledgeBase | None,
          nct: str) -> tuple[list[dict[str, Any]], list[str]]:
    module = _get(ps, "armsInterventionsModule") or {}
    interventions = {i.get("name"): i for i in module.get("interventions") or []
                     if isinstance(i, dict) and i.get("name")}
    warnings: list[str] = []
    resolved: dict[str, str | None] = {}

    def resolve(name: str) -> str | None:
        if name not in resolved:
            rec = interventions.get(name, {})
            hit = None
            if kb is not None:
                for candidate in (name, *(rec.get("otherNames") or [])):
                    hit = kb.resolve_therapy(candidate)
                    if hit and (hit in kb.drugs or hit in kb.regimens):
                        break
                    hit = None
            if hit is None:
                warnings.append(f"{nct}: intervention {name!r} is not a drug or regimen the "
                                "knowledge base knows; add it before listing it in an arm")
            resolved[name] = hit
        return resolved[name]

    arms: list[dict[str, Any]] = []
    seen: set[str] = set()
    groups = [g for g in module.get("armGroups") or [] if isinstance(g, dict) and g.get("label")]
    if not groups and interventions:  # no arm groups: one arm with every intervention
        groups = [{"label": "all", "interventionNames": [f"X: {n}" for n in interventions]}]
    for group in groups:
        label = str(group["label"])
        arm_id = _slug(label)
        i = 2
        while arm_id in seen:
            arm_id, i = f"{_slug(label)}-{i}", i + 1
        seen.add(arm_id)
        therapies: list[str] = []
        for entry in group.get("interventionNames") or []:
            iname = str(entry).split(": ", 1)[-1]
            hit = resolve(iname)
            if hit and hit not in therapies:
                therapies.append(hit)
        arms.append({"id": arm_id, "name": label, "therapies": therapies})
    return arms, warnings


def import_data(data: Any, kb: KnowledgeBase | None = None, name: str = "input") -> ImportResult:
    """Convert parsed CT.gov JSON into validated, uncurated `Trial` records."""
    result = ImportResult()
    seen: dict[str, str] = {}
    for where, study in studies_of(data, name):
        record, warnings = study_to_record(study, kb, where, name)
        if record["id"] in seen:
            result.warnings.append(f"{record['nct'][0]} appears twice ({seen[record['id']]} and "
                                   f"{where}); kept the first")
            continue
        seen[record["id"]] = where or "study"
        result.warnings += warnings
        record["citations"] = [{k: v for k, v in c.items() if v is not None}
                               for c in record["citations"]]
        try:
            result.trials.append(Trial.model_validate(record))
        except ValidationError as exc:
            problems = [Problem(_join(where, ".".join(map(str, e["loc"]))), e["msg"])
                        for e in exc.errors()]
            raise InputError(problems, source=name) from None
    return result


def import_file(path: Path | str, kb: KnowledgeBase | None = None) -> ImportResult:
    path = Path(path)
    return import_data(load_json(path), kb, str(path))


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


FIELD_ORDER = ("id", "name", "synonyms", "nct", "phase", "status", "status_as_of",
               "status_source", "registry", "design",
               "population", "arms", "eligibility", "uncurated", "eligibility_text",
               "ambiguities", "notes", "citations")


def _tidy(value: Any) -> Any:
    """Whole floats as ints (18 not 18.0), recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    return value


def trial_to_data(trial: Trial) -> dict[str, Any]:
    """A trial as knowledge-base YAML data: curator-friendly key order, no empty fields."""
    data = trial.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    data.update(id=trial.id, name=trial.name)
    ordered = {k: data[k] for k in FIELD_ORDER if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return _tidy({k: v for k, v in ordered.items() if v not in ({}, [])})


def dump_trials(trials: list[Trial]) -> str:
    """The records as a knowledge-base YAML file (a list of records)."""
    head = ("# Draft trial records imported from ClinicalTrials.gov (nenboard trials import).\n"
            "# uncurated: structure `eligibility` from `eligibility_text`, cite the source.\n")
    if not trials:
        return head + "[]\n"
    return head + yaml.dump([trial_to_data(t) for t in trials], Dumper=_Dumper, sort_keys=False,
                            allow_unicode=True, width=100)
