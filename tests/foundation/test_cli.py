"""The CLI: readable tables, stable JSON, exit code 2 with one clean line on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, run_cli

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_classify_examples_json_is_stable_and_follows_contract(path, capsys):
    code, out, _ = run_cli(["classify", str(path), "--format", "json"], capsys)
    assert code == 0
    first = json.loads(out)
    assert {"entity", "grade", "who_label", "warnings", "rationale"} <= set(first)
    assert first["entity"] in ("NET", "NEC", "MiNEN", None)
    assert first["grade"] in ("G1", "G2", "G3", None)
    assert all({"code", "message"} <= set(w) for w in first["warnings"])
    assert run_cli(["classify", str(path), "--format", "json"], capsys)[1] == out


def test_classify_table_is_readable(capsys):
    code, out, _ = run_cli(["classify", str(EXAMPLES / "si_net_naive.yaml")], capsys)
    assert code == 0
    assert "NET G2" in out and "SBWDNET" in out


@pytest.mark.parametrize(("content", "message"), [
    (None, "file not found"), ("", "empty"), ("tumor: [", "not valid YAML"),
    ("- a\n- b\n", "must be a mapping"), ("tumor: {ki67: 140}\n", "tumor.ki67"),
    ("tumor: {primary_site: pancreatic}\n", "did you mean 'pancreas'"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "case.yaml"
    if content is not None:
        path.write_text(content)
    code, _, err = run_cli(["classify", str(path)], capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_version(capsys):
    from nenboard import __version__

    code, out, _ = run_cli(["--version"], capsys)
    assert code == 0 and __version__ in out


def test_kb_check_passes(capsys):
    code, out, _ = run_cli(["kb", "check"], capsys)
    assert code == 0 and "knowledge base OK" in out


def _copy_kb(tmp_path: Path) -> Path:
    from nenboard.knowledge.loader import DATA_DIR

    target = tmp_path / "kb"
    shutil.copytree(DATA_DIR, target)
    return target


def test_kb_check_fails_loudly_on_an_uncited_record(tmp_path, capsys):
    root = _copy_kb(tmp_path)
    (root / "drugs" / "zz_uncited.yaml").write_text(yaml.safe_dump(
        [{"id": "uncited-drug", "name": "Uncited", "drug_class": "test", "citations": []}]))
    code, _, err = run_cli(["kb", "check", "--path", str(root)], capsys)
    assert code == 2
    assert "uncited-drug" in err and "citations" in err


@pytest.mark.parametrize(("record", "message"), [
    ({"id": "x-drug", "name": "X", "drug_class": "t",
      "citations": [{"source": "nobody2020", "locator": "1"}]}, "unregistered source"),
    ({"id": "x-drug", "name": "X", "drug_class": "t", "classes": ["no_such_class"],
      "citations": [{"source": "pavel2016", "locator": "1"}]}, "unknown therapy class"),
])
def test_kb_check_catches_dangling_references(tmp_path, capsys, record, message):
    root = _copy_kb(tmp_path)
    (root / "drugs" / "zz_bad.yaml").write_text(yaml.safe_dump([record]))
    code, _, err = run_cli(["kb", "check", "--path", str(root)], capsys)
    assert code == 2 and message in err


def test_kb_check_refuses_duplicate_ids(tmp_path, capsys):
    root = _copy_kb(tmp_path)
    dup = yaml.safe_load((root / "sites.yaml").read_text())[:1]
    (root / "sites" ).mkdir(exist_ok=True)
    (root / "sites" / "dup.yaml").write_text(yaml.safe_dump(dup))
    code, _, err = run_cli(["kb", "check", "--path", str(root)], capsys)
    assert code == 2 and "duplicate" in err


def test_kb_export_contract(capsys):
    code, out, _ = run_cli(["kb", "export", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {"version", "sources", "drugs", "regimens", "trials", "resistance", "biomarkers",
            "frequencies", "rules"} <= set(data)
    for trial in data["trials"]:
        assert {"id", "nct", "name", "phase", "outcomes", "citations"} <= set(trial)
        assert isinstance(trial["nct"], list)
        for o in trial["outcomes"]:
            assert {"endpoint", "arm", "value", "unit"} <= set(o)


def test_kb_show_and_search(capsys):
    code, out, _ = run_cli(["kb", "show", "who2019-gep-nen"], capsys)
    assert code == 0 and "G3" in out
    code, _, err = run_cli(["kb", "show", "no-such-thing"], capsys)
    assert code == 2 and "no record" in err
    code, out, _ = run_cli(["kb", "search", "carcinoid", "--format", "json"], capsys)
    assert code == 0 and any(h["id"] == "carcinoid_syndrome" for h in json.loads(out))
