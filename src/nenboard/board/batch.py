"""Evaluate whole cohorts: many cases in, one result record per case out.

Errors are recorded per record with the reason and never abort the run. Work is
spread over local processes, or over a Dask cluster with ``scheduler`` (an
address, or "local" for an in-machine cluster) so registries can scale out with
no code change.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenboard.errors import InputError

if TYPE_CHECKING:
    from nenboard.board.evaluate import Findings

CHUNK = 200


@dataclass
class BatchSummary:
    total: int = 0
    ok: int = 0
    errors: int = 0
    entities: Counter = field(default_factory=Counter)
    options: Counter = field(default_factory=Counter)
    tiers: Counter = field(default_factory=Counter)
    eligible_trials: Counter = field(default_factory=Counter)
    error_reasons: Counter = field(default_factory=Counter)

    def add(self, row: dict[str, Any]) -> None:
        self.total += 1
        if row["status"] != "ok":
            self.errors += 1
            self.error_reasons[row["error"].split(":")[0]] += 1
            return
        self.ok += 1
        self.entities[row["who_label"]] += 1
        # each counter counts cases, so an option offered twice in one case counts once
        self.options.update(set(row["options"]))
        self.tiers.update(set(row["tiers"]))
        self.eligible_trials.update(set(row["eligible_trials"]))

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "ok": self.ok, "errors": self.errors,
                "who_labels": dict(self.entities.most_common()),
                "options": dict(self.options.most_common()),
                "tiers": dict(sorted(self.tiers.items())),
                "eligible_trials": dict(self.eligible_trials.most_common(20)),
                "error_reasons": dict(self.error_reasons.most_common(20))}


# -- input ------------------------------------------------------------------------------
def read_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(label, raw document) for every case in a JSONL file, folder or parquet file."""
    if not path.exists():
        raise InputError.single(str(path), "batch input not found")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
        if not files:
            raise InputError.single(str(path), "folder holds no .yaml/.yml/.json case files")
        for p in files:
            yield p.name, ("file", str(p))
    elif path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    yield f"{path.name}:{n}", ("json", line)
    elif path.suffix == ".parquet":
        import pyarrow.parquet as pq

        for n, row in enumerate(pq.read_table(path).to_pylist(), start=1):
            doc = row.get("case", row)
            yield f"{path.name}:row {n}", ("json", doc) if isinstance(doc, str) else ("data", doc)
    else:
        raise InputError.single(str(path), "batch input must be a .jsonl file, a folder of "
                                "case files, or a .parquet file")


# -- one record -------------------------------------------------------------------------
def _strip_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_strip_none(v) for v in node]
    return node


def evaluate_record(label: str, raw: tuple[str, Any], timestamp: str | None,
                    full: bool) -> dict[str, Any]:
    """Evaluate one raw record; every failure becomes an error row, never an exception.

    The row summarises the engines' findings; the full cited Report is built only
    with ``full`` (it costs as much again as the engines themselves).
    """
    from nenboard.board.evaluate import input_hash, report_time, run_engines, write_report
    from nenboard.case.read import case_from_data, parse_document, read_case
    from nenboard.knowledge import default_kb

    kb = default_kb()
    row: dict[str, Any] = {"record": label, "case_id": None, "status": "ok", "error": None}
    try:
        kind, payload = raw
        if kind == "file":
            case = read_case(payload, kb)
        else:
            data = parse_document(payload, label) if kind == "json" else _strip_none(payload)
            case = case_from_data(data, kb, label)
        row["case_id"] = case.id
        when, as_of = report_time(timestamp)
        found = run_engines(case, kb, as_of)
        row.update(summarize(found))
        row.update(kb_version=kb.version, input_hash=input_hash(case))
        if full:
            row["report"] = write_report(case, found, kb, timestamp=when,
                                         as_of=as_of).model_dump(mode="json")
    except InputError as exc:
        return {**row, "status": "invalid", "error": exc.one_line()}
    except Exception as exc:
        return {**row, "status": "error", "error": f"internal error: {type(exc).__name__}: {exc}"}
    return row


