"""What changed between two knowledge-base versions (`nenboard kb diff A B`).

A version is a knowledge-base directory, a `nenboard kb export --format json`
file, or (inside a git checkout) a git revision: its bundled data directory is
read with ``git archive``. Both sides become the export shape (DESIGN.md:
``version`` plus one list of records per kind), and records are compared by
kind and id, field by field.
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from nenboard.errors import InputError

DATA_PATH = "src/nenboard/knowledge/data"  # the bundled knowledge base inside the repository


@dataclass(frozen=True)
class Change:
    kind: str
    id: str
    fields: tuple[str, ...]  # dotted paths, e.g. status, status_as_of.date, outcomes[2].value

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "fields": list(self.fields)}


@dataclass
class KBDiff:
    a: str
    b: str
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b,
                "added": [{"kind": k, "id": i} for k, i in self.added],
                "removed": [{"kind": k, "id": i} for k, i in self.removed],
                "changed": [c.to_json() for c in self.changed],
                "counts": {"added": len(self.added), "removed": len(self.removed),
                           "changed": len(self.changed)}}

    def lines(self, max_fields: int = 8) -> list[str]:
        """Plain-text listing: one line per record."""
        out = [f"knowledge base {self.a} -> {self.b}: {len(self.added)} added, "
               f"{len(self.changed)} changed, {len(self.removed)} removed"]
        out += [f"+ {k}:{i}" for k, i in self.added]
        out += [f"- {k}:{i}" for k, i in self.removed]
        for c in self.changed:
            shown = grouped(c.fields)
            more = len(shown) - max_fields
            out.append(f"~ {c.kind}:{c.id}: " + ", ".join(shown[:max_fields])
                       + (f" (and {more} more)" if more > 0 else ""))
        return out


def grouped(fields: tuple[str, ...], limit: int = 3) -> list[str]:
    """Paths to show: more than ``limit`` under one top-level field collapse to 'name (n fields)'."""
    heads: dict[str, list[str]] = {}
    for f in fields:
        heads.setdefault(re.split(r"[.\[]", f, maxsplit=1)[0], []).append(f)
    out: list[str] = []
    for head, paths in heads.items():
        out += [f"{head} ({len(paths)} fields)"] if len(paths) > limit else paths
    return out


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by dotted path; list items by index, ``[]`` for an empty list."""
    if isinstance(value, dict):
        if not value:
            return {prefix: {}} if prefix else {}
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        if not value:
            return {prefix: []}
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def changed_fields(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, ...]:
    """Dotted paths whose value differs (absent and None count as equal)."""
    fa, fb = flatten(a), flatten(b)
    empty = (None, [], {})
    return tuple(sorted(p for p in fa.keys() | fb.keys()
                        if fa.get(p) != fb.get(p)
                        and not (fa.get(p) in empty and fb.get(p) in empty)))


def diff_exports(a: dict[str, Any], b: dict[str, Any]) -> KBDiff:
    out = KBDiff(str(a.get("version", "?")), str(b.get("version", "?")))
    kinds = [k for k in dict.fromkeys([*a, *b]) if k != "version"]
    for kind in kinds:
        ra = {r["id"]: r for r in a.get(kind) or [] if isinstance(r, dict) and "id" in r}
        rb = {r["id"]: r for r in b.get(kind) or [] if isinstance(r, dict) and "id" in r}
        out.added += [(kind, i) for i in sorted(rb.keys() - ra.keys())]
        out.removed += [(kind, i) for i in sorted(ra.keys() - rb.keys())]
        for i in sorted(ra.keys() & rb.keys()):
            fields = changed_fields(ra[i], rb[i])
            if fields:
                out.changed.append(Change(kind, i, fields))
    return out


def read_version(spec: str, repo: Path | None = None) -> dict[str, Any]:
    """A knowledge base as export data: a directory, an export JSON file or a git revision."""
    from nenboard.knowledge.loader import load

    path = Path(spec)
    if path.is_dir():
        return load(path).export()
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError.single(spec, f"not a knowledge-base export (JSON): {exc}") from None
        if not isinstance(data, dict) or "version" not in data or "trials" not in data:
            raise InputError.single(spec, "not a `nenboard kb export --format json` file "
                                          "(needs top-level 'version' and 'trials')")
        return data
    with tempfile.TemporaryDirectory(prefix="nenboard-kb-") as tmp:
        root = _checkout(spec, Path(tmp), repo)
        return load(root).export()


def _checkout(rev: str, into: Path, repo: Path | None) -> Path:
    """The bundled data directory at git revision ``rev``, extracted into ``into``."""
    repo = repo or Path(__file__).resolve().parents[3]
    not_found = InputError.single(rev, "not a knowledge-base directory, an export JSON file, "
                                       "or a git revision of this checkout")
    if rev.startswith("-") or not (repo / ".git").exists():
        raise not_found
    try:
        blob = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", rev, DATA_PATH],
                              capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        raise not_found from None
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / DATA_PATH
