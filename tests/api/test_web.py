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
            "history.0.progression_type": "radiological", "history_rows": "2",
            "molecular.alterations.0.gene": "CDKN1B", "molecular.alterations.0.alteration": "Q107*",
            "molecular.alterations_rows": "1", "molecular.ihc.0.marker": "SSTR2",
            "molecular.ihc.0.result": "positive", "molecular.ihc_rows": "1",
            "labs.chromogranin_a": "820"}
    return {**data, **extra}


def test_login_page_and_redirects(svc: Any) -> None:
    svc.client.cookies.clear()
    page = svc.client.get("/ui/login")
    assert page.status_code == 200 and DISCLAIMER in page.text
    assert '<label for="token">' in page.text
    for path in ("/", "/ui", "/ui/cases"):
        r = svc.client.get(path, follow_redirects=True)
        assert r.status_code == 200 and r.url.path == "/ui/login", path
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
    from nenboard.case.model import Alteration, HistoryEntry, Molecular

    for name in HistoryEntry.model_fields:
        assert name == "therapy_id" or f'name="history.0.{name}"' in html, name
    for name in Alteration.model_fields:
        assert f'name="molecular.alterations.0.{name}"' in html, name
    for name in ("marker", "result"):
        assert f'name="molecular.ihc.0.{name}"' in html
    for name in Molecular.model_fields:
        assert name in ("alterations", "ihc") or f'name="molecular.{name}"' in html, name
    for syndrome in ("functional_syndrome", "hereditary_syndrome"):  # unknown vs stated absent
        menu = re.search(rf'<select id="tumor-{syndrome}".*?</select>', html, re.S).group(0)
        assert '<option value="">not stated</option>' in menu
        assert '<option value="none">none (stated absent)</option>' in menu
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    controls = re.findall(r'<(?:input|select|textarea)([^>]*)>', html)
    for attrs in controls:
        if 'type="hidden"' in attrs or 'type="checkbox"' in attrs:
            continue
        control_id = re.search(r' id="([^"]+)"', attrs)
        assert "aria-label=" in attrs or (control_id and control_id.group(1) in labels), attrs
    assert 'aria-label="Therapy, row 2"' in html
    assert "<template>" in html  # the row the script adds


def test_rows_are_added_and_removed_without_javascript(web: Any) -> None:
    form = _form(**{"history.1.therapy": "lanreotide", "action": "add:history"})
    html = web.client.post("/ui/cases/new", data=form).text
    assert 'name="history_rows" value="3"' in html and 'name="history.2.therapy"' in html
    assert 'value="lanreotide"' in html and 'id="error-summary"' not in html  # nothing saved
    form = _form(**{"history.1.therapy": "lanreotide", "history.2.therapy": "everolimus",
                    "history_rows": "3", "action": "remove:history:0"})
    html = web.client.post("/ui/cases/new", data=form).text
    assert 'name="history_rows" value="2"' in html
    assert re.search(r'name="history.0.therapy"[^>]*value="lanreotide"', html)
    assert re.search(r'name="history.1.therapy"[^>]*value="everolimus"', html)
    assert 'value="octreotide LAR"' not in html


