"""The browser app under /ui: login, case list, case entry form, report view, KB browser.

Plain server-rendered HTML (Jinja2), no JavaScript needed. The session is the
API token in an HttpOnly, SameSite=Strict cookie; form posts also check the
Origin header. Every page carries the disclaimer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from nenboard import __version__
from nenboard.api import forms, service
from nenboard.api.auth import COOKIE, ROLE_RANK, Principal, authenticate
from nenboard.errors import InputError
from nenboard.interface import DISCLAIMER

TEMPLATES = Path(__file__).parent / "templates"
KB_KINDS = ("drugs", "regimens", "trials", "resistance", "biomarkers", "therapy_classes")


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(disclaimer=DISCLAIMER, version=__version__)
    return env


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", getattr(request.state, "principal", None))
    context["kb_version"] = request.app.state.kb.version
    html = _env().get_template(template).render(request=request, url_for=_url_for(request),
                                                 **context)
    return HTMLResponse(html, status_code=status)


def _url_for(request: Request):
    return lambda name, **params: str(request.url_for(name, **params))


class LoginRequired(Exception):
    pass


def user(request: Request, role: str = "viewer") -> Principal:
    """The signed-in user (cookie or bearer), or a redirect to the login page."""
    try:
        who = authenticate(request)
    except HTTPException:
        raise LoginRequired() from None
    if ROLE_RANK[who.role] < ROLE_RANK[role]:
        raise HTTPException(403, f"role {who.role!r} may not do this; needs {role!r}")
    request.state.principal = who
    return who


def same_origin(request: Request) -> None:
    """Refuse cross-site form posts (in addition to the SameSite=Strict cookie)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlparse(origin).netloc != request.url.netloc:
        raise HTTPException(403, "cross-site form post refused")


