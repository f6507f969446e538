"""`nenboard serve`, `user add`, `audit verify`, `import-fhir` (in-process, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.api.conftest import FIXTURES
from tests.conftest import run_cli

BUNDLE = str(FIXTURES / "si_net_after_ssa_mcode.json")


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NENBOARD_DATABASE_URL", url)
    return url


def test_user_add_prints_the_token_alone_on_the_last_line(db: str, capsys: Any, kb: Any) -> None:
    from nenboard.store.repo import Store

    code, out, err = run_cli(["user", "add", "dr-who", "--role", "viewer"], capsys)
    assert code == 0
    token = out.rstrip("\n").splitlines()[-1]
    assert token.startswith("nbt_") and " " not in token
    user = Store(db).user_for_token(token)
    assert user is not None and user.role == "viewer"
    assert token not in err
    code, _, err = run_cli(["user", "add", "dr-who"], capsys)
    assert code == 2 and "already exists" in err
    code, _, _ = run_cli(["user", "add", "x", "--role", "admin"], capsys)
    assert code == 2


def test_audit_verify_prints_count_and_head_and_detects_truncation(db: str, capsys: Any) -> None:
    from sqlalchemy import text

    from nenboard.store.repo import Store

    for name in ("a", "b", "c"):
        run_cli(["user", "add", name], capsys)
    code, out, _ = run_cli(["audit", "verify"], capsys)
    assert code == 0 and "3 events" in out
    head = out.split("head ")[1].strip()
    assert run_cli(["audit", "verify", "--expect-head", head], capsys)[0] == 0
    with Store(db).session() as s:
        s.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    assert run_cli(["audit", "verify"], capsys)[0] == 0  # consistent, but shorter
    code, _, err = run_cli(["audit", "verify", "--expect-head", head], capsys)
    assert code == 2 and "expected head" in err
    with Store(db).session() as s:
        s.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 1"))
    code, _, err = run_cli(["audit", "verify"], capsys)
    assert code == 2 and "event 1" in err


def test_import_fhir_writes_a_valid_case_and_lists_what_did_not_map(capsys: Any,
                                                                    tmp_path: Path) -> None:
    code, out, err = run_cli(["import-fhir", BUNDLE], capsys)
    assert code == 0
    case = yaml.safe_load(out)
    assert case["tumor"]["primary_site"] == "jejunum_ileum" and case["tumor"]["ki67"] == 12
    assert "# imported from an mCODE Bundle; 6 items did not map" in out
    assert "Observation/hemoglobin" in out
    target = tmp_path / "case.json"
    code, out, err = run_cli(["import-fhir", BUNDLE, "--format", "json", "-o", str(target)],
                             capsys)
    assert code == 0 and "Procedure/liver-biopsy" in err
    assert json.loads(target.read_text())["history"][0]["reason_stopped"] == "progression"
    code, out, _ = run_cli(["classify", str(target), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["who_label"] == "NET G2"


def test_import_fhir_bad_input_exits_2(capsys: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run_cli(["import-fhir", str(bad)], capsys)
    assert code == 2 and "not JSON" in err
    bad.write_text('{"resourceType": "Patient"}')
    code, _, err = run_cli(["import-fhir", str(bad)], capsys)
    assert code == 2 and "resourceType" in err
    code, _, err = run_cli(["import-fhir", str(tmp_path / "missing.json")], capsys)
    assert code == 2 and "file not found" in err


def test_serve_binds_loopback_by_default(db: str, capsys: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    assert run_cli(["serve"], capsys)[0] == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000
    assert seen["proxy_headers"] is False
    assert run_cli(["serve", "--host", "0.0.0.0", "--port", "9001", "--proxy-headers"],
                   capsys)[0] == 0
    assert seen["host"] == "0.0.0.0" and seen["port"] == 9001 and seen["proxy_headers"]
