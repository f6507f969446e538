"""Read a case from a YAML/JSON file or mapping, validated once, at the edge.

All problems are collected and raised together as one `InputError` whose
entries name the field path, the value and what is allowed. Therapy names in
the history are resolved through the knowledge base's names and synonyms.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from nenboard.case.model import Case
from nenboard.case.vocab import suggest
from nenboard.errors import InputError, Problem
from nenboard.knowledge.loader import KnowledgeBase

MAX_BYTES = 2_000_000
STDIN = "-"  # the path that means "read the case from standard input"
STDIN_NAME = "<stdin>"


def parse_document(text: str, name: str = "case") -> Any:
    """Parse YAML or JSON text; a clean `InputError` for anything else."""
    if not text.strip():
        raise InputError.single(name, "the file is empty; expected a YAML or JSON case")
    try:
        if text.lstrip().startswith(("{", "[")):
            return json.loads(text)
        return yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" at line {exc.lineno}, column {exc.colno}"
        raise InputError.single(name, f"not valid YAML or JSON{where}") from None


def read_text(path: str | Path, expected: str = "a YAML or JSON case",
              max_bytes: int = MAX_BYTES) -> str:
    """The text of an input file; a clean `InputError` naming the file otherwise."""
    if str(path) == STDIN:
        return _read_stdin(expected, max_bytes)
    path = Path(path)
    if not path.exists():
        raise InputError.single(str(path), "file not found")
    if path.is_dir():
        raise InputError.single(str(path), f"is a directory; expected {expected}")
    if path.stat().st_size > max_bytes:
        raise InputError.single(str(path), f"file larger than {max_bytes} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError.single(str(path), f"not UTF-8 text; expected {expected}") from None


def _read_stdin(expected: str, max_bytes: int) -> str:
    """Standard input as text (`-` as CASE), with the same limits as a file."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read(max_bytes + 1) if stream is not None else sys.stdin.read().encode()
    if len(raw) > max_bytes:
        raise InputError.single(STDIN_NAME, f"input larger than {max_bytes} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError.single(STDIN_NAME, f"not UTF-8 text; expected {expected}") from None


def read_case(source: str | Path | dict[str, Any], kb: KnowledgeBase | None = None) -> Case:
    """Validate a case from a file path, `-` (standard input) or a parsed mapping."""
    name = "case"
    if isinstance(source, dict):
        data: Any = source
    else:
        name = STDIN_NAME if str(source) == STDIN else str(source)
        data = parse_document(read_text(source), name)
    return case_from_data(data, kb, name)


def case_from_data(data: Any, kb: KnowledgeBase | None = None, name: str = "case") -> Case:
    if not isinstance(data, dict):
        raise InputError.single("", f"a case must be a mapping of sections, got "
                                    f"{type(data).__name__}", source=name)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        problems = problems_from(exc, Case)
        if kb is not None:  # unknown therapy names too, so every problem is listed at once
            seen = {p.path for p in problems}
            problems += [p for p in _therapy_problems(data.get("history"), kb)
                         if p.path not in seen]
        raise InputError(problems, source=name) from None
    return resolve_therapies(case, kb, name) if kb is not None else case


def _therapy_problem(i: int, name: str, kb: KnowledgeBase) -> Problem:
    hint = suggest(name, kb.therapy_names(with_synonyms=True))
    did = f"; did you mean {hint!r}?" if hint else "."
    return Problem(f"history[{i}].therapy",
                   f"unknown therapy{did} Any drug or regimen name or synonym "
                   "in the knowledge base is allowed (see `nenboard kb search`)", name)


def _therapy_problems(history: Any, kb: KnowledgeBase) -> list[Problem]:
    """Unknown therapy names in raw (not yet validated) history entries."""
    if not isinstance(history, list):
        return []
    return [_therapy_problem(i, e["therapy"].strip(), kb) for i, e in enumerate(history)
            if isinstance(e, dict) and isinstance(e.get("therapy"), str) and e["therapy"].strip()
            and kb.resolve_therapy(e["therapy"].strip()) is None]


def resolve_therapies(case: Case, kb: KnowledgeBase, name: str = "case") -> Case:
    """Attach knowledge-base ids to history entries; unknown names are errors."""
    problems = []
    entries = []
    for i, entry in enumerate(case.history):
        tid = kb.resolve_therapy(entry.therapy)
        if tid is None:
            problems.append(_therapy_problem(i, entry.therapy, kb))
        entries.append(entry.model_copy(update={"therapy_id": tid}))
    if problems:
        raise InputError(problems, source=name)
    return case.model_copy(update={"history": entries})


def problems_from(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Translate pydantic errors into field-path problems a clinician can act on."""
    out = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = _unknown_key_message(model, loc[:-1], str(err["loc"][-1]))
        elif err["type"] == "missing":
            msg = "required"
        elif err["type"] in _BOUNDS:
            msg = _range_message(model, loc)
        value = err.get("input") if err["type"] != "missing" else None
        if isinstance(value, dict | list):
            value = None
        out.append(Problem(path, msg, value))
    return out


def _norm_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "").replace(" ", "")


def _unknown_key_message(model: type[BaseModel], parent: list[Any], key: str) -> str:
    """'unknown key; did you mean 'ki67'? allowed keys: ...' (ki_67, Ki-67 -> ki67), or the
    section where the key belongs when it is misplaced (ki67 at top level -> tumor.ki67)."""
    allowed = _allowed_keys(model, parent)
    by_norm = {_norm_key(k): k for k in allowed}
    hint = by_norm.get(_norm_key(key)) or suggest(key, allowed)
    if hint is None and _norm_key(key):
        hint = _elsewhere(model, _norm_key(key))
    did = f"; did you mean {hint!r}? " if hint else "; "
    return "unknown key" + (did + f"allowed keys: {', '.join(allowed)}" if allowed
                            else did.rstrip("; "))


def _elsewhere(model: type[BaseModel], norm: str) -> str | None:
    """The dotted path of a same-named key in another section of the case, if any."""
    for section, field in model.model_fields.items():
        inner = _inner_model(field.annotation)
        if inner is None:
            continue
        for key in inner.model_fields:
            if key != "therapy_id" and _norm_key(key) == norm:
                return f"{section}.{key}"
    return None


_BOUNDS = {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}


def _range_message(model: type[BaseModel], loc: list[Any]) -> str:
    """'out of range; allowed 0 to 100 (Ki-67 index, percent 0-100)' from the field."""
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(loc[-1]) if parent else None
    if field is None:
        return "out of range"
    lo = hi = None
    for meta in _metadata(field):
        lo = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else lo
        hi = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else hi
    bounds = (f"{lo} to {hi}" if lo is not None and hi is not None
              else f">= {lo}" if lo is not None else f"<= {hi}")
    about = f" ({field.description})" if field.description else ""
    return f"out of range; allowed {bounds}{about}"


def _metadata(field: Any) -> list[Any]:
    """Constraint objects (Ge, Le, ...) of a field, through Optional and Annotated."""
    found = list(field.metadata)
    for arg in get_args(field.annotation):
        found += list(getattr(arg, "__metadata__", ()))
    flat = []
    for meta in found:
        flat += getattr(meta, "metadata", None) or [meta]
    return flat


def _model_at(model: type[BaseModel], loc: list[Any]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _allowed_keys(model: type[BaseModel], loc: list[Any]) -> list[str]:
    found = _model_at(model, loc)
    return [k for k in found.model_fields if k != "therapy_id"] if found else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