def register(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _: LoginRequired) -> Response:
        if not request.url.path.startswith(f"{request.scope.get('root_path', '')}/ui"):
            return HTMLResponse("authentication required", 401)
        return RedirectResponse(str(request.url_for("ui_login")), 303)

    default_http = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)

    @app.exception_handler(StarletteHTTPException)
    async def ui_errors(request: Request, exc: StarletteHTTPException) -> Response:
        if not request.url.path.startswith(f"{request.scope.get('root_path', '')}/ui"):
            return await default_http(request, exc)
        titles = {403: "Not allowed", 404: "Not found"}
        return page(request, "error.html", exc.status_code, code=exc.status_code,
                    title=titles.get(exc.status_code, "Something went wrong"),
                    message=str(exc.detail))

    @app.get("/ui", include_in_schema=False)
    def ui_home(request: Request) -> Response:
        return RedirectResponse(str(request.url_for("ui_cases")), 303)

    @app.get("/ui/login", include_in_schema=False, name="ui_login")
    def ui_login(request: Request) -> HTMLResponse:
        return page(request, "login.html", user=None)

    @app.post("/ui/login", include_in_schema=False)
    async def ui_login_post(request: Request) -> Response:
        same_origin(request)
        form = await request.form()
        token = str(form.get("token") or "").strip()
        found = request.app.state.store.user_for_token(token) if token else None
        if found is None:
            request.app.state.store.record("anonymous", "login_failed")
            return page(request, "login.html", 401, user=None,
                        error="That token is not valid. Ask an administrator for a token "
                              "(nenboard user add NAME).")
        request.app.state.store.record(found.name, "login")
        response = RedirectResponse(str(request.url_for("ui_cases")), 303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", max_age=12 * 3600,
                            path=request.scope.get("root_path", "") or "/")
        return response

    @app.post("/ui/logout", include_in_schema=False, name="ui_logout")
    def ui_logout(request: Request) -> Response:
        same_origin(request)
        response = RedirectResponse(str(request.url_for("ui_login")), 303)
        response.delete_cookie(COOKIE, path=request.scope.get("root_path", "") or "/")
        return response

    @app.get("/ui/cases", include_in_schema=False, name="ui_cases")
    def ui_cases(request: Request, page_no: int = 1) -> HTMLResponse:
        who = user(request)
        page_no = min(max(1, page_no), 100_000)
        rows, total = request.app.state.store.list_cases(50, (page_no - 1) * 50)
        request.app.state.store.record(who.name, "list_cases")
        cases = [{"id": c.id, "label": c.label or c.id[:8], "title": (c.data or {}).get("title"),
                  "created_at": c.created_at, "created_by": c.created_by,
                  "reports": [r.id for r in request.app.state.store.reports_for(c.id)]}
                 for c in rows]
        return page(request, "cases.html", cases=cases, total=total, page_no=page_no)

    @app.get("/ui/cases/new", include_in_schema=False, name="ui_case_new")
    def ui_case_new(request: Request, copy: str | None = None) -> HTMLResponse:
        user(request, "clinician")
        state = forms.FormState()
        if copy and (stored := request.app.state.store.get_case(copy)) is not None:
            state.values = forms.values_from_case(stored.data)
        return _form(request, state)

    @app.post("/ui/cases/new", include_in_schema=False)
    async def ui_case_create(request: Request) -> Response:
        who = user(request, "clinician")
        same_origin(request)
        form = await request.form()
        data, state, rows = forms.parse_form(form)
        try:  # the same validation as the API and the CLI
            service.validate_case(request, data)
        except InputError as exc:
            forms.attach_problems(state, exc, rows)
        if state.errors or state.general:
            return _form(request, state, 422)
        stored = service.store_case(request, data, who.name)
        report_id, _ = service.evaluate_stored(request, stored, who.name)
        return RedirectResponse(str(request.url_for("ui_report", report_id=report_id)), 303)

    @app.get("/ui/cases/{case_id}", include_in_schema=False, name="ui_case")
    def ui_case(request: Request, case_id: str) -> HTMLResponse:
        who = user(request)
        stored = service.stored_case_or_404(request, case_id)
        request.app.state.store.record(who.name, "view_case", case_id=stored.id,
                                       input_hash=stored.input_hash)
        import yaml

        return page(request, "case.html", case=stored,
                    reports=request.app.state.store.reports_for(stored.id),
                    case_yaml=yaml.safe_dump(stored.data, sort_keys=False, allow_unicode=True))

    @app.post("/ui/cases/{case_id}/evaluate", include_in_schema=False, name="ui_case_evaluate")
    def ui_case_evaluate(request: Request, case_id: str) -> Response:
        who = user(request, "clinician")
        same_origin(request)
        stored = service.stored_case_or_404(request, case_id)
        report_id, _ = service.evaluate_stored(request, stored, who.name)
        return RedirectResponse(str(request.url_for("ui_report", report_id=report_id)), 303)

    @app.get("/ui/reports/{report_id}", include_in_schema=False, name="ui_report")
    def ui_report(request: Request, report_id: str) -> HTMLResponse:
        who = user(request)
        stored = request.app.state.store.get_report(report_id)
        if stored is None:
            raise HTTPException(404, "no such report")
        request.app.state.store.record(who.name, "view_report", case_id=stored.case_id,
                                       report_id=stored.id, detail={"format": "ui"})
        from nenboard.report.html import render_html
        from nenboard.report.model import Report

        html = render_html(Report.model_validate(stored.data), request.app.state.kb)
        nav = _env().get_template("report_nav.html").render(
            request=request, url_for=_url_for(request), report_id=report_id, case_id=stored.case_id, user=who)
        head, sep, body = html.partition("<body>")
        return HTMLResponse(head + sep + nav + body if sep else nav + html)

    @app.get("/ui/kb", include_in_schema=False, name="ui_kb")
    def ui_kb(request: Request, q: str = "", kind: str = "") -> HTMLResponse:
        user(request)
        from nenboard.knowledge.search import search

        q = q.strip()[:200]
        kinds = (kind,) if kind in KB_KINDS else KB_KINDS
        hits = search(request.app.state.kb, q, kinds) if q else []
        listing = [] if q else [(k, sorted(getattr(request.app.state.kb, k).values(),
                                            key=lambda r: r.name.lower()))
                               for k in kinds if k in ("drugs", "trials", "resistance")]
        return page(request, "kb.html", q=q, kind=kind, kinds=KB_KINDS, hits=hits,
                    listing=listing)

    @app.get("/ui/kb/{record_id}", include_in_schema=False, name="ui_kb_record")
    def ui_kb_record(request: Request, record_id: str) -> HTMLResponse:
        user(request)
        found = request.app.state.kb.record(record_id)
        if found is None:
            raise HTTPException(404, "no such knowledge-base record")
        kind, rec = found
        data = rec.model_dump(mode="json", by_alias=True)
        citations = _citations(request, data)
        fields = {k: v for k, v in data.items() if k not in ("citations", "id", "name")
                  and v not in (None, [], {}, "")}
        return page(request, "kb_record.html", kind=kind, rec=rec, fields=fields,
                    citations=citations)

    def _form(request: Request, state: forms.FormState, status: int = 200) -> HTMLResponse:
        rows = forms.HISTORY_ROWS
        used = [int(k.split(".")[1]) for k in state.values if k.startswith("history.")
                and k.split(".")[1].isdigit()]
        rows = max(rows, max(used, default=-1) + 2)
        therapies = request.app.state.kb.therapy_names()
        return page(request, "case_form.html", status, state=state,
                    sections=forms.section_fields(), history=forms.history_fields(),
                    molecular=forms.molecular_fields(), rows=rows, therapies=therapies)


def _citations(request: Request, node: Any) -> list[dict[str, Any]]:
    """Every citation in a record (nested too), with its source's full reference."""
    found: list[dict[str, Any]] = []

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            if isinstance(n.get("source"), str) and "locator" in n and n not in found:
                found.append(n)
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    out = []
    for c in found:
        src = request.app.state.kb.sources.get(c["source"])
        full = f"{src.authors}. {src.title}. {src.journal or ''} ({src.year})" if src else ""
        out.append({**c, "full": " ".join(full.split()), "doi": getattr(src, "doi", None)})
    return out
