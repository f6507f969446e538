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
from nenboard.case.model import (
    Alteration,
    HistoryEntry,
    ImagingResults,
    Labs,
    Molecular,
    Patient,
    Symptoms,
    Tumor,
)
from nenboard.errors import InputError, Problem
from nenboard.knowledge.facts import IHC_VALUES
from nenboard.knowledge.schema import AlterationMatch

HISTORY_ROWS = 2       # empty treatment rows on a new form; "Add a treatment" adds more
MAX_ROWS = 200         # per repeatable group, so a crafted counter cannot exhaust memory
ALTERATION_KINDS = tuple(k for k in get_args(AlterationMatch.model_fields["kind"].annotation)
                         if k != "any")
ABSENT = "none"        # the case format's "stated absent", unlike a missing key (unknown)
SECTIONS: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("patient", "Patient", Patient), ("tumor", "Tumor", Tumor),
    ("imaging", "Imaging", ImagingResults), ("symptoms", "Symptoms", Symptoms),
    ("labs", "Laboratory values", Labs),
)
CHOICES: dict[str, tuple[str, ...]] = {
    "sex": vocab.SEXES, "differentiation": vocab.DIFFERENTIATION, "morphology": vocab.MORPHOLOGY,
    "primary_site": vocab.SITES, "functional_syndrome": (*vocab.SYNDROMES, ABSENT),
    "hereditary_syndrome": (*vocab.HEREDITARY, ABSENT), "stage": vocab.STAGES, "sstr": vocab.IMAGING,
    "fdg": vocab.IMAGING, "best_response": vocab.RESPONSES, "reason_stopped": vocab.STOP_REASONS,
    "progression_type": vocab.PROGRESSION_TYPES, "msi": vocab.MSI,
    "mgmt_promoter": vocab.MGMT_PROMOTER, "ecog": ("0", "1", "2", "3", "4"),
    "krenning": ("0", "1", "2", "3", "4"),
}
CHOICE_LABELS = {ABSENT: "none (stated absent)", "jejunum_ileum": "jejunum / ileum",
                 "gallbladder_biliary": "gallbladder / biliary", "wild_type": "wild type"}
LABELS = {"ecog": "ECOG performance status", "egfr": "eGFR", "sstr": "SSTR imaging",
          "fdg": "FDG PET", "krenning": "Krenning score", "tmb": "TMB", "msi": "MSI",
          "pdl1_cps": "PD-L1 CPS", "mgmt_promoter": "MGMT promoter", "nlr": "NLR", "crp": "CRP",
          "ldh": "LDH", "nse": "NSE", "chromogranin_a": "Chromogranin A", "ki67": "Ki-67",
          "u5hiaa": "Urinary 5-HIAA", "minen_fraction": "MiNEN non-NE fraction",
          "vaf": "VAF", "germline": "Germline", "gene": "Gene", "marker": "Marker",
          "result": "Result"}
UNITS = {"ki67": "%", "liver_tumor_burden": "% of liver volume", "mitoses": "per 2 mm²",
         "egfr": "mL/min/1.73 m²", "age": "years", "tmb": "mutations/Mb",
         "chromogranin_a": "ng/mL", "u5hiaa": "mg/24 h", "vaf": "0-1",
         "minen_fraction": "0-1"}


@dataclass
class Field_:
    name: str            # form name, e.g. "tumor.ki67"
    label: str
    kind: str            # number | integer | text | select | bool | multi
    choices: tuple[str, ...] = ()
    help: str | None = None
    suggestions: str | None = None   # id of a <datalist> offering known words

    @property
    def field(self) -> str:
        """The last part of the name: the key inside a repeated row."""
        return self.name.rsplit(".", 1)[-1]


def choice_label(value: str) -> str:
    """How a vocabulary word reads in a menu (the value sent stays the word)."""
    return CHOICE_LABELS.get(value) or value.replace("_", " ")


@dataclass
class Group:
    """A repeatable block of rows (treatments, alterations, IHC markers)."""

    key: str            # form prefix, e.g. "history"; rows are "history.0.therapy"
    title: str
    row_label: str      # "Treatment" -> "Treatment 1", "Remove treatment 1"
    fields: list[Field_]
    hint: str = ""

    @property
    def counter(self) -> str:
        return f"{self.key}_rows"


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
    if name == "result":
        return Field_(f"{prefix}{name}", "Result", "select", IHC_VALUES)
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
    fields = [_field("", n, info) for n, info in HistoryEntry.model_fields.items()
              if n != "therapy_id"]
    for f in fields:
        if f.name == "therapy":
            f.suggestions = "therapy-names"
    return fields


def alteration_fields() -> list[Field_]:
    fields = [_field("", n, info) for n, info in Alteration.model_fields.items()]
    for f in fields:
        if f.name == "kind":
            f.suggestions = "alteration-kinds"
    return fields


class _Marker(BaseModel):
    marker: str
    result: str


def ihc_fields() -> list[Field_]:
    return [_field("", n, info) for n, info in _Marker.model_fields.items()]


def groups() -> list[Group]:
    """The repeatable parts of the case, in form order."""
    return [
        Group("history", "Treatment history (earliest first)", "Treatment", history_fields(),
              "Therapy: any drug or regimen name or synonym the knowledge base knows. Dates "
              "as YYYY-MM or YYYY-MM-DD."),
        Group("molecular.alterations", "Molecular alterations", "Alteration",
              alteration_fields(), "Gene (HGNC symbol) and alteration, e.g. BRAF V600E, "
              "MYC amplification, RB1 loss; VAF as a fraction 0-1."),
        Group("molecular.ihc", "Immunohistochemistry", "Marker", ihc_fields(),
              "One marker per row, e.g. RB1 loss, p53 aberrant, SSTR2 positive."),
    ]


