"""End to end in headless Chromium (Playwright + the system chromium): sign in, enter a
case in the form, submit, and check the report shows the expected options."""

from __future__ import annotations

import os
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
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("NENBOARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


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
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        context.close()
        browser.close()


def _sign_in(page: Any, url: str, token: str) -> None:
    page.goto(f"{url}/ui")
    assert "/ui/login" in page.url
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ui/cases")


def test_enter_a_case_and_read_the_report(server: tuple[str, str], page: Any) -> None:
    url, token = server
    _sign_in(page, url, token)
    page.get_by_role("link", name="New case", exact=True).click()
    page.get_by_label("Case label (non-identifying)").fill("e2e-si-net")
    page.get_by_label("Age (years)").fill("67")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Ecog").select_option("1")
    page.get_by_label("Primary site").select_option("jejunum_ileum")
    page.get_by_label("Differentiation").select_option("well")
    page.get_by_label("Ki-67 (%)").fill("12")
    page.get_by_label("Mitoses (per 2 mm²)").fill("4")
    page.get_by_label("Stage").select_option("metastatic")
    page.get_by_label("Resectable").select_option("no")
    page.get_by_role("checkbox", name="liver").check()
    page.get_by_label("Sstr").select_option("positive")
    page.get_by_label("Krenning").select_option("4")
    page.get_by_label("Therapy, row 1").fill("octreotide LAR")
    page.get_by_label("Start, row 1").fill("2023-01")
    page.get_by_label("End, row 1").fill("2024-06")
    page.get_by_label("Reason stopped, row 1").select_option("progression")
    page.get_by_label("Progression type, row 1").select_option("radiological")
    page.get_by_label("Alterations, one per line").fill("CDKN1B Q107*")
    page.get_by_label("Chromogranin a (ng/mL)").fill("820")

    # a wrong value first: the message appears next to the field, from the case model
    page.get_by_label("Ki-67 (%)").fill("150")
    page.get_by_role("button", name="Save and evaluate").click()
    assert "0 to 100" in page.locator("#tumor-ki67-err").inner_text()
    assert page.get_by_role("alert").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#tumor-ki67").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-form-validation.png"))
    page.get_by_label("Ki-67 (%)").fill("12")
    page.get_by_role("button", name="Save and evaluate").click()

    page.wait_for_url("**/ui/reports/*")
    body = page.locator("body").inner_text()
    assert "177Lu-DOTATATE" in body
    assert "verolimus" in body
    assert "does not replace" in body
    page.get_by_role("heading", name="Therapy options").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-report.png"))

    page.get_by_role("link", name="nenboard · Cases").click()
    assert page.get_by_role("link", name="e2e-si-net").is_visible()


def test_knowledge_base_browser(server: tuple[str, str], page: Any) -> None:
    url, token = server
    _sign_in(page, url, token)
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    page.get_by_label("Search drugs, regimens, trials, resistance mechanisms, biomarkers") \
        .fill("NETTER-1")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="NETTER-1", exact=False).first.click()
    assert page.get_by_role("heading", name="Citations", exact=False).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-kb-record.png"))
