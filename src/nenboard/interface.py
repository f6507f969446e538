"""Small helpers shared by the command-line interfaces (no clinical logic)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console

from nenboard.case import Case, read_case
from nenboard.knowledge import KnowledgeBase, default_kb

DISCLAIMER = ("nenboard supports, and does not replace, the judgement of a qualified clinician "
              "and the multidisciplinary tumor board.")

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    table = "table"
    json = "json"


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
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        out.write_bytes(text)
    else:
        out.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {out}")
