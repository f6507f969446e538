"""`nenboard kb update-trials` on recorded ClinicalTrials.gov fixtures, and `nenboard kb diff`.

Fixtures (tests/knowledge/fixtures/ctgov*): netter1_NCT01578239.json and
thyroid_NCT03690388.json carry values transcribed from stored ClinicalTrials.gov
pages; cabinet_NCT03375320.json is ILLUSTRATIVE (no stored registry record of its
status was found) and is only ever applied to a temporary copy of the knowledge base.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from nenboard.cli import main
from nenboard.knowledge import dates
from nenboard.knowledge.diff import diff_exports, read_version
from nenboard.knowledge.loader import DATA_DIR, load

FIX = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 12, 2)


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    return root


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """The landed knowledge base, a copy updated from fixtures/ctgov, and the printed diff."""
    root = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(DATA_DIR, root)
    before = load(root)
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["kb", "update-trials", str(FIX / "ctgov"), "--path", str(root)]) == 0
    return before, load(root), root, buf.getvalue()


def test_update_changes_exactly_the_matched_trials(updated):
    before, after, _root, out = updated
    assert after.version != before.version and after.version.startswith(before.release + "+")
    diff = diff_exports(before.export(), after.export())
    assert not diff.added and not diff.removed
    assert {(c.kind, c.id) for c in diff.changed} == {("trials", "netter-1"),
                                                       ("trials", "nct03375320")}
    # NETTER-1 (recorded registry values): still completed, now dated by the registry
    n1 = after.trials["netter-1"]
    assert n1.status == "completed"
    assert (n1.status_as_of.source, n1.status_as_of.date) == ("ctgov", "2021-03-24")
    assert n1.registry.results_posted and n1.registry.results_first_posted == "2017-10-02"
    assert n1.registry.file == "netter1_NCT01578239.json"
    assert "status" not in {f for c in diff.changed if c.id == "netter-1" for f in c.fields}
    # CABINET (illustrative values): recruiting (mcclellan2022) -> active not recruiting
    cab = after.trials["nct03375320"]
    assert before.trials["nct03375320"].status == "recruiting"
    assert cab.status == "active_not_recruiting" and cab.registry.overall_status == \
        "ACTIVE_NOT_RECRUITING"
    assert dates.status_view(cab, after, AS_OF).standing == "evidence"
    # every other trial is untouched, field for field
    for tid, t in before.trials.items():
        if tid not in ("netter-1", "nct03375320"):
            assert after.trials[tid] == t, tid
    # the diff is printed, with the old and new value of each field
    assert "~ netter-1 (NCT01578239, from netter1_NCT01578239.json)" in out
    assert "status: recruiting -> active_not_recruiting" in out
    assert "status_as_of.source: mcclellan2022 -> ctgov" in out
    assert "updated 2 trial(s) in 2 file(s)" in out


def test_update_is_idempotent_and_keeps_the_yaml(updated, capsys):
    root = updated[2]
    text = (root / "trials" / "net_pivotal.yaml").read_text(encoding="utf-8")
    original = (DATA_DIR / "trials" / "net_pivotal.yaml").read_text(encoding="utf-8")
    removed = set(original.splitlines()) - set(text.splitlines())
    assert len(removed) <= 3  # only the status lines of NETTER-1 were rewritten
    assert main(["kb", "update-trials", str(FIX / "ctgov" / "netter1_NCT01578239.json"),
                 "--path", str(root)]) == 0
    assert "no change" in capsys.readouterr().out
    assert (root / "trials" / "net_pivotal.yaml").read_text(encoding="utf-8") == text


def test_dry_run_writes_nothing(kb_copy, capsys):
    from nenboard.knowledge.loader import kb_version

    before = kb_version(kb_copy)
    assert main(["kb", "update-trials", str(FIX / "ctgov"), "--path", str(kb_copy),
                 "--dry-run"]) == 0
    assert "2 trial(s) would change; nothing written" in capsys.readouterr().out
    assert kb_version(kb_copy) == before


def test_unmatched_study_is_refused_and_nothing_written(updated, kb_copy, capsys, tmp_path):
    before = updated[0].version
    both = tmp_path / "both"
    both.mkdir()
    for f in (FIX / "ctgov" / "netter1_NCT01578239.json",
              FIX / "ctgov_unmatched" / "thyroid_NCT03690388.json"):
        shutil.copy(f, both)
    assert main(["kb", "update-trials", str(both), "--path", str(kb_copy)]) == 2
    err = capsys.readouterr().err
    assert "NCT03690388" in err and "no knowledge-base trial has this NCT number" in err
    assert "nothing written" in err and "Traceback" not in err
    from nenboard.knowledge.loader import kb_version

    assert kb_version(kb_copy) == before
    # --skip-unmatched applies the rest and lists the refused one
    assert main(["kb", "update-trials", str(both), "--path", str(kb_copy),
                 "--skip-unmatched"]) == 0
    captured = capsys.readouterr()
    assert "refused:" in captured.err and "NCT03690388" in captured.err
    assert load(kb_copy).trials["netter-1"].registry is not None


def test_older_export_does_not_overwrite_a_newer_snapshot(updated, kb_copy, tmp_path, capsys):
    kb_copy = updated_copy(updated, kb_copy)
    old = json.loads((FIX / "ctgov" / "netter1_NCT01578239.json").read_text())
    old["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2019-01-10"
    old["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    (tmp_path / "old.json").write_text(json.dumps(old))
    capsys.readouterr()
    assert main(["kb", "update-trials", str(tmp_path / "old.json"), "--path", str(kb_copy)]) == 0
    captured = capsys.readouterr()
    assert "older than the recorded 2021-03-24" in captured.err
    assert "no trial changes" in captured.out


@pytest.mark.parametrize(("edit", "field"), [
    (lambda s: s["protocolSection"]["statusModule"].pop("lastUpdatePostDateStruct"),
     "lastUpdatePostDateStruct.date"),
    (lambda s: s["protocolSection"]["statusModule"].pop("overallStatus"), "overallStatus"),
    (lambda s: s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"].update(
        date="March 2021"), "last_update_posted"),
])
def test_bad_study_exits_2_naming_the_field(kb_copy, tmp_path, capsys, edit, field):
    study = json.loads((FIX / "ctgov" / "netter1_NCT01578239.json").read_text())
    edit(study)
    (tmp_path / "bad.json").write_text(json.dumps(study))
    assert main(["kb", "update-trials", str(tmp_path / "bad.json"), "--path", str(kb_copy)]) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err


def test_bad_inputs_exit_2(tmp_path, capsys):
    (tmp_path / "broken.json").write_text("{not json")
    assert main(["kb", "update-trials", str(tmp_path / "broken.json"), "--path",
                 str(tmp_path)]) == 2
    assert main(["kb", "update-trials", str(tmp_path / "missing.json")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["kb", "update-trials", str(empty)]) == 2
    assert main(["kb", "diff", str(tmp_path / "nowhere"), str(DATA_DIR)]) == 2
    (tmp_path / "x.json").write_text(json.dumps({"a": 1}))
    assert main(["kb", "diff", str(tmp_path / "x.json")]) == 2
    assert main(["kb", "diff", str(DATA_DIR), "--format", "xml"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "not a `nenboard kb export" in err


def updated_copy(updated, into: Path) -> Path:
    """A fresh copy of the updated knowledge base (a test may edit it)."""
    shutil.rmtree(into)
    shutil.copytree(updated[2], into)
    return into


def test_kb_diff_lists_every_change_between_landed_and_updated(updated, kb_copy, tmp_path,
                                                              capsys):
    landed = updated[0]
    kb_copy = updated_copy(updated, kb_copy)
    # also add and remove a record, so every kind of change is listed
    src = kb_copy / "sources" / "reviews.yaml"
    text = src.read_text(encoding="utf-8")
    start = text.index("- id: who2019")
    src.write_text(text[:start], encoding="utf-8")  # who2019 is the last source of the file
    (kb_copy / "sources" / "extra.yaml").write_text(
        "- {id: extra2026, kind: article, title: t, authors: a, year: 2026, published: '2026-01',"
        " doi: 10.1/x}\n", encoding="utf-8")
    capsys.readouterr()
    export = tmp_path / "landed.json"
    export.write_text(json.dumps(landed.export()), encoding="utf-8")
    assert main(["kb", "diff", str(export), str(kb_copy), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"] == landed.version
    assert data["added"] == [{"kind": "sources", "id": "extra2026"}]
    assert data["removed"] == [{"kind": "sources", "id": "who2019"}]
    changed = {c["id"]: set(c["fields"]) for c in data["changed"]}
    assert set(changed) == {"netter-1", "nct03375320"}
    assert {"status", "status_as_of.source", "status_as_of.date", "registry.overall_status",
            "registry.last_update_posted"} <= changed["nct03375320"]
    assert "status" not in changed["netter-1"]  # completed before and after
    # the table lists the same records, and the same diff comes from a directory
    assert main(["kb", "diff", str(DATA_DIR), str(kb_copy)]) == 0
    out = capsys.readouterr().out
    assert "1 added, 2 changed, 1 removed" in out
    assert "+ sources:extra2026" in out and "- sources:who2019" in out
    assert "~ trials:netter-1" in out
    same = diff_exports(read_version(str(DATA_DIR)), read_version(str(DATA_DIR)))
    assert same.empty


def test_export_top_level_keys_are_stable():
    keys = list(load(DATA_DIR).export())
    assert keys[:2] == ["version", "sources"]
    assert {"version", "sources", "drugs", "regimens", "trials", "resistance", "biomarkers",
            "frequencies", "rules"} <= set(keys)
    assert "release" not in keys
