"""The browser app under /ui: home, login, cases, case form, upload, report, KB pages.

Plain server-rendered HTML (Jinja2), no JavaScript needed (a small script adds
form rows without a round trip). The session is the
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
from nenboard.api import forms, kbview, service
from nenboard.api.auth import COOKIE, ROLE_RANK, Principal, authenticate
from nenboard.errors import InputError
from nenboard.interface import DISCLAIMER

TEMPLATES = Path(__file__).parent / "templates"
KB_KINDS = ("drugs", "regimens", "trials", "resistance", "biomarkers", "rules")
MAX_UPLOAD = 1_000_000  # bytes, as for any request body


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(disclaimer=DISCLAIMER, version=__version__,
                       choice_label=forms.choice_label, kind_label=kbview.kind_label)
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

    @app.get("/", include_in_schema=False, name="root")
    def root(request: Request) -> Response:
        return RedirectResponse(str(request.url_for("ui_home")), 303)

    @app.get("/ui", include_in_schema=False, name="ui_home")
    def ui_home(request: Request) -> HTMLResponse:
        who = user(request)
        store = request.app.state.store
        rows, total = store.list_cases(8, 0)
        store.record(who.name, "list_cases")
        kb = request.app.state.kb
        counts = [(k, len(getattr(kb, k))) for k in KB_KINDS]
        return page(request, "home.html", current="ui_home", cases=_case_rows(request, rows),
                    total=total, counts=counts)

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
        response = RedirectResponse(str(request.url_for("ui_home")), 303)
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
        return page(request, "cases.html", current="ui_cases", cases=_case_rows(request, rows),
                    total=total, page_no=page_no)

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
        counts = {g.key: forms.row_count(form, g) for g in forms.groups()}
        action = str(form.get("action") or "save")
        op, _, target = action.partition(":")
        if op in ("add", "remove"):  # the no-JavaScript way to add or remove a row
            key, _, which = target.partition(":")
            if key in counts:
                change = "add" if op == "add" else f"remove:{which}"
                counts[key] = forms.change_rows(state, forms.group(key), counts[key], change)
            state.errors.clear()
            return _form(request, state, counts=counts)
        try:  # the same validation as the API and the CLI
            service.validate_case(request, data)
        except InputError as exc:
            forms.attach_problems(state, exc, rows)
        if state.errors or state.general:
            return _form(request, state, 422, counts=counts)
        stored = service.store_case(request, data, who.name)
        report_id, _ = service.evaluate_stored(request, stored, who.name)
        return RedirectResponse(str(request.url_for("ui_report", report_id=report_id)), 303)

    @app.get("/ui/upload", include_in_schema=False, name="ui_upload")
    def ui_upload(request: Request) -> HTMLResponse:
        user(request, "clinician")
        return page(request, "upload.html", current="ui_upload", problems=[], text="")

    @app.post("/ui/upload", include_in_schema=False)
    async def ui_upload_post(request: Request) -> Response:
        who = user(request, "clinician")
        same_origin(request)
        form = await request.form()
        upload, text = form.get("file"), str(form.get("text") or "")
        name = "pasted case"
        if upload is not None and not isinstance(upload, str) and upload.filename:
            name = upload.filename
            raw = await upload.read(MAX_UPLOAD + 1)
        else:
            raw = text.encode()
        try:
            data = read_upload(raw, name)
            case = service.validate_case(request, data)
        except InputError as exc:
            return page(request, "upload.html", 422, current="ui_upload", name=name,
                        problems=exc.problems, text=text)
        if form.get("action") == "edit":  # review it in the form before saving
            state = forms.FormState(values=forms.values_from_case(
                case.model_dump(mode="json", exclude_none=True)))
            return _form(request, state, notice=f"Read {name}: review the case, then save "
                                                "and evaluate.")
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

        return page(request, "case.html", current="ui_cases", case=stored,
                    reports=request.app.state.store.reports_for(stored.id),
                    case_yaml=yaml.safe_dump(stored.data, sort_keys=False, allow_unicode=True))

    @app.get("/ui/cases/{case_id}/case.yaml", include_in_schema=False, name="ui_case_file")
    def ui_case_file(request: Request, case_id: str) -> Response:
        """The stored case as a case file (the upload's and the CLI's format)."""
        who = user(request)
        stored = service.stored_case_or_404(request, case_id)
        request.app.state.store.record(who.name, "view_case", case_id=stored.id,
                                       input_hash=stored.input_hash, detail={"format": "yaml"})
        import yaml

        data = dict(stored.data)
        if data.get("history"):
            data["history"] = [{k: v for k, v in h.items() if k != "therapy_id"}
                               for h in data["history"]]
        name = "".join(c if c.isalnum() or c in "-_" else "_" for c in
                       (stored.label or stored.id))[:80]
        return Response(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        media_type="application/yaml",
                        headers={"content-disposition": f'attachment; filename="{name}.yaml"'})

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
        store = request.app.state.store
        stored = store.get_report(report_id)
        if stored is None:
            raise HTTPException(404, "no such report")
        store.record(who.name, "view_report", case_id=stored.case_id, report_id=stored.id,
                     detail={"format": "ui"})
        from nenboard.report.model import Report

        report = Report.model_validate(stored.data)
        earlier = store.previous_report(stored)
        previous = Report.model_validate(earlier.data) if earlier else None
        case = store.get_case(stored.case_id)
        html = render_report_page(report, previous, request.app.state.kb)
        bar = _env().get_template("report_nav.html").render(
            request=request, url_for=_url_for(request), report=stored, case=case, user=who,
            current="ui_cases", earlier=earlier,
            can_evaluate=ROLE_RANK[who.role] >= ROLE_RANK["clinician"])
        head, sep, body = html.partition("<body>")
        return HTMLResponse(head + sep + bar + body if sep else bar + html)

    @app.get("/ui/kb", include_in_schema=False, name="ui_kb")
    def ui_kb(request: Request, q: str = "", kind: str = "") -> HTMLResponse:
        user(request)
        from nenboard.knowledge.search import SEARCHABLE, search

        kb = request.app.state.kb
        q = q.strip()[:200]
        kinds = (kind,) if kind in SEARCHABLE else SEARCHABLE
        hits = search(kb, q, kinds) if q else []
        listing = (sorted(getattr(kb, kind).values(), key=lambda r: r.name.lower())
                   if kind in SEARCHABLE and not q else [])
        counts = [(k, len(getattr(kb, k))) for k in SEARCHABLE]
        return page(request, "kb.html", current="ui_kb", q=q, kind=kind, kinds=SEARCHABLE,
                    hits=hits, listing=listing, counts=counts, kind_label=kbview.kind_label)

    @app.get("/ui/kb/{record_id}", include_in_schema=False, name="ui_kb_record")
    def ui_kb_record(request: Request, record_id: str) -> HTMLResponse:
        user(request)
        kb = request.app.state.kb
        found = kb.record(record_id)
        if found is None:
            raise HTTPException(404, "no such knowledge-base record")
        kind, rec = found
        link = lambda rid: str(request.url_for("ui_kb_record", record_id=rid))  # noqa: E731
        view = kbview.record_view(kb, kind, rec, link)
        return page(request, "kb_record.html", current="ui_kb", view=view)

    def _form(request: Request, state: forms.FormState, status: int = 200,
              counts: dict[str, int] | None = None, notice: str | None = None) -> HTMLResponse:
        if counts is None:  # a new form, or a copy: the rows it fills and one empty row
            counts = {g.key: forms.rows_in(state.values, g) + 1 for g in forms.groups()}
            counts["history"] = max(counts["history"], forms.HISTORY_ROWS)
        for g in forms.groups():  # rows holding a value or a message are always shown
            counts[g.key] = max(counts.get(g.key, 0), forms.rows_in(state.values, g),
                                forms.rows_in(state.errors, g))
        therapies = request.app.state.kb.therapy_names()
        return page(request, "case_form.html", status, current="ui_case_new", state=state,
                    sections=forms.section_fields(), molecular=forms.molecular_fields(),
                    groups=forms.groups(), counts=counts, empty=forms.FormState(),
                    therapies=therapies, alteration_kinds=forms.ALTERATION_KINDS,
                    notice=notice)


def read_upload(raw: bytes, name: str) -> Any:
    """An uploaded case file's bytes -> the parsed document (validation comes next)."""
    from nenboard.case.read import parse_document

    if len(raw) > MAX_UPLOAD:
        raise InputError.single(name, f"file larger than {MAX_UPLOAD} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError.single(name, "not UTF-8 text; expected a YAML or JSON case") from None
    return parse_document(text, name)


def _case_rows(request: Request, rows: list[Any]) -> list[dict[str, Any]]:
    store = request.app.state.store
    out = []
    for c in rows:
        reports = store.reports_for(c.id)
        out.append({"id": c.id, "label": c.label or c.id[:8], "title": (c.data or {}).get("title"),
                    "created_at": c.created_at, "created_by": c.created_by,
                    "reports": [r.id for r in reports],
                    "latest": reports[-1] if reports else None,
                    "who_label": ((reports[-1].data or {}).get("classification") or {})
                    .get("who_label") if reports else None})
    return out


def render_report_page(report: Any, previous: Any, kb: Any) -> str:
    """The report HTML: the board summary first, with what changed since ``previous``
    (the evaluation of the same case before this one), both from the report package."""
    from nenboard.report.html import render_html
    from nenboard.report.summary import summarise

    if previous is not None:
        report = report.model_copy(update={"summary": summarise(report, previous)})
    return render_html(report, kb)
