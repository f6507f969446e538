"""Load the knowledge base from YAML and give it a content hash.

Layout: ``data/<kind>/*.yaml`` (or ``data/<kind>.yaml``), each file a list of
records of that kind; ``data/sources/*.yaml`` registers citable sources. The
loader validates every record against the schema and refuses duplicate ids;
`check.check` then verifies cross-references and numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from nenboard.errors import InputError, Problem
from nenboard.knowledge.schema import (
    KINDS,
    BiomarkerAssertion,
    Drug,
    EligibilityDefault,
    Factor,
    Frequency,
    Grading,
    GuidanceGap,
    PathologyFlag,
    Regimen,
    ResistanceMechanism,
    Rule,
    SafetyGate,
    Site,
    Source,
    Syndrome,
    TherapyClass,
    Trial,
    WorkupRequest,
)

DATA_DIR = Path(__file__).parent / "data"
# libyaml's C parser when PyYAML was built with it (the wheels are): ~10x faster loads.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeBase(BaseModel):
    """The validated, immutable knowledge base. Engines take it as an argument."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    version: str
    release: str = ""
    sources: dict[str, Source]
    therapy_classes: dict[str, TherapyClass]
    drugs: dict[str, Drug]
    regimens: dict[str, Regimen]
    trials: dict[str, Trial]
    eligibility_defaults: dict[str, EligibilityDefault]
    resistance: dict[str, ResistanceMechanism]
    biomarkers: dict[str, BiomarkerAssertion]
    frequencies: dict[str, Frequency]
    factors: dict[str, Factor]
    rules: dict[str, Rule]
    safety: dict[str, SafetyGate]
    workup: dict[str, WorkupRequest]
    guidance: dict[str, GuidanceGap]
    grading: dict[str, Grading]
    flags: dict[str, PathologyFlag]
    syndromes: dict[str, Syndrome]
    sites: dict[str, Site]

    # -- lookups -------------------------------------------------------------
    @cached_property
    def _names(self) -> dict[str, str]:
        """Lower-cased name/synonym/id -> therapy id (regimens win over drugs)."""
        index: dict[str, str] = {}
        for table in (self.drugs, self.regimens, self.therapy_classes):
            for rec in table.values():
                for key in (rec.id, rec.name, *rec.synonyms):
                    index[_norm(key)] = rec.id
        return index

    def resolve_therapy(self, name: str) -> str | None:
        """The drug/regimen/class id a name or synonym refers to, or None."""
        return self._names.get(_norm(name))

    def therapy_names(self, with_synonyms: bool = False) -> list[str]:
        """Display names of drugs and regimens (and their synonyms when asked)."""
        return sorted({name for t in (self.drugs, self.regimens) for rec in t.values()
                       for name in ([rec.name, *rec.synonyms] if with_synonyms else [rec.name])})

    def therapy(self, therapy_id: str) -> Drug | Regimen | None:
        return self.regimens.get(therapy_id) or self.drugs.get(therapy_id)

    def classes_of(self, therapy_id: str) -> list[str]:
        """Therapy classes of a drug or regimen, including those of its components."""
        return list(self.class_index.get(therapy_id, ()))

    @cached_property
    def class_index(self) -> dict[str, tuple[str, ...]]:
        """Therapy id -> its classes (built once: the planner asks per option)."""
        def of(therapy_id: str) -> list[str]:
            if therapy_id in self.therapy_classes:
                return [therapy_id]
            rec = self.therapy(therapy_id)
            if rec is None:
                return []
            classes = list(rec.classes)
            for comp in getattr(rec, "components", []):
                classes += [c for c in of(comp) if c not in classes]
            return classes

        ids = [*self.therapy_classes, *self.drugs, *self.regimens]
        return {t: tuple(of(t)) for t in ids}

    @cached_property
    def oncotree(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """OncoTree code -> (entity key such as NET, NEC or NEC_small_cell, site ids)."""
        out: dict[str, tuple[str, tuple[str, ...]]] = {}
        for site in self.sites.values():
            for entity, code in site.oncotree.items():
                key, sites = out.get(code, (entity, ()))
                out[code] = (key, (*sites, site.id))
        return out

    def components_of(self, therapy_id: str) -> list[str]:
        rec = self.regimens.get(therapy_id)
        return list(rec.components) if rec else []

    def record(self, record_id: str) -> tuple[str, BaseModel] | None:
        """Find any record by id (or a therapy by name/synonym)."""
        for kind in ("sources", *KINDS):
            table = getattr(self, kind)
            if record_id in table:
                return kind, table[record_id]
        resolved = self.resolve_therapy(record_id)
        if resolved:
            return self.record(resolved)
        for trial in self.trials.values():
            if record_id.upper() in trial.nct or _norm(record_id) in map(_norm, trial.synonyms):
                return "trials", trial
        return None

    def records(self) -> Iterator[tuple[str, BaseModel]]:
        for kind in ("sources", *KINDS):
            for rec in getattr(self, kind).values():
                yield kind, rec

    def export(self) -> dict[str, Any]:
        """The whole knowledge base as plain JSON-able data (DESIGN.md contract)."""
        out: dict[str, Any] = {"version": self.version}
        for kind in ("sources", *KINDS):
            out[kind] = [r.model_dump(mode="json", by_alias=True)
                         for r in getattr(self, kind).values()]
        return out


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _files(root: Path, kind: str) -> list[Path]:
    single = root / f"{kind}.yaml"
    folder = root / kind
    files = [single] if single.exists() else []
    if folder.is_dir():
        files += sorted(folder.rglob("*.yaml"))
    return files


def _read_yaml(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise InputError.single(str(path), f"not valid YAML: {exc}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise InputError.single(str(path), "a knowledge file must be a YAML list of records")
    return data


def load(root: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base at ``root`` (default: the bundled one)."""
    kb, problems = load_with_problems(root)
    if problems:
        raise InputError(problems, source="knowledge base")
    return kb


def load_with_problems(root: Path | str | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load what validates and list what does not (for curators mid-edit)."""
    root = Path(root) if root else DATA_DIR
    if not root.is_dir():
        raise InputError.single(str(root), "knowledge-base directory not found")
    problems: list[Problem] = []
    tables: dict[str, dict[str, Any]] = {}
    for kind, model in (("sources", Source), *KINDS.items()):
        table: dict[str, Any] = {}
        for path in _files(root, kind):
            rel = path.relative_to(root).as_posix()
            for i, raw in enumerate(_read_yaml(path)):
                where = f"{rel}[{i}]"
                rid = raw.get("id") if isinstance(raw, dict) else None
                if rid is not None:
                    where = f"{rel}:{rid}"
                try:
                    rec = model.model_validate(raw)
                except ValidationError as exc:
                    for err in exc.errors():
                        loc = ".".join(str(p) for p in err["loc"])
                        problems.append(Problem(f"{where}.{loc}" if loc else where, err["msg"]))
                    continue
                if rec.id in table:
                    problems.append(Problem(where, f"duplicate {kind} id {rec.id!r}"))
                    continue
                table[rec.id] = rec
        tables[kind] = table
    release = read_release(root, problems)
    return KnowledgeBase(version=release_version(release, content_version(root)),
                         release=release, **tables), problems


RELEASE_FILE = "release.yaml"


def read_release(root: Path, problems: list[Problem] | None = None) -> str:
    """The release named in ``release.yaml`` (``2026.12.02``; docs/changelog-kb.md), or ''."""
    path = root / RELEASE_FILE
    if not path.exists():
        return ""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        data = None
        if problems is not None:
            problems.append(Problem(RELEASE_FILE, f"not valid YAML: {exc}"))
    release = str(data.get("release", "")) if isinstance(data, dict) else ""
    if not re.match(r"^\d{4}\.\d{2}\.\d{2}$", release):
        if problems is not None:
            problems.append(Problem(f"{RELEASE_FILE}.release", "must be the release date as "
                                    f"YYYY.MM.DD (e.g. 2026.12.02), got {release!r}"))
        return ""
    return release


def release_version(release: str, digest: str) -> str:
    """'2026.12.02+<content hash>': the release date, then the hash of the exact content."""
    return f"{release}+{digest}" if release else digest


def kb_version(root: Path) -> str:
    """The version of the knowledge base at ``root`` without loading its records."""
    return release_version(read_release(root), content_version(root))


def content_version(root: Path) -> str:
    """sha256 over every data file, including those other engines read (systems/)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4)
def default_kb() -> KnowledgeBase:
    """The bundled knowledge base, loaded and checked once per process.

    ``NENBOARD_KB_UNCHECKED=1`` (curators mid-edit only) loads the records that
    validate and skips the cross-reference check.
    """
    from nenboard.knowledge.check import check

    if os.environ.get("NENBOARD_KB_UNCHECKED") == "1":
        return load_with_problems()[0]
    kb = _load_cached()
    problems = check(kb)
    if problems:
        raise InputError(problems, source="knowledge base")
    return kb


def cache_dir() -> Path:
    env = os.environ.get("NENBOARD_CACHE_DIR")
    return Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "nenboard"


def _load_cached() -> KnowledgeBase:
    """The bundled knowledge base, from a JSON cache of its validated records if present.

    Parsing 1.2 MB of YAML takes about 0.2 s per process; pydantic reads the same
    records back from JSON in about 0.04 s. The cache is keyed by the content
    version and the nenboard version, so an edited record or a new release is
    loaded from the YAML again; a missing, unreadable or invalid cache file is
    simply rebuilt (it holds data only, validated on every read).
    """
    from nenboard import __version__

    path = cache_dir() / f"kb-{kb_version(DATA_DIR)}-{__version__}.json"
    try:
        return KnowledgeBase.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        pass
    kb = load()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(kb.model_dump_json(by_alias=True), encoding="utf-8")
        tmp.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        pass  # a read-only home only costs the speed-up
    return kb


def to_json(kb: KnowledgeBase) -> str:
    return json.dumps(kb.export(), indent=2, ensure_ascii=False)
