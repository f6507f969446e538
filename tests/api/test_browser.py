"""End to end in headless Chromium (Playwright driving Debian's chromium; no browser is
downloaded): sign in, enter a case in the full form, upload case files, read the report
and what changed since the last evaluation, browse knowledge-base pages, sign out.

Every app page is screenshotted into test-artifacts/ (NENBOARD_TEST_ARTIFACTS) for a
person to look at; the tests assert on content and on the geometry that makes a page
unusable (menus narrower than their longest option), never on pixels.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cases"
ARTIFACTS = Path(os.environ.get("NENBOARD_TEST_ARTIFACTS") or ROOT / "test-artifacts")
CHROMIUM = os.environ.get("NENBOARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# Every visible menu must be wide enough for its longest option (a cut-off menu hides
# the difference between e.g. "stable disease" and "stable ..."). Canvas measures the
# option text in the select's own font; 24 px is Chromium's arrow and inner padding.
CUT_OFF_MENUS = """() => {
  const ctx = document.createElement('canvas').getContext('2d'), bad = [];
  for (const s of document.querySelectorAll('select')) {
    if (!s.offsetParent) continue;
    const st = getComputedStyle(s);
    ctx.font = `${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
    const text = Math.max(...[...s.options].map(o => ctx.measureText(o.text).width));
    const room = s.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - 24;
    if (text > room) bad.push(`${s.name}: ${Math.round(text)} px of text in ${Math.round(room)} px`);
  }
  return bad;
}"""
# Elements sticking out of the page to the right (a horizontal scrollbar on the page).
OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
               && getComputedStyle(e).position !== 'absolute' && e.offsetParent)
  .map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(kb: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real uvicorn server on a free loopback port, in a thread; yields (url, token)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (install Debian's chromium or set "
                    "NENBOARD_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    import uvicorn

    from nenboard.api.app import create_app
    from nenboard.store.repo import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'nb.db'}",
                  kb_version=kb.version)
    token = store.add_user("e2e-clinician", "clinician")
    port = _free_port()
    config = uvicorn.Config(create_app(store=store, kb=kb), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", token
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def page(server: tuple[str, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        context.close()
        browser.close()


def _sign_in(page: Any, url: str, token: str) -> None:
    page.goto(f"{url}/")
    assert "/ui/login" in page.url
    _shot(page, "login")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/ui$"))


def _shot(page: Any, name: str, full: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"browser-{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def _check_layout(page: Any) -> None:
    assert page.evaluate(CUT_OFF_MENUS) == []
    assert page.evaluate(OVERFLOW) == []


def _nav_has_user_and_sign_out(page: Any) -> None:
    nav = page.locator("header.nb-site")
    assert "e2e-clinician" in nav.inner_text()
    assert nav.get_by_role("button", name="Sign out").is_visible()
    for name in ("Home", "Cases", "New case", "Upload", "Knowledge base"):
        assert nav.get_by_role("link", name=name, exact=True).is_visible()


def test_home_form_report_what_changed_and_sign_out(server: tuple[str, str], page: Any) -> None:
    url, token = server
    _sign_in(page, url, token)
    assert page.get_by_role("heading", name="Recent cases").is_visible()
    assert page.get_by_role("link", name="Upload a case file").is_visible()
    _nav_has_user_and_sign_out(page)
    _shot(page, "home")

    page.get_by_role("link", name="New case", exact=True).click()
    _check_layout(page)
    page.get_by_label("Case label (non-identifying)").fill("e2e-si-net")
    page.get_by_label("Age (years)").fill("67")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("ECOG performance status").select_option("1")
    page.get_by_label("Primary site").select_option("jejunum_ileum")
    page.get_by_label("Differentiation").select_option("well")
    page.get_by_label("Ki-67 (%)").fill("12")
    page.get_by_label("Mitoses (per 2 mm²)").fill("4")
    page.get_by_label("Functional syndrome").select_option(label="none (stated absent)")
    page.get_by_label("Hereditary syndrome").select_option(label="none (stated absent)")
    page.get_by_label("Stage").select_option("metastatic")
    page.get_by_label("Resectable").select_option("no")
    page.get_by_role("checkbox", name="liver").check()
    page.get_by_label("SSTR imaging").select_option("positive")
    page.get_by_label("Krenning score").select_option("4")
    page.get_by_label("Therapy, row 1").fill("octreotide LAR")
    page.get_by_label("Start, row 1").fill("2021-01")
    page.get_by_label("End, row 1").fill("2022-06")
    page.get_by_label("Best response, row 1").select_option("stable_disease")
    page.get_by_label("Reason stopped, row 1").select_option("progression")
    page.get_by_label("Progression type, row 1").select_option("radiological")
    # more treatments than the form shows at first: rows are added (and removed) in place
    for _ in range(2):
        page.get_by_role("button", name="Add a treatment").click()
    assert page.get_by_label("Therapy, row 4").is_visible()
    page.get_by_role("button", name="Remove treatment 2").click()
    assert page.get_by_label("Therapy, row 4").count() == 0
    page.get_by_label("Therapy, row 2").fill("lanreotide")
    page.get_by_label("Start, row 2").fill("2022-07")
    page.get_by_label("End, row 2").fill("2023-05")
    page.get_by_label("Reason stopped, row 2").select_option("toxicity")
    page.get_by_label("Therapy, row 3").fill("everolimus")
    page.get_by_label("Start, row 3").fill("2023-06")
    page.get_by_label("End, row 3").fill("2024-06")
    page.get_by_label("Reason stopped, row 3").select_option("progression")
    page.get_by_label("Progression type, row 3").select_option("both")
    page.get_by_label("Gene, row 1").fill("CDKN1B")
    page.get_by_label("Alteration, row 1").fill("Q107*")
    page.get_by_label("Kind, row 1").fill("mutation")
    page.get_by_label("VAF (0-1), row 1").fill("0.31")
    page.get_by_label("Germline, row 1").select_option("no")
    page.get_by_label("Marker, row 1").fill("SSTR2")
    page.get_by_label("Result, row 1").select_option("positive")
    page.get_by_role("button", name="Add a marker").click()
    page.get_by_label("Marker, row 2").fill("RB1")
    page.get_by_label("Result, row 2").select_option("retained")
    page.get_by_label("MSI").select_option("stable")
    page.get_by_label("TMB (mutations/Mb)").fill("2.1")
    page.get_by_label("Chromogranin A (ng/mL)").fill("820")
    page.get_by_label("Bowel movements per day").fill("5")
    _check_layout(page)
    page.evaluate("document.getElementById('imaging').scrollIntoView({block: 'start'})")
    _shot(page, "form-rows", full=False)

    # a wrong value first: the message appears next to the field, from the case model
    page.get_by_label("Ki-67 (%)").fill("150")
    page.get_by_role("button", name="Save and evaluate").click()
    assert "0 to 100" in page.locator("#tumor-ki67-err").inner_text()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Therapy, row 3").input_value() == "everolimus"  # rows kept
    _shot(page, "form-validation")
    page.get_by_label("Ki-67 (%)").fill("12")
    page.get_by_label("Ki-67 (%)").press("Enter")  # Enter saves; it does not add a row

    page.wait_for_url("**/ui/reports/*")
    body = page.locator("body").inner_text()
    assert "177Lu-DOTATATE" in body
    assert "does not replace" in body
    for entered in ("lanreotide", "everolimus", "CDKN1B"):
        assert entered.lower() in body.lower()
    _nav_has_user_and_sign_out(page)
    # the board summary (report package) comes before every section of the report
    assert page.evaluate("() => document.querySelector('section[id], details[id]').id") \
        == "summary"
    summary = page.locator("#summary")
    assert "Board summary" in summary.inner_text() and "177Lu-DOTATATE" in summary.inner_text()
    assert "Since the previous report" not in summary.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary.screenshot(path=str(ARTIFACTS / "browser-board-summary.png"))
    _shot(page, "report-top", full=False)
    page.get_by_role("heading", name="Therapy options").scroll_into_view_if_needed()
    _shot(page, "report-options", full=False)
    _shot(page, "report")

    # evaluated again: the report says what changed since the previous evaluation
    page.get_by_role("button", name="Evaluate again").click()
    page.wait_for_url("**/ui/reports/*")
    assert "Since the previous report" in page.locator("#summary").inner_text()
    assert page.get_by_role("link", name=re.compile("Previous evaluation")).is_visible()
    _shot(page, "report-what-changed", full=False)

    page.get_by_role("link", name="Cases", exact=True).first.click()
    assert page.get_by_role("link", name="e2e-si-net").first.is_visible()
    _shot(page, "cases")
    page.get_by_role("link", name="e2e-si-net").first.click()
    assert "lanreotide" in page.locator("main").inner_text()
    _shot(page, "case")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/ui/login")
    page.goto(f"{url}/ui/cases")
    assert "/ui/login" in page.url


def test_upload_case_files(server: tuple[str, str], page: Any, tmp_path: Path) -> None:
    url, token = server
    _sign_in(page, url, token)
    page.get_by_role("link", name="Upload", exact=True).click()
    _check_layout(page)
    bad = tmp_path / "bad_case.yaml"
    bad.write_text("patient: {agee: 60}\ntumor: {primary_site: pancrea, ki67: 150}\n")
    page.get_by_label("YAML or JSON file (up to 1 MB)").set_input_files(str(bad))
    page.get_by_role("button", name="Store and evaluate").click()
    alert = page.get_by_role("alert")
    text = alert.inner_text()
    assert "bad_case.yaml: 3 problems" in text
    for field, allowed in (("patient.agee", "allowed keys: age"),
                           ("tumor.primary_site", "did you mean 'pancreas'"),
                           ("tumor.ki67", "0 to 100")):
        row = alert.locator("tr", has_text=field)
        assert allowed in row.inner_text(), field
    _shot(page, "upload-problems")

    page.get_by_label("YAML or JSON file (up to 1 MB)").set_input_files(
        str(EXAMPLES / "pannet_after_everolimus.yaml"))
    page.get_by_role("button", name="Open in the form to review").click()
    assert page.get_by_role("status").inner_text().startswith("Read pannet_after_everolimus")
    assert page.get_by_label("Primary site").input_value() == "pancreas"
    assert page.get_by_label("Therapy, row 1").input_value() != ""
    page.goto(f"{url}/ui/upload")
    page.get_by_label("YAML or JSON file (up to 1 MB)").set_input_files(
        str(EXAMPLES / "si_net_after_ssa.yaml"))
    page.get_by_role("button", name="Store and evaluate").click()
    page.wait_for_url("**/ui/reports/*")
    assert "177Lu-DOTATATE" in page.locator("body").inner_text()


def test_knowledge_base_pages(server: tuple[str, str], page: Any, kb: Any) -> None:
    url, token = server
    _sign_in(page, url, token)
    nav_search = page.get_by_role("searchbox", name="Search the knowledge base")
    nav_search.fill("NETTER-1")
    nav_search.press("Enter")
    page.get_by_role("link", name="NETTER-1", exact=False).first.click()
    trial = page.locator("main").inner_text()
    assert "Outcomes (" in trial and "NCT01578239" in trial and "{\"" not in trial
    assert page.get_by_role("heading", name="Citations", exact=False).is_visible()
    _check_layout(page)
    _shot(page, "kb-trial")
    # records link to each other: the trial's arm therapies open the drug page
    page.locator("main a", has_text="177Lu-DOTATATE").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("177Lu")
    _shot(page, "kb-drug-lutetium")

    rule = next(iter(kb.rules.values()))
    mechanism = next(m for m in kb.resistance.values() if m.strategies)
    marker = next(iter(kb.biomarkers.values()))
    pages = {"drug": "everolimus", "regimen": "captem", "rule": rule.id,
             "resistance": mechanism.id, "biomarker": marker.id}
    expect = {"drug": ("Therapy classes", "Resistance mechanisms of its therapy classes"),
              "regimen": ("Components", "Capecitabine"),
              "rule": ("Applies when", "Rationale", "ESMO level"),
              "resistance": ("Therapy class", "Strategies"),
              "biomarker": ("Match", "ESCAT tier")}
    for kind, rid in pages.items():
        page.goto(f"{url}/ui/kb/{rid}")
        main = page.locator("main").inner_text()
        for words in expect[kind]:
            assert words in main, (kind, words)
        assert '{"' not in main and "':" not in main, f"{kind} page shows raw data"
        assert page.locator("ol.citations li").count() >= 1
        _check_layout(page)
        _shot(page, f"kb-{kind}")
    page.goto(f"{url}/ui/kb")
    _shot(page, "kb")