def test_any_number_of_rows_and_stated_absent_are_stored(web: Any) -> None:
    therapies = ["octreotide LAR", "lanreotide", "everolimus", "sunitinib", "captem",
                 "177Lu-DOTATATE", "cabozantinib"]
    rows = {f"history.{i}.therapy": t for i, t in enumerate(therapies)}
    form = _form(**rows, history_rows=str(len(therapies)), **{
        "tumor.functional_syndrome": "none", "tumor.hereditary_syndrome": "none",
        "molecular.alterations.1.gene": "TSC2", "molecular.alterations.1.alteration": "loss",
        "molecular.alterations.1.vaf": "0.4", "molecular.alterations.1.germline": "no",
        "molecular.alterations_rows": "2", "molecular.ihc.1.marker": "RB1",
        "molecular.ihc.1.result": "retained", "molecular.ihc_rows": "2"})
    r = web.client.post("/ui/cases/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    report_id = r.headers["location"].rsplit("/", 1)[1]
    case_id = web.store.get_report(report_id).case_id
    case = web.store.get_case(case_id).data
    assert [h["therapy"] for h in case["history"]] == therapies
    assert case["tumor"]["functional_syndrome"] == "none"
    assert case["tumor"]["hereditary_syndrome"] == "none"
    assert case["molecular"]["alterations"][1] == {"gene": "TSC2", "alteration": "loss",
                                                   "vaf": 0.4, "germline": False}
    assert case["molecular"]["ihc"] == {"SSTR2": "positive", "RB1": "retained"}
    downloaded = web.client.get(f"/ui/cases/{case_id}/case.yaml")
    assert downloaded.headers["content-type"].startswith("application/yaml")
    import yaml

    assert yaml.safe_load(downloaded.text)["history"][6] == {"therapy": "cabozantinib"}
    again = web.client.post("/ui/upload", files={"file": ("c.yaml", downloaded.content)},
                            data={"action": "evaluate"}, follow_redirects=False)
    assert again.status_code == 303  # the download is a valid case file
    copy = web.client.get(f"/ui/cases/new?copy={case_id}").text  # every row comes back
    assert 'name="history.6.therapy"' in copy and 'value="cabozantinib"' in copy
    assert re.search(r'<select id="tumor-functional_syndrome".*?value="none" selected', copy,
                     re.S)


def test_row_problems_appear_next_to_their_row(web: Any) -> None:
    form = _form(**{"molecular.alterations.0.vaf": "1.5", "molecular.ihc.0.result": "",
                    "history.1.therapy": "lanreotide", "history.1.start": "2023-13"})
    r = web.client.post("/ui/cases/new", data=form)
    assert r.status_code == 422
    assert re.search(r'id="molecular-alterations-0-vaf-err">[^<]*0 to 1', r.text)
    assert 'id="molecular-ihc-0-result-err"' in r.text
    assert re.search(r'id="history-1-start-err">[^<]*calendar date', r.text)


def test_inline_validation_messages_come_from_the_case_model(web: Any) -> None:
    r = web.client.post("/ui/cases/new", data=_form(**{
        "tumor.ki67": "150", "patient.age": "old", "molecular.alterations.0.alteration": ""}))
    assert r.status_code == 422
    html = r.text
    ki67 = re.search(r'id="tumor-ki67-err">([^<]+)<', html)
    assert ki67 and "0 to 100" in ki67.group(1)
    assert 'id="patient-age-err"' in html
    assert 'id="molecular-alterations-0-alteration-err"' in html
    assert 'value="150"' in html  # what was typed is kept
    assert 'role="alert"' in html
    r = web.client.post("/ui/cases/new", data=_form(**{"history.2.therapy": "unobtainium",
                                                       "history_rows": "3"}))
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
    assert DISCLAIMER in page.text and 'class="nb-site"' in page.text
    cases = web.client.get("/ui/cases").text
    assert "web-si-net" in cases
    case_id = web.store.get_report(report_url.rsplit("/", 1)[1]).case_id
    assert f"/ui/cases/{case_id}" in cases
    detail = web.client.get(f"/ui/cases/{case_id}")
    assert "Evaluate again" in detail.text and "octreotide" in detail.text.lower()
    again = web.client.post(f"/ui/cases/{case_id}/evaluate", follow_redirects=False)
    assert again.status_code == 303
    second = web.client.get(again.headers["location"]).text
    assert "Since the previous report" in second and "Nothing changed" in second
    previous = re.search(r'href="[^"]*(/ui/reports/[0-9a-f]+)">Previous evaluation', second)
    assert previous and report_url.endswith(previous.group(1))
    assert "Since the previous report" not in page.text  # nothing before the first one
    assert "Sign out" in page.text and "Sign out" in second
    copy = web.client.get(f"/ui/cases/new?copy={case_id}").text
    assert 'value="12.0"' in copy or 'value="12"' in copy


def test_viewers_cannot_enter_cases_and_cross_site_posts_are_refused(svc: Any) -> None:
    svc.client.cookies.clear()
    svc.client.post("/ui/login", data={"token": svc.tokens["viewer"]})
    r = svc.client.get("/ui/cases/new")
    assert r.status_code == 403 and "clinician" in r.text and DISCLAIMER in r.text
    home = svc.client.get("/ui").text  # a viewer is not offered what they may not do
    assert "/ui/cases/new" not in home and "/ui/upload" not in home and "Sign out" in home
    assert svc.client.get("/ui/upload").status_code == 403
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


def test_home_page_lists_recent_cases_and_the_ways_in(web: Any) -> None:
    web.client.post("/ui/cases/new", data=_form(id="home-listed"))
    home = web.client.get("/")
    assert home.status_code == 200 and home.url.path == "/ui"
    for words in ("New case", "Upload a case file", "Knowledge base", "Recent cases",
                  "home-listed", "Sign out", "test-clinician"):
        assert words in home.text, words


BAD_CASE = "patient: {agee: 60}\ntumor: {primary_site: pancrea, ki67: 150}\n"


def test_upload_page_lists_every_problem(web: Any) -> None:
    r = web.client.post("/ui/upload", files={"file": ("bad.yaml", BAD_CASE.encode())},
                        data={"action": "evaluate"})
    assert r.status_code == 422
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(.*?)</td><td>([^<]+)</td></tr>", r.text)
    found = {field: (value, message) for field, value, message in rows}
    assert set(found) == {"patient.agee", "tumor.primary_site", "tumor.ki67"}
    assert "allowed keys: age" in found["patient.agee"][1]
    assert "pancrea" in found["tumor.primary_site"][0]
    assert "did you mean &#39;pancreas&#39;" in found["tumor.primary_site"][1]
    assert "0 to 100" in found["tumor.ki67"][1]
    for text, message in (("{not json", "not valid YAML or JSON"), ("", "empty"),
                          ("- a list", "must be a mapping")):
        r = web.client.post("/ui/upload", data={"text": text, "action": "evaluate"})
        assert r.status_code == 422 and message in r.text, text
    r = web.client.post("/ui/upload", files={"file": ("latin1.yaml", "tumor: {ki67: 5} # é"
                                                      .encode("latin-1"))})
    assert r.status_code == 422 and "not UTF-8" in r.text


def test_upload_stores_and_evaluates_or_opens_the_form(web: Any) -> None:
    from tests.api.conftest import EXAMPLES

    text = (EXAMPLES / "si_net_after_ssa.yaml").read_text()
    r = web.client.post("/ui/upload", files={"file": ("si.yaml", text.encode())},
                        data={"action": "evaluate"}, follow_redirects=False)
    assert r.status_code == 303 and "/ui/reports/" in r.headers["location"]
    assert "177Lu-DOTATATE" in web.client.get(r.headers["location"]).text
    import json

    import yaml

    as_json = json.dumps(yaml.safe_load(text), default=str)
    r = web.client.post("/ui/upload", data={"text": as_json, "action": "edit"})
    assert r.status_code == 200 and "review the case" in r.text
    assert re.search(r'name="history.0.therapy"[^>]*value="[^"]+"', r.text)
    assert re.search(r'<option value="jejunum_ileum" selected>', r.text)


def test_api_upload_201_and_422(svc: Any) -> None:
    from tests.api.conftest import EXAMPLES

    text = (EXAMPLES / "pannet_after_ssa.yaml").read_bytes()
    r = svc.client.post("/cases/upload", files={"file": ("p.yaml", text)},
                        headers=svc.auth("clinician"))
    assert r.status_code == 201 and len(r.json()["id"]) == 32
    assert svc.client.get(f"/cases/{r.json()['id']}", headers=svc.auth("viewer")).json()[
        "case"]["tumor"]["primary_site"] == "pancreas"
    r = svc.client.post("/cases/upload", files={"file": ("bad.yaml", BAD_CASE.encode())},
                        headers=svc.auth("clinician"))
    assert r.status_code == 422
    assert {p["loc"] for p in r.json()["detail"]} == {"patient.agee", "tumor.primary_site",
                                                      "tumor.ki67"}
    assert svc.client.post("/cases/upload", files={"file": ("p.yaml", text)},
                           headers=svc.auth("viewer")).status_code == 403
    assert svc.client.post("/cases/upload", files={"file": ("p.yaml", text)}).status_code == 401


def test_knowledge_base_pages_are_readable_and_linked(web: Any, kb: Any) -> None:
    trial = web.client.get("/ui/kb/netter-1").text
    assert "Outcomes (" in trial and "<td>PFS rate</td>" in trial
    assert "/ui/kb/lutetium-177-dotatate" in trial  # arm therapies link to their records
    assert "https://clinicaltrials.gov/study/NCT01578239" in trial
    assert "Related records" in trial and "Planner rules" in trial  # rules citing it
    drug = web.client.get("/ui/kb/everolimus").text
    assert "Resistance mechanisms of its therapy classes" in drug
    rule = next(r for r in kb.rules.values() if r.evidence)
    html = web.client.get(f"/ui/kb/{rule.id}").text
    assert "Applies when" in html and f"/ui/kb/{rule.evidence[0]}" in html
    for kind in ("drugs", "regimens", "trials", "resistance", "biomarkers", "rules",
                 "therapy_classes", "factors", "syndromes", "sites", "sources", "safety"):
        rec = next(iter(getattr(kb, kind).values()))
        page = web.client.get(f"/ui/kb/{rec.id}")
        assert page.status_code == 200, kind
        main = page.text.split('<main id="main">', 1)[1]
        assert '{&#34;' not in main and "{'" not in main and '{"' not in main, kind
    listing = web.client.get("/ui/kb", params={"kind": "rules"}).text
    assert "Planner rules (" in listing and f"/ui/kb/{rule.id}" in listing


def test_report_page_says_what_changed_since_the_previous_evaluation(web: Any) -> None:
    """An earlier evaluation of the same case that offered an option this one does not
    (as after a knowledge-base update): the board summary names it."""
    r = web.client.post("/ui/cases/new", data=_form(id="changes"), follow_redirects=False)
    first = web.store.get_report(r.headers["location"].rsplit("/", 1)[1])
    case = web.store.get_case(first.case_id)
    earlier = dict(first.data, options=[*first.data["options"], {
        **first.data["options"][0], "therapy": "retired-option", "name": "Retired option X"}])
    web.store.save_report(case, earlier, "test")
    again = web.client.post(f"/ui/cases/{case.id}/evaluate", follow_redirects=False)
    html = web.client.get(again.headers["location"]).text
    summary = html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert "Since the previous report" in summary
    assert re.search(r"<b>removed</b> option: Retired option X", summary)
