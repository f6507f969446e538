"""Batch evaluation: one result per input, bad records reported per record, never fatal."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from nenboard.board.batch import BatchSummary, run_batch, write_rows
from nenboard.board.synthetic import synthetic_cases
from tests.conftest import EXAMPLES, run_cli


def _jsonl(path, cases):
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return path


def test_10000_generated_cases_one_result_each_bad_records_reported(tmp_path):
    cases = synthetic_cases(10_000, seed=11, bad_fraction=0.05)
    src = _jsonl(tmp_path / "cohort.jsonl", cases)
    (tmp_path / "cohort.jsonl").open("a").write("{not json\n")
    rows = list(run_batch(src, workers=2))
    assert len(rows) == len(cases) + 1
    assert [r["record"] for r in rows] == [f"cohort.jsonl:{i}" for i in range(1, len(cases) + 2)]
    bad = [r for r in rows if r["status"] != "ok"]
    assert 300 < len(bad) < 800
    assert all(r["status"] == "invalid" and r["error"] for r in bad), {r["status"] for r in bad}
    assert rows[-1]["status"] == "invalid" and "not valid YAML or JSON" in rows[-1]["error"]
    ok = [r for r in rows if r["status"] == "ok"]
    assert all(r["who_label"] for r in ok)
    summary = BatchSummary()
    for r in rows:
        summary.add(r)
    assert summary.total == len(rows) and summary.errors == len(bad)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_cli_batch_from_a_folder_in_every_format(tmp_path, capsys, fmt):
    out = tmp_path / f"out.{fmt}"
    code, stdout, _ = run_cli(["board", "--batch", str(EXAMPLES), "--format", fmt, "-o", str(out),
                               "--workers", "1"], capsys)
    assert code == 0, stdout
    n = len(list(EXAMPLES.glob("*.yaml")))
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif fmt == "csv":
        rows = pd.read_csv(out).to_dict("records")
    else:
        rows = pd.read_parquet(out).to_dict("records")
    assert len(rows) == n and all(r["status"] == "ok" for r in rows)
    assert f"{n} cases" in stdout
    summary = json.loads(out.with_suffix(".summary.json").read_text())
    assert summary["total"] == n


def test_parquet_input_with_a_case_column(tmp_path):
    cases = synthetic_cases(20, seed=3)
    pd.DataFrame({"case": [json.dumps(c) for c in cases]}).to_parquet(tmp_path / "in.parquet")
    rows = list(run_batch(tmp_path / "in.parquet", workers=1))
    assert len(rows) == 20 and {r["status"] for r in rows} == {"ok"}


def test_dask_scheduler_gives_the_same_rows(tmp_path):
    pytest.importorskip("distributed")
    src = _jsonl(tmp_path / "c.jsonl", synthetic_cases(300, seed=5, bad_fraction=0.1))
    local = list(run_batch(src, workers=1, timestamp="2026-01-01T00:00:00+00:00"))
    dask = list(run_batch(src, scheduler="local", timestamp="2026-01-01T00:00:00+00:00"))
    assert local == dask


def test_batch_write_rows_rejects_unknown_format(tmp_path):
    from nenboard.errors import InputError

    with pytest.raises(InputError):
        write_rows([], tmp_path / "x.xml", "xml")


def test_missing_batch_input_exits_2(tmp_path, capsys):
    code, _, err = run_cli(["board", "--batch", str(tmp_path / "nope.jsonl"), "-o",
                            str(tmp_path / "o.jsonl")], capsys)
    assert code == 2 and "not found" in err


def test_summary_rows_agree_with_the_full_report(tmp_path):
    """The summary row is read from the engines' findings; --full adds the Report built
    from the same findings, so both must say the same thing."""
    rows = list(run_batch(EXAMPLES, workers=1, full=True, timestamp="2026-01-01T00:00:00+00:00"))
    assert rows and all(r["status"] == "ok" for r in rows)
    for row in rows:
        report = row["report"]
        assert row["input_hash"] == report["input_hash"]
        assert row["kb_version"] == report["kb_version"]
        assert row["who_label"] == report["classification"]["who_label"]
        assert row["options"] == [f"{o['category']}:{o['therapy']}" for o in report["options"]]
        assert row["excluded"] == [e["therapy"] for e in report["excluded"]]
        assert row["tiers"] == sorted({a["tier"] for a in report["alterations"] if a.get("tier")})
        assert row["eligible_trials"] == [t["nct"] or t["trial"] for t in report["trials"]
                                          if t["eligibility"] == "eligible"]
    assert any(r["eligible_trials"] for r in rows) and any(r["tiers"] for r in rows)


def test_csv_keeps_every_column_when_error_rows_come_first(tmp_path):
    ok = {"record": "a", "case_id": "c1", "status": "ok", "error": None, "who_label": "NET G1",
          "options": ["standard:octreotide", "standard:lanreotide"], "tiers": []}
    bad = {"record": "b", "case_id": None, "status": "invalid", "error": "tumor.ki67: too high"}
    write_rows([bad, ok], tmp_path / "o.csv", "csv")
    rows = pd.read_csv(tmp_path / "o.csv", keep_default_na=False).to_dict("records")
    assert rows[0]["error"] == "tumor.ki67: too high" and rows[0]["who_label"] == ""
    assert rows[1]["options"] == "standard:octreotide; standard:lanreotide"