def group(key: str) -> Group:
    return next(g for g in groups() if g.key == key)


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


def row_count(form: Any, g: Group, default: int = 1) -> int:
    raw = str(form.get(g.counter) or "")
    return min(int(raw), MAX_ROWS) if raw.isdigit() else default


def _rows(form: Any, g: Group) -> list[tuple[int, dict[str, Any]]]:
    """The non-empty rows of a group: (form row, entry)."""
    out = []
    for row in range(row_count(form, g)):
        entry = {}
        for f in g.fields:
            raw = form.get(f"{g.key}.{row}.{f.name}")
            if raw is not None and str(raw).strip():
                entry[f.name] = _scalar(f.kind, str(raw))
        if entry:
            out.append((row, entry))
    return out


def parse_form(form: Any) -> tuple[dict[str, Any], FormState, dict[str, dict[int, int]]]:
    """Form -> case document, the state to re-render, and per group: index -> form row."""
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
    rows: dict[str, dict[int, int]] = {}
    history = _rows(form, group("history"))
    rows["history"] = {i: row for i, (row, _) in enumerate(history)}
    if history:
        data["history"] = [entry for _, entry in history]
    molecular: dict[str, Any] = {}
    for f in molecular_fields():
        raw = form.get(f.name)
        if raw is not None and str(raw).strip():
            molecular[f.name.split(".", 1)[1]] = _scalar(f.kind, str(raw))
    alterations = _rows(form, group("molecular.alterations"))
    rows["molecular.alterations"] = {i: row for i, (row, _) in enumerate(alterations)}
    if alterations:
        molecular["alterations"] = [entry for _, entry in alterations]
    ihc: dict[str, str] = {}
    for row, entry in _rows(form, group("molecular.ihc")):
        marker, result = str(entry.get("marker", "")), str(entry.get("result", ""))
        if not marker:
            state.add(f"molecular.ihc.{row}.marker", "write the marker, e.g. RB1 or SSTR2")
        elif not result:
            state.add(f"molecular.ihc.{row}.result",
                      f"choose the result ({', '.join(IHC_VALUES)})")
        else:
            ihc[marker] = result
            rows.setdefault("molecular.ihc", {})[len(ihc) - 1] = row
    if ihc:
        molecular["ihc"] = ihc
    if molecular:
        data["molecular"] = molecular
    return data, state, rows


def change_rows(state: FormState, g: Group, count: int, action: str) -> int:
    """Apply "add" or "remove:N" to a group's rows in ``state``; the new row count."""
    if action == "add":
        return min(count + 1, MAX_ROWS)
    _, _, which = action.partition(":")
    if not which.isdigit() or int(which) >= count:
        return count
    gone = int(which)
    for row in range(gone, count):
        for f in g.fields:
            below = state.values.pop(f"{g.key}.{row + 1}.{f.name}", None)
            state.values.pop(f"{g.key}.{row}.{f.name}", None)
            if below is not None:
                state.values[f"{g.key}.{row}.{f.name}"] = below
    return max(count - 1, 0)


_INDEX = re.compile(r"^(history|molecular\.alterations)\[(\d+)\](?:\.(\w+))?")


def attach_problems(state: FormState, exc: InputError, rows: dict[str, dict[int, int]]) -> None:
    """Put each validation problem next to the form field it concerns."""
    for p in exc.problems:
        message = _message(p)
        m = _INDEX.match(p.path)
        if m:
            key = m.group(1)
            row = rows.get(key, {}).get(int(m.group(2)), int(m.group(2)))
            first = "therapy" if key == "history" else "gene"
            state.add(f"{key}.{row}.{m.group(3) or first}", message)
        elif p.path.startswith("molecular.ihc"):
            marker = p.message.split(":", 1)[0].removeprefix("ihc.")
            row = next((r for r in range(MAX_ROWS)
                        if state.values.get(f"molecular.ihc.{r}.marker") == marker), None)
            if row is None:
                state.general.append(str(p))
            else:
                state.add(f"molecular.ihc.{row}.result", message.split(": ", 1)[-1])
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
    return names | {"id", "title", "notes"}


def values_from_case(case: dict[str, Any]) -> dict[str, Any]:
    """A case document -> form values (to edit a copy of it, or an uploaded file)."""
    values: dict[str, Any] = {k: case[k] for k in ("id", "title", "notes") if k in case}
    for section, _, _ in SECTIONS:
        for key, value in (case.get(section) or {}).items():
            values[f"{section}.{key}"] = value if isinstance(value, list) else _text(value)
    for row, entry in enumerate(case.get("history") or []):
        for key, value in entry.items():
            if key != "therapy_id":
                values[f"history.{row}.{key}"] = _text(value)
    mol = case.get("molecular") or {}
    for key, value in mol.items():
        if key == "alterations":
            for row, entry in enumerate(value):
                for k, v in entry.items():
                    values[f"molecular.alterations.{row}.{k}"] = _text(v)
        elif key == "ihc":
            for row, (marker, result) in enumerate(value.items()):
                values[f"molecular.ihc.{row}.marker"] = marker
                values[f"molecular.ihc.{row}.result"] = result
        else:
            values[f"molecular.{key}"] = _text(value)
    return values


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_in(values: dict[str, Any], g: Group) -> int:
    """How many rows of a group the values fill (the highest row used + 1)."""
    used = [int(k.split(".")[-2]) for k in values
            if k.startswith(g.key + ".") and k.split(".")[-2].isdigit()]
    return max(used, default=-1) + 1