def summarize(found: Findings) -> dict[str, Any]:
    """One flat row per case: what a registry counts."""
    c = found.classification
    return {
        "who_label": c.who_label, "entity": c.entity, "grade": c.grade, "oncotree": c.oncotree,
        "options": [f"{o.category}:{o.therapy}" for o in found.plan.options],
        "excluded": [e.therapy for e in found.plan.excluded],
        "tiers": sorted({a.annotation.tier for a in found.molecular.alterations
                         if a.annotation.tier}),
        "eligible_trials": [m.nct or m.trial.id for m in found.listed_trials
                            if m.eligibility == "eligible"],
    }


def _chunk_worker(items: list[tuple[str, Any]], timestamp: str | None,
                  full: bool) -> list[dict[str, Any]]:
    return [evaluate_record(label, raw, timestamp, full) for label, raw in items]


def _chunks(records: Iterator[tuple[str, Any]], size: int) -> Iterator[list[tuple[str, Any]]]:
    chunk: list[tuple[str, Any]] = []
    for rec in records:
        chunk.append(rec)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(path: Path, *, workers: int = 0, scheduler: str | None = None,
              timestamp: str | None = None, full: bool = False,
              progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Yield one result row per input record, in input order."""
    chunks = list(_chunks(read_records(path), CHUNK))
    if scheduler:
        yield from _run_dask(chunks, scheduler, timestamp, full, progress)
        return
    if workers == 1 or len(chunks) == 1:
        yield from _deliver((_chunk_worker(c, timestamp, full) for c in chunks), progress)
        return
    _load_before_fork()
    try:
        with ProcessPoolExecutor(max_workers=workers or None) as pool:
            futures = [pool.submit(_chunk_worker, c, timestamp, full) for c in chunks]
            yield from _deliver((f.result() for f in futures), progress)
    finally:
        gc.unfreeze()


def _deliver(results: Iterator[list[dict[str, Any]]],
             progress: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    """Rows of each finished chunk, in chunk order, reporting progress per chunk."""
    for rows in results:
        if progress:
            progress(len(rows))
        yield from rows


def _load_before_fork() -> None:
    """Load the engines and the knowledge base once, in the parent, then freeze them.

    Forked workers inherit both instead of loading their own. `gc.freeze` moves the
    tens of thousands of long-lived knowledge-base objects out of the collector's
    sight, so the workers' collections stop rescanning them (about 8% of a case's
    time) and their pages stay shared between processes.
    """
    from nenboard.board.evaluate import run_engines  # noqa: F401  (imports every engine)
    from nenboard.knowledge import default_kb
    from nenboard.trials.match import compiled_kb

    compiled_kb(default_kb())
    gc.freeze()


def _run_dask(chunks: list[list[tuple[str, Any]]], scheduler: str, timestamp: str | None,
              full: bool, progress: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(processes=True, dashboard_address=None) if scheduler == "local" else None
    client = Client(cluster if cluster else scheduler)
    try:
        futures = client.map(_chunk_worker, chunks, timestamp=timestamp, full=full, pure=False)
        yield from _deliver((f.result() for f in futures), progress)
    finally:
        client.close()
        if cluster:
            cluster.close()


# -- output -----------------------------------------------------------------------------
FLAT_LISTS = ("options", "excluded", "tiers", "eligible_trials")


def write_rows(rows: list[dict[str, Any]], out: Path, fmt: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if fmt not in ("csv", "parquet"):
        raise InputError.single("--format", f"{fmt!r} not allowed; allowed: jsonl, csv, parquet")
    flat = [{k: ("; ".join(v) if k in FLAT_LISTS and isinstance(v, list) else v)
             for k, v in row.items() if k != "report"} for row in rows]
    columns = list(dict.fromkeys(k for row in flat for k in row))  # error rows have fewer
    if fmt == "csv":
        import csv

        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(flat)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in flat]), out)
