"""The browser app over HTTP (no browser): login, form, inline validation, report, KB."""

from __future__ import annotations

import re
from typing import Any

import pytest

from nenboard.interface import DISCLAIMER


@pytest.fixture()
def web(svc: Any) -> Any:
    """The app's client signed in as a clinician through the login form (cookie)."""
    svc.client.cookies.clear()
    r = svc.client.post("/ui/login", data={"token": svc.tokens["clinician"]},
                        follow_redirects=False)
    assert r.status_code == 303
    yield svc
    svc.client.cookies.clear()


def _form(**extra: str) -> dict[str, str]:
    data = {"id": "web-si-net", "patient.age": "67", "patient.sex": "male", "patient.ecog": "1",
            "tumor.primary_site": "jejunum_ileum", "tumor.differentiation": "well",
            "tumor.ki67": "12", "tumor.mitoses": "4", "tumor.stage": "metastatic",
            "tumor.resectable": "no", "imaging.sstr": "positive", "imaging.krenning": "4",
            "history.0.therapy": "octreotide LAR", "history.0.start": "2023-01",
            "history.0.end": "2024-06", "history.0.reason_stopped": "progression",
            "history.0.progression_type": "radiological", "history_rows": "4",
            "molecular.alterations": "CDKN1B Q107*\n", "molecular.ihc": "SSTR2: positive",
            "labs.chromogranin_a": "820"}
    return {**data, **extra}


def test_login_page_and_redirects(svc: Any) -> None:
    svc.client.cookies.clear()
    page = svc.client.get("/ui/login")
    assert page.status_code == 200 and DISCLAIMER in page.text
    assert '<label for="token">' in page.text
    r = svc.client.get("/ui/cases", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/ui/login")
    bad = svc.client.post("/ui/login", data={"token": "nope"}, follow_redirects=False)
    assert bad.status_code == 401 and "not valid" in bad.text
    ok = svc.client.post("/ui/login", data={"token": svc.tokens["viewer"]},
                         follow_redirects=False)
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert svc.tokens["viewer"] not in svc.client.get("/ui/cases").text
    svc.client.cookies.clear()


def test_form_has_every_case_field(web: Any) -> None:
    from nenboard.case.model import Case

    html = web.client.get("/ui/cases/new").text
    assert DISCLAIMER in html
    for section in ("patient", "tumor", "imaging", "symptoms", "labs"):
        model = Case.model_fields[section].annotation
        for name in model.model_fields:
            assert f'name="{section}.{name}"' in html, f"{section}.{name} missing"
    for name in ("therapy", "start", "end", "best_response", "reason_stopped",
                 "progression_type", "cycles", "note"):
        assert f'name="history.3.{name}"' in html
    for name in ("alterations", "ihc", "msi", "tmb", "mgmt_promoter", "pdl1_cps"):
        assert f'name="molecular.{name}"' in html
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    controls = re.findall(r'<(?:input|select|textarea)([^>]*)>', html)
    for attrs in controls:
        if 'type="hidden"' in attrs or 'type="checkbox"' in attrs:
            continue
        control_id = re.search(r' id="([^"]+)"', attrs)
        assert "aria-label=" in attrs or (control_id and control_id.group(1) in labels), attrs
    assert 'aria-label="Therapy, row 2"' in html


def test_inline_validation_messages_come_from_the_case_model(web: Any) -> None:
    r = web.client.post("/ui/cases/new", data=_form(**{
        "tumor.ki67": "150", "patient.age": "old", "molecular.alterations": "BRAF"}))
    assert r.status_code == 422
    html = r.text
    ki67 = re.search(r'id="tumor-ki67-err">([^<]+)<', html)
    assert ki67 and "0 to 100" in ki67.group(1)
    assert 'id="patient-age-err"' in html
    assert "line 1: write the gene and the alteration" in html
    assert 'value="150"' in html  # what was typed is kept
    assert 'role="alert"' in html
    r = web.client.post("/ui/cases/new", data=_form(**{"history.2.therapy": "unobtainium"}))
    assert r.status_code == 422
    err = re.search(r'id="history-2-therapy-err">([^<]+)<', r.text)
    assert err and "unknown therapy" in err.group(1)


def test_submit_stores_evaluates_and_shows_the_report(web: Any) -> None:
    r = web.client.post("/ui/cases/new", data=_form(), follow_redirects=False)
    assert r.status_code == 303
    report_url = r.headers["location"]
    assert "/ui/reports/" in report_url
    page = web.client.get(report_url)
    assert page.status_code == 200
    assert "177Lu-DOTATATE" in page.text and "verolimus" in page.text
    assert DISCLAIMER in page.text and 'aria-label="nenboard"' in page.text
    cases = web.client.get("/ui/cases").text
    assert "web-si-net" in cases
    case_id = re.search(r'/ui/cases/([0-9a-f]{32})">web-si-net', cases).group(1)
    detail = web.client.get(f"/ui/cases/{case_id}")
    assert "Evaluate again" in detail.text and "octreotide" in detail.text.lower()
    again = web.client.post(f"/ui/cases/{case_id}/evaluate", follow_redirects=False)
    assert again.status_code == 303
    copy = web.client.get(f"/ui/cases/new?copy={case_id}").text
    assert 'value="12.0"' in copy or 'value="12"' in copy


def test_viewers_cannot_enter_cases_and_cross_site_posts_are_refused(svc: Any) -> None:
    svc.client.cookies.clear()
    svc.client.post("/ui/login", data={"token": svc.tokens["viewer"]})
    r = svc.client.get("/ui/cases/new")
    assert r.status_code == 403 and "clinician" in r.text and DISCLAIMER in r.text
    svc.client.cookies.clear()
    svc.client.post("/ui/login", data={"token": svc.tokens["clinician"]})
    r = svc.client.post("/ui/cases/new", data=_form(), headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    svc.client.cookies.clear()


def test_knowledge_base_browser(web: Any) -> None:
    r = web.client.get("/ui/kb", params={"q": "everolimus"})
    assert r.status_code == 200 and "/ui/kb/everolimus" in r.text
    r = web.client.get("/ui/kb", params={"q": "mTOR", "kind": "resistance"})
    assert r.status_code == 200 and "result(s)" in r.text
    record = web.client.get("/ui/kb/netter-1")
    assert record.status_code == 200
    assert "<h2>Citations (" in record.text
    assert "mcclellan2022" in record.text or "pavel2016" in record.text
    assert "NCT01578239" in record.text
    assert web.client.get("/ui/kb/no-such-record").status_code == 404
    listing = web.client.get("/ui/kb").text
    assert "Drugs (" in listing and "Trials (" in listing


def test_sign_out_clears_the_cookie(web: Any) -> None:
    r = web.client.post("/ui/logout", follow_redirects=False)
    assert r.status_code == 303
    assert 'nenboard_token=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
