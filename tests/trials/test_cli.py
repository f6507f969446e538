"""`nenboard trials CASE`, `trials import FILE`, `trials export --ctml`: all three forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import nenboard.trials.cli as trials_cli
from nenboard.cli import app, main

FIXTURES = Path(__file__).parent / "fixtures"
DLL3 = str(FIXTURES / "dll3_nec_after_platinum.yaml")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _use_fixture_kb(monkeypatch, fixture_kb):
    monkeypatch.setattr(trials_cli, "kb", lambda: fixture_kb)


def test_match_json_contract_via_case_argument():
    res = runner.invoke(app, ["trials", DLL3, "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    first = doc["matches"][0]
    assert first["trial"] == "fx-dll3-engager" and first["eligibility"] == "eligible"
    assert first["nct"] == "NCT04429087"
    assert {c["result"] for c in first["criteria"]} == {"met"}
    assert "disclaimer" in doc


def test_options_before_the_case_and_explicit_match_subcommand():
    a = runner.invoke(app, ["trials", "--format", "json", DLL3])
    b = runner.invoke(app, ["trials", "match", DLL3, "--format", "json"])
    assert a.exit_code == b.exit_code == 0, a.output + b.output
    assert json.loads(a.output) == json.loads(b.output)


def test_status_filter_and_table():
    res = runner.invoke(app, ["trials", DLL3, "--status", "recruiting", "-f", "json"])
    assert res.exit_code == 0, res.output
    assert {m["status"] for m in json.loads(res.output)["matches"]} == {"recruiting"}
    table = runner.invoke(app, ["trials", DLL3])
    assert table.exit_code == 0, table.output
    assert "eligible" in table.output and "NCT04429087" in table.output


def test_bad_inputs_exit_2(capsys):
    assert main(["trials", DLL3, "--status", "enrolling"]) == 2
    assert "--status" in capsys.readouterr().err
    assert main(["trials", str(FIXTURES / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["trials", "export"]) == 2
    assert "--ctml" in capsys.readouterr().err
    assert main(["trials", DLL3, "-f", "json"]) == 0


def test_import_to_file_validates(tmp_path):
    out = tmp_path / "drafts.yaml"
    res = runner.invoke(app, ["trials", "import", str(FIXTURES / "ctgov_search_page.json"),
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    records = yaml.safe_load(out.read_text())
    assert [r["id"] for r in records] == ["nct04429087", "nct04471727"]
    assert all(r["uncurated"] is True for r in records)


def test_import_malformed_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"studies": [ {"protocolSection": ')
    assert main(["trials", "import", str(bad)]) == 2
    assert "not valid JSON at line 1" in capsys.readouterr().err


def test_export_ctml_stdout_file_and_dir(tmp_path):
    res = runner.invoke(app, ["trials", "export", "--ctml"])
    assert res.exit_code == 0, res.output
    docs = list(yaml.safe_load_all(res.output))
    assert {d["protocol_no"] for d in docs} == {
        "fx-dll3-engager", "fx-pb212-naive", "fx-pb212-after-prrt", "fx-ssa-midgut",
        "fx-msi-nec", "fx-uncurated", "fx-empty"}
    one = tmp_path / "one.yaml"
    res = runner.invoke(app, ["trials", "export", "--ctml", "-t", "NCT04429087", "-o", str(one)])
    assert res.exit_code == 0, res.output
    assert yaml.safe_load(one.read_text())["protocol_no"] == "fx-dll3-engager"
    folder = tmp_path / "ctml"
    res = runner.invoke(app, ["trials", "export", "--ctml", "-o", str(folder)])
    assert res.exit_code == 0, res.output
    assert len(list(folder.glob("*.yaml"))) == 7


def test_help_lists_subcommands():
    res = runner.invoke(app, ["trials", "--help"])
    assert res.exit_code == 0
    for word in ("match", "import", "export"):
        assert word in res.output
