"""Update trial statuses from ClinicalTrials.gov API v2 study JSON (`nenboard kb update-trials`).

Reads the same files as `nenboard trials import` (one study, a search page or
a list of studies; the reader is `nenboard.trials.import_ctgov`), matches each
study to the knowledge-base trial with its NCT number, and sets, from the
registry's own values:

* ``status`` (overallStatus, mapped as `trials import` maps it),
* ``status_as_of``: source ``ctgov``, date = the record's lastUpdatePostDate,
  locator ``NCT... record`` and the export ``file`` it was read from,
* ``status_source`` (the same in words),
* ``registry``: overallStatus verbatim, last update, status verified, start,
  primary completion and completion dates, results posted and when.

A study whose NCT number no trial carries, or that has no last-update date,
is refused (nothing is written unless ``skip_unmatched``). The YAML is edited
in place, record by record, keeping every other line as the curator wrote it;
the result is validated before it is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nenboard.errors import InputError, Problem
from nenboard.knowledge.diff import changed_fields
from nenboard.knowledge.loader import DATA_DIR, KnowledgeBase, load_with_problems
from nenboard.knowledge.schema import RegistrySnapshot, StatusAsOf, Trial

UPDATED_KEYS = ("status", "status_as_of", "status_source", "registry")


@dataclass
class TrialUpdate:
    trial: str
    nct: str
    file: str
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def fields(self) -> tuple[str, ...]:
        return changed_fields(self.before, self.after)

    def lines(self) -> list[str]:
        """'netter-1 (NCT01578239): status completed -> completed' ... one line per change."""
        from nenboard.knowledge.diff import flatten

        fa, fb = flatten(self.before), flatten(self.after)
        head = f"{self.trial} ({self.nct}, from {self.file})"
        if not self.fields:
            return [f"= {head}: no change"]
        return [f"~ {head}", *(f"    {p}: {_show(fa.get(p))} -> {_show(fb.get(p))}"
                               for p in self.fields)]


def _show(v: Any) -> str:
    return "(none)" if v in (None, [], {}) else str(v)


@dataclass
class UpdateResult:
    updates: list[TrialUpdate] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[TrialUpdate]:
        return [u for u in self.updates if u.fields]


def input_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        if not files:
            raise InputError.single(str(path), "no *.json ClinicalTrials.gov files in this folder")
        return files
    if not path.exists():
        raise InputError.single(str(path), "no such file or folder")
    return [path]


def _date(struct: Any) -> str | None:
    return struct.get("date") if isinstance(struct, dict) else None


def snapshot(study: dict[str, Any], file: str, where: str) -> RegistrySnapshot:
    """The registry values of one study (InputError naming the field when one is unusable)."""
    from pydantic import ValidationError

    from nenboard.trials.import_ctgov import _get

    ps = study["protocolSection"]
    nct = str(_get(ps, "identificationModule", "nctId") or "").strip().upper()
    sm = _get(ps, "statusModule") or {}
    data = {
        "nct": nct,
        "overall_status": sm.get("overallStatus"),
        "last_update_posted": _date(sm.get("lastUpdatePostDateStruct")),
        "status_verified": sm.get("statusVerifiedDate"),
        "start_date": _date(sm.get("startDateStruct")),
        "primary_completion_date": _date(sm.get("primaryCompletionDateStruct")),
        "completion_date": _date(sm.get("completionDateStruct")),
        "results_posted": bool(study.get("hasResults")) or bool(
            _date(sm.get("resultsFirstPostDateStruct"))),
        "results_first_posted": _date(sm.get("resultsFirstPostDateStruct")),
        "file": file,
    }
    if not data["overall_status"]:
        raise InputError.single(f"{where}protocolSection.statusModule.overallStatus",
                                "missing; the registry status is what this command updates",
                                source=file)
    if not data["last_update_posted"]:
        raise InputError.single(f"{where}protocolSection.statusModule.lastUpdatePostDateStruct"
                                ".date", "missing; a status is recorded with the date the "
                                "registry stated it", source=file)
    try:
        return RegistrySnapshot.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        problems = [Problem(f"{where}{'.'.join(map(str, e['loc']))}", e["msg"])
                    for e in exc.errors()]
        raise InputError(problems, source=file) from None


def updated_fields(trial: Trial, snap: RegistrySnapshot) -> dict[str, Any]:
    """The four fields of ``trial`` as the registry record states them."""
    from nenboard.trials.import_ctgov import STATUS_MAP

    status = STATUS_MAP.get(snap.overall_status, "unknown")
    words = (f"ClinicalTrials.gov {snap.nct} record, last update posted "
             f"{snap.last_update_posted}: overallStatus {snap.overall_status}"
             + ("" if snap.overall_status in STATUS_MAP else " (no equivalent; recorded as unknown)")
             + f" (nenboard kb update-trials, {snap.file})")
    as_of = StatusAsOf(source="ctgov", date=snap.last_update_posted,
                       locator=f"{snap.nct} record", file=snap.file)
    return {"status": status, "status_as_of": as_of.model_dump(mode="json", exclude_none=True),
            "status_source": words,
            "registry": snap.model_dump(mode="json", exclude_none=True)}


def _current(trial: Trial) -> dict[str, Any]:
    data = trial.model_dump(mode="json", exclude_none=True)
    return {k: data.get(k) for k in UPDATED_KEYS}


def plan_updates(kb: KnowledgeBase, files: list[Path],
                 skip_unmatched: bool = False) -> UpdateResult:
    """Match every study to a trial and compute its new fields (nothing is written)."""
    from nenboard.trials.import_ctgov import load_json, studies_of

    by_nct = {n: t for t in kb.trials.values() for n in t.nct}
    result = UpdateResult()
    seen: dict[str, str] = {}
    for path in files:
        name = path.name
        for where, study in studies_of(load_json(path), str(path)):
            prefix = f"{where}." if where else ""
            from nenboard.trials.import_ctgov import _get

            nct = str(_get(study["protocolSection"], "identificationModule", "nctId") or "")
            nct = nct.strip().upper()
            trial = by_nct.get(nct)
            if trial is None:
                result.refused.append(Problem(
                    f"{path}: {prefix}protocolSection.identificationModule.nctId",
                    "no knowledge-base trial has this NCT number; add the trial first "
                    "(nenboard trials import drafts one) or leave the file out", nct or None))
                continue
            if trial.id in seen:
                result.refused.append(Problem(f"{path}: {prefix}nctId", f"trial {trial.id!r} "
                                              f"is already updated from {seen[trial.id]}", nct))
                continue
            seen[trial.id] = name
            snap = snapshot(study, name, prefix)
            if trial.registry and trial.registry.last_update_posted > snap.last_update_posted:
                result.skipped.append(f"{trial.id} ({nct}): {name} was last updated "
                                      f"{snap.last_update_posted}, older than the recorded "
                                      f"{trial.registry.last_update_posted}; kept the newer")
                continue
            result.updates.append(TrialUpdate(trial.id, nct, name, _current(trial),
                                              updated_fields(trial, snap)))
    if result.refused and not skip_unmatched:
        raise InputError(result.refused, source="kb update-trials (nothing written)")
    return result


# -- writing -----------------------------------------------------------------------------------

_TOP_KEY = re.compile(r"^  ([A-Za-z_][A-Za-z0-9_]*):")
_RECORD = re.compile(r"^- id:\s*(\S+)\s*$")


def _dump_fields(fields: dict[str, Any]) -> list[str]:
    text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    return ["  " + line if line else line for line in text.splitlines()]


def rewrite_record(lines: list[str], start: int, end: int, fields: dict[str, Any]) -> list[str]:
    """Lines ``start:end`` (one record) with ``fields`` replacing those top-level keys."""
    block = lines[start:end]
    out: list[str] = []
    insert_at: int | None = None
    skipping = False
    for line in block:
        m = _TOP_KEY.match(line)
        if m or line.startswith("- "):
            skipping = bool(m) and m.group(1) in fields
            if skipping and insert_at is None:
                insert_at = len(out)
        if not skipping:
            out.append(line)
    if insert_at is None:  # none of the keys yet: put them after the name
        insert_at = next((i + 1 for i, line in enumerate(out) if line.startswith("  name:")), 1)
    out[insert_at:insert_at] = _dump_fields(fields)
    return [*lines[:start], *out, *lines[end:]]


def _locate(root: Path, trial_id: str) -> tuple[Path, int, int, list[str]]:
    for path in sorted((root / "trials").rglob("*.yaml")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            m = _RECORD.match(line)
            if m and m.group(1).strip("'\"") == trial_id:
                end = next((j for j in range(i + 1, len(lines))
                            if lines[j].startswith("- ") or (lines[j] and not lines[j][0].isspace()
                                                             and not lines[j].startswith("#"))),
                           len(lines))
                return path, i, end, lines
    raise InputError.single(trial_id, "trial record not found in the YAML files (is it a flow-"
                                      "style record? update it by hand)")


def apply_updates(result: UpdateResult, root: Path | None = None
                  ) -> tuple[list[Path], KnowledgeBase | None]:
    """Write the updates into the YAML under ``root``; validate; restore on any problem.

    Returns the files written and the knowledge base as it now loads (None: no change).
    """
    root = Path(root) if root else DATA_DIR
    originals: dict[Path, str] = {}
    for u in result.changed:
        path, start, end, lines = _locate(root, u.trial)
        originals.setdefault(path, path.read_text(encoding="utf-8"))
        path.write_text("\n".join(rewrite_record(lines, start, end, u.after)), encoding="utf-8")
    if not originals:
        return [], None
    kb, problems = load_with_problems(root)
    if problems:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        raise InputError(problems, source="kb update-trials (restored, nothing written)")
    return sorted(originals), kb
