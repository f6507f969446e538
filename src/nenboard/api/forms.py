"""The case entry form: fields built from the case models, form data -> case document,
and validation problems -> messages next to the fields they concern.

No clinical logic: vocabularies and ranges come from `nenboard.case`; validation is
`case_from_data`, exactly as for the API and the CLI.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from nenboard.case import vocab
from nenboard.case.model import HistoryEntry, ImagingResults, Labs, Molecular, Patient, Symptoms, Tumor
from nenboard.errors import InputError, Problem
from nenboard.knowledge.facts import IHC_VALUES

HISTORY_ROWS = 4
SECTIONS: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("patient", "Patient", Patient), ("tumor", "Tumor", Tumor),
    ("imaging", "Imaging", ImagingResults), ("symptoms", "Symptoms", Symptoms),
    ("labs", "Laboratory values", Labs),
)
CHOICES: dict[str, tuple[str, ...]] = {
    "sex": vocab.SEXES, "differentiation": vocab.DIFFERENTIATION, "morphology": vocab.MORPHOLOGY,
    "primary_site": vocab.SITES, "functional_syndrome": vocab.SYNDROMES,
    "hereditary_syndrome": vocab.HEREDITARY, "stage": vocab.STAGES, "sstr": vocab.IMAGING,
    "fdg": vocab.IMAGING, "best_response": vocab.RESPONSES, "reason_stopped": vocab.STOP_REASONS,
    "progression_type": vocab.PROGRESSION_TYPES, "msi": vocab.MSI,
    "mgmt_promoter": vocab.MGMT_PROMOTER, "ecog": ("0", "1", "2", "3", "4"),
    "krenning": ("0", "1", "2", "3", "4"),
}
LABELS = {"ecog": "ECOG performance status", "egfr": "eGFR", "sstr": "SSTR imaging",
          "fdg": "FDG PET", "krenning": "Krenning score", "tmb": "TMB", "msi": "MSI",
          "pdl1_cps": "PD-L1 CPS", "mgmt_promoter": "MGMT promoter", "nlr": "NLR", "crp": "CRP",
          "ldh": "LDH", "nse": "NSE", "chromogranin_a": "Chromogranin A", "ki67": "Ki-67",
          "u5hiaa": "Urinary 5-HIAA", "minen_fraction": "MiNEN non-NE fraction"}
UNITS = {"ki67": "%", "liver_tumor_burden": "% of liver volume", "mitoses": "per 2 mm²",
         "egfr": "mL/min/1.73 m²", "age": "years", "tmb": "mutations/Mb",
         "chromogranin_a": "ng/mL", "u5hiaa": "mg/24 h"}


@dataclass
class Field_:
    name: str            # form name, e.g. "tumor.ki67"
    label: str
    kind: str            # number | integer | text | select | bool | multi
    choices: tuple[str, ...] = ()
    help: str | None = None


@dataclass
class FormState:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _base(annotation: Any) -> Any:
    """The inner type of Optional[...] / Annotated[...]."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _base(args[0]) if args else annotation
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _base(origin)
    return annotation


def _field(prefix: str, name: str, info: Any) -> Field_:
    base = _base(info.annotation)
    label = LABELS.get(name) or name[0].upper() + name[1:].replace("_", " ")
    unit = UNITS.get(name)
    if unit:
        label += f" ({unit})"
    help_text = info.description
    if name in CHOICES:
        return Field_(f"{prefix}{name}", label, "select", CHOICES[name], help_text)
    if get_origin(base) is list:
        return Field_(f"{prefix}{name}", label, "multi", vocab.METASTASIS_SITES, help_text)
    if base is bool:
        return Field_(f"{prefix}{name}", label, "bool", (), help_text)
    if base is int:
        return Field_(f"{prefix}{name}", label, "integer", (), help_text)
    if base is float:
        return Field_(f"{prefix}{name}", label, "number", (), help_text)
    return Field_(f"{prefix}{name}", label, "text", (), help_text)


def section_fields() -> list[tuple[str, list[Field_]]]:
    out = []
    for key, title, model in SECTIONS:
        out.append((title, [_field(f"{key}.", n, info) for n, info in model.model_fields.items()]))
    return out


def history_fields() -> list[Field_]:
    return [_field("", n, info) for n, info in HistoryEntry.model_fields.items()
            if n != "therapy_id"]


def molecular_fields() -> list[Field_]:
    return [_field("molecular.", n, info) for n, info in Molecular.model_fields.items()
            if n not in ("alterations", "ihc")]


# -- form data -> case document ---------------------------------------------------------
def _scalar(kind: str, raw: str) -> Any:
    raw = raw.strip()
    if kind == "bool":
        return {"yes": True, "true": True, "no": False, "false": False}.get(raw.lower(), raw)
    if kind in ("number", "integer"):
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            return raw  # the case model names the field and the problem
        return int(number) if kind == "integer" and number.is_integer() else number
    if kind == "select" and raw.isdigit():
        return int(raw)
    return raw


