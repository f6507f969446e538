"""CLI usability: compact defaults, TSV, every problem at once, stdin, bad output paths."""

from __future__ import annotations

import io
import json
import os
import sys

import pytest

from nenboard import interface
from tests.conftest import EXAMPLES, run_cli

SI_NET = EXAMPLES / "si_net_after_ssa.yaml"
PANNET = EXAMPLES / "pannet_after_everolimus.yaml"


@pytest.fixture(autouse=True)
def _width_80(monkeypatch):
    monkeypatch.setattr(interface.console, "width", 80)


def _json(args, capsys):
    code, out, err = run_cli([*args, "--format", "json"], capsys)
    assert code == 0, err
    return json.loads(out)


# -- every validation problem, at once, with suggestions --------------------------------
def test_every_problem_is_listed_one_line_each(tmp_path, capsys):
    case = tmp_path / "case.yaml"
    case.write_text("tumor: {ki67: 140, ki_67: 5, primary_site: pancreatic}\n"
                    "patient: {ecog: 9}\nki67: 3\nhistory: [{therapy: everolimuss}]\n")
    code, out, err = run_cli(["plan", str(case)], capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert "Traceback" not in err and all(line.startswith("error: ") for line in lines)
    expected = {"tumor.ki67:": "out of range", "tumor.ki_67:": "did you mean 'ki67'?",
                "tumor.primary_site:": "did you mean 'pancreas'?",
                "patient.ecog:": "out of range", " ki67:": "did you mean 'tumor.ki67'?",
                "history[0].therapy:": "did you mean 'Everolimus'?"}
    assert len(lines) == len(expected)
    for field, message in expected.items():
        assert sum(field in line and message in line for line in lines) == 1, (field, err)


@pytest.mark.parametrize(("key", "hint"), [("Ki-67", "ki67"), ("primarysite", "primary_site"),
                                           ("stge", "stage")])
def test_unknown_key_suggests_the_allowed_key(tmp_path, capsys, key, hint):
    case = tmp_path / "case.yaml"
    case.write_text(f"tumor: {{{key}: 1}}\n")
    code, _, err = run_cli(["classify", str(case)], capsys)
    assert code == 2 and f"tumor.{key}: unknown key; did you mean {hint!r}?" in err


# -- compact defaults and --detail ------------------------------------------------------
@pytest.mark.parametrize("path", [SI_NET, PANNET], ids=lambda p: p.stem)
def test_plan_default_lists_every_option_and_is_shorter_than_detail(path, capsys):
    plan = _json(["plan", str(path)], capsys)
    code, compact, _ = run_cli(["plan", str(path)], capsys)
    assert code == 0
    _, detail, _ = run_cli(["plan", str(path), "--detail"], capsys)
    flat = " ".join(compact.split())
    for o in plan["options"]:
        if o["category"] != "trial":
            assert " ".join(o["name"].split()) in flat, o["name"]
    trials = [o for o in plan["options"] if o["category"] == "trial"]
    assert f"{len(trials)} trial" in flat
    for r in plan["resistance"]:
        assert f"Resistance to {r['name']}: {r['kind']}" in flat
    assert len(compact.splitlines()) * 3 < len(detail.splitlines())
    for o in plan["options"]:  # --detail holds every option with its evidence
        assert " ".join(o["name"].split()) in " ".join(detail.split())


def test_trials_default_lists_only_trials_that_may_fit(capsys):
    matches = _json(["trials", str(SI_NET)], capsys)["matches"]
    _, out, _ = run_cli(["trials", str(SI_NET)], capsys)
    tokens = set(out.split())
    fit = [m for m in matches if m["eligibility"] != "ineligible"]
    rest = [m for m in matches if m["eligibility"] == "ineligible"]
    assert fit and rest
    assert all((m["nct"] or m["trial"]) in tokens for m in fit)
    assert not [m for m in rest if m["nct"] and m["nct"] in tokens]
    assert f"{len(rest)} ineligible" in out
    _, everything, _ = run_cli(["trials", str(SI_NET), "--all"], capsys)
    assert all(m["nct"] in everything.split() for m in rest if m["nct"])


# -- TSV ----------------------------------------------------------------------------------
def test_tsv_tables_match_the_json(capsys):
    plan = _json(["plan", str(PANNET)], capsys)
    _, out, _ = run_cli(["plan", str(PANNET), "--format", "tsv"], capsys)
    options = out.split("\n\n")[0].splitlines()
    assert options[0].split("\t")[:3] == ["option", "name", "category"]
    assert [r.split("\t")[0] for r in options[1:]] == [o["therapy"] for o in plan["options"]]

    matches = _json(["trials", str(SI_NET)], capsys)["matches"]
    for extra, wanted in (([], [m for m in matches if m["eligibility"] != "ineligible"]),
                          (["--all"], matches)):
        _, out, _ = run_cli(["trials", str(SI_NET), "-f", "tsv", *extra], capsys)
        rows = [r.split("\t") for r in out.splitlines()[1:]]
        assert [r[2] for r in rows] == [m["trial"] for m in wanted]

    hits = _json(["kb", "search", "everolimus"], capsys)
    _, out, _ = run_cli(["kb", "search", "everolimus", "-f", "tsv"], capsys)
    assert [r.split("\t")[1] for r in out.splitlines()[1:]] == [h["id"] for h in hits]


# -- standard input -------------------------------------------------------------------
@pytest.mark.parametrize("command", [["classify"], ["plan"], ["trials"], ["molecular"]])
@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_dash_reads_the_case_from_standard_input(command, as_json, capsys, monkeypatch):
    import yaml

    text = SI_NET.read_text()
    if as_json:
        text = json.dumps(yaml.safe_load(text), default=str)
    _, expected, _ = run_cli([*command, str(SI_NET), "-f", "json"], capsys)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, err = run_cli([*command, "-", "-f", "json"], capsys)
    assert code == 0, err
    assert json.loads(out) == json.loads(expected)


def test_bad_case_on_standard_input_names_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"tumor: {ki67: 500}\n")))
    code, _, err = run_cli(["classify", "-"], capsys)
    assert code == 2 and "<stdin>: tumor.ki67: out of range" in err


