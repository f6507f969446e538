"""Small helpers shared by the command-line interfaces (no clinical logic)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console

from nenboard.case import Case, read_case
from nenboard.errors import InputError
from nenboard.knowledge import KnowledgeBase, default_kb

DISCLAIMER = ("nenboard supports, and does not replace, the judgement of a qualified clinician "
              "and the multidisciplinary tumor board.")

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    tsv = "tsv"


def check_output(out: Path | None, directory: bool = False) -> Path | None:
    """Fail fast (exit 2, naming the path) on an output path that cannot be written,
    before any work is done: a missing or unwritable folder, or a folder given as a file."""
    if out is None or str(out) == "-":
        return out
    if directory:
        if out.exists() and not out.is_dir():
            raise InputError.single(str(out), "exists and is not a folder; expected an "
                                    "output folder")
        parent = out if out.exists() else out.parent
    else:
        if out.is_dir():
            raise InputError.single(str(out), "is a folder; expected an output file name")
        parent = out.parent
    parent = parent if str(parent) else Path(".")
    if not parent.is_dir():
        raise InputError.single(str(out), f"cannot write here: folder {str(parent)!r} does "
                                "not exist")
    target = out if out.exists() else parent
    if not os.access(target, os.W_OK):
        raise InputError.single(str(out), "cannot write here: permission denied")
    return out


@contextlib.contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner on stderr for work that can take seconds (only on a terminal)."""
    if not err_console.is_terminal:
        yield
        return
    with err_console.status(message):
        yield


def kb() -> KnowledgeBase:
    return default_kb()


def load_case(path: Path) -> Case:
    return read_case(path, kb())


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json", by_alias=True)
    if isinstance(obj, list):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


def dumps(obj: Any) -> str:
    """Stable JSON: sorted keys are not used, so the model's field order is the contract order."""
    return json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False)


def print_json(obj: Any) -> None:
    sys.stdout.write(dumps(obj) + "\n")


def write_output(text: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    check_output(out)
    try:
        if isinstance(text, bytes):
            out.write_bytes(text)
        else:
            out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError.single(str(out), f"cannot write: {exc.strerror or exc}") from None
    err_console.print(f"wrote {out}", markup=False)


def width() -> int:
    """The width tables and text are laid out for (terminal width; 80 when piped)."""
    return console.width


def emit(doc: Any, fmt: Format, out: Path | None = None, as_of: dt.date | None = None) -> None:
    """Print a `layout.Doc` as text at the terminal width, with the evidence footer, or
    its tables as TSV (``as_of``: the day trial statuses were judged on, when it matters)."""
    if fmt is Format.tsv:
        write_output(doc.tsv(), out)
        return
    doc.heading(evidence_footer(as_of), style="dim")
    if out is not None:
        write_output(doc.text(width()), out)
    else:
        doc.print(console)


# -- "evidence as of": one footer line and one JSON stamp for every output --------------------

AS_OF_HELP = ("judge trial statuses on this day, YYYY-MM-DD (default: today); a status stated "
              "more than 12 months earlier is shown 'to verify'")


def as_of_date(text: str | None) -> dt.date:
    """The ``--as-of`` value, or today (the interfaces' default; engines take it as input)."""
    from nenboard.knowledge.dates import parse_as_of, today

    try:
        return parse_as_of(text) or today()
    except ValueError as exc:
        raise InputError.single("--as-of", str(exc)) from None


def evidence_footer(as_of: dt.date | None = None) -> str:
    """'evidence as of 2023-07-08; knowledge base 2026.12.02+...' (`knowledge.dates`)."""
    from nenboard.knowledge.dates import evidence_line

    return evidence_line(kb(), as_of)


def print_footer(as_of: dt.date | None = None) -> None:
    """The evidence line, for the few outputs that do not go through `emit`."""
    console.print(evidence_footer(as_of), style="dim", markup=False)


def stamped(data: Any, as_of: dt.date | None = None) -> Any:
    """A JSON object output with ``evidence`` (evidence_as_of, kb_release, kb_version, as_of)."""
    from nenboard.knowledge.dates import evidence_stamp

    data = to_jsonable(data)
    if isinstance(data, dict):
        data = {**data, "evidence": evidence_stamp(kb(), as_of)}
    return data