def _lines(text: str) -> list[tuple[int, str]]:
    return [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.strip().startswith("#")]


def parse_form(form: Any) -> tuple[dict[str, Any], FormState, dict[int, int]]:
    """Form -> case document, the state to re-render, and history index -> form row."""
    state = FormState(values={k: form.getlist(k) if k == "tumor.metastases" else form.get(k)
                              for k in form})
    data: dict[str, Any] = {}
    for key in ("id", "title", "notes"):
        if (value := (form.get(key) or "").strip()):
            data[key] = value
    for (section, _, _), (_, fields) in zip(SECTIONS, section_fields(), strict=True):
        out: dict[str, Any] = {}
        for f in fields:
            if f.kind == "multi":
                chosen = [v for v in form.getlist(f.name) if v]
                if chosen:
                    out[f.name.split(".", 1)[1]] = chosen
                continue
            raw = form.get(f.name)
            if raw is not None and str(raw).strip():
                out[f.name.split(".", 1)[1]] = _scalar(f.kind, str(raw))
        if out:
            data[section] = out
    rows: dict[int, int] = {}
    history = []
    for row in range(int(form.get("history_rows") or HISTORY_ROWS)):
        entry = {}
        for f in history_fields():
            raw = form.get(f"history.{row}.{f.name}")
            if raw is not None and str(raw).strip():
                entry[f.name] = _scalar(f.kind, str(raw))
        if entry:
            rows[len(history)] = row
            history.append(entry)
    if history:
        data["history"] = history
    molecular: dict[str, Any] = {}
    for f in molecular_fields():
        raw = form.get(f.name)
        if raw is not None and str(raw).strip():
            molecular[f.name.split(".", 1)[1]] = _scalar(f.kind, str(raw))
    alterations = []
    for n, line in _lines(form.get("molecular.alterations") or ""):
        gene, _, rest = line.partition(" ")
        if not rest.strip():
            state.add("molecular.alterations", f"line {n}: write the gene and the alteration, "
                      "e.g. 'BRAF V600E' or 'RB1 loss'")
            continue
        alterations.append({"gene": gene.strip(), "alteration": rest.strip()})
    if alterations:
        molecular["alterations"] = alterations
    ihc = {}
    for n, line in _lines(form.get("molecular.ihc") or ""):
        marker, _, result = line.replace(":", " ", 1).partition(" ")
        if not result.strip():
            state.add("molecular.ihc", f"line {n}: write the marker and the result, e.g. "
                      f"'RB1: loss' (results: {', '.join(IHC_VALUES)})")
            continue
        ihc[marker.strip()] = result.strip()
    if ihc:
        molecular["ihc"] = ihc
    if molecular:
        data["molecular"] = molecular
    return data, state, rows


_INDEX = re.compile(r"^(history|molecular\.alterations)\[(\d+)\](?:\.(\w+))?")


def attach_problems(state: FormState, exc: InputError, rows: dict[int, int]) -> None:
    """Put each validation problem next to the form field it concerns."""
    for p in exc.problems:
        message = _message(p)
        m = _INDEX.match(p.path)
        if m and m.group(1) == "history":
            row = rows.get(int(m.group(2)), int(m.group(2)))
            name = f"history.{row}.{m.group(3) or 'therapy'}"
            state.add(name, message)
        elif m:
            state.add("molecular.alterations", f"line {int(m.group(2)) + 1}: {message}")
        elif p.path.startswith("molecular.ihc"):
            state.add("molecular.ihc", message)
        elif p.path in known_names():
            state.add(p.path, message)
        else:
            state.general.append(str(p))


def _message(p: Problem) -> str:
    shown = "" if p.value is None else f" (got {p.value!r})"
    return f"{p.message}{shown}"


def known_names() -> set[str]:
    names = {f.name for _, fields in section_fields() for f in fields}
    names |= {f.name for f in molecular_fields()}
    return names | {"id", "title", "notes", "molecular.alterations", "molecular.ihc"}


def values_from_case(case: dict[str, Any]) -> dict[str, Any]:
    """A stored case -> form values (to edit a copy of it)."""
    values: dict[str, Any] = {k: case[k] for k in ("id", "title", "notes") if k in case}
    for section, _, _ in SECTIONS:
        for key, value in (case.get(section) or {}).items():
            values[f"{section}.{key}"] = value if isinstance(value, list) else (
                ("yes" if value else "no") if isinstance(value, bool) else str(value))
    for row, entry in enumerate(case.get("history") or []):
        for key, value in entry.items():
            values[f"history.{row}.{key}"] = str(value)
    mol = case.get("molecular") or {}
    for key, value in mol.items():
        if key == "alterations":
            values["molecular.alterations"] = "\n".join(f"{a['gene']} {a['alteration']}"
                                                         for a in value)
        elif key == "ihc":
            values["molecular.ihc"] = "\n".join(f"{k}: {v}" for k, v in value.items())
        else:
            values[f"molecular.{key}"] = str(value)
    return values