# -- output paths ----------------------------------------------------------------------
@pytest.mark.parametrize("command", [
    ["report", str(SI_NET), "-f", "html"], ["trials", str(SI_NET)],
    ["molecular", str(SI_NET), "-f", "csv"], ["kb", "export"],
    ["simulate", "pathway", "--drug", "everolimus"],
])
def test_bad_output_path_is_an_input_error(tmp_path, capsys, command):
    missing = tmp_path / "no-such-folder" / "out.txt"
    code, _, err = run_cli([*command, "-o", str(missing)], capsys)
    assert code == 2 and str(missing) in err and "does not exist" in err
    assert "Traceback" not in err and not missing.parent.exists()
    code, _, err = run_cli([*command, "-o", str(tmp_path)], capsys)
    assert code == 2 and "is a folder" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_folder_is_an_input_error(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run_cli(["kb", "export", "-o", str(locked / "kb.json")], capsys)
    assert code == 2 and "permission denied" in err


@pytest.mark.parametrize("command", [["classify"], ["plan"], ["trials"], ["molecular"]])
def test_text_outputs_end_with_the_evidence_line(command, capsys):
    from nenboard.knowledge import default_kb
    from nenboard.knowledge.dates import evidence_line

    code, out, _ = run_cli([*command, str(SI_NET)], capsys)
    assert code == 0
    flat = " ".join(out.split())
    line = evidence_line(default_kb())
    # plan and trials judge trial statuses on a day, and say which
    assert flat.endswith(line) or line + "; trial statuses judged on " in flat[-120:]
    _, tsv, _ = run_cli([*command, str(SI_NET), "-f", "tsv"], capsys)
    assert "evidence as of" not in tsv  # TSV stays a table
