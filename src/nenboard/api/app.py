"""The nenboard service: REST API, CDS Hooks and the browser app in one FastAPI process.

Interfaces only: every clinical answer comes from `nenboard.board.evaluate`.
Validation errors are 422 with field-level messages; bodies over the size limit
are 413; unexpected errors are 500 without a stack trace. Application logs carry
ids and actions, never patient data.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nenboard import __version__
from nenboard.api.auth import Principal, require
from nenboard.errors import InputError
from nenboard.interface import DISCLAIMER
from nenboard.knowledge import KnowledgeBase, default_kb
from nenboard.store.repo import Store

log = logging.getLogger("nenboard.api")
MAX_BODY = 1_000_000  # bytes


def problems_json(exc: InputError) -> list[dict[str, Any]]:
    return [{"loc": p.path, "msg": p.message, "value": p.value if isinstance(
        p.value, str | int | float | bool) else None} for p in exc.problems]


def create_app(store: Store | None = None, kb: KnowledgeBase | None = None) -> FastAPI:
    kb = kb or default_kb()
    app = FastAPI(title="nenboard", version=__version__,
                  description="Virtual tumor board for GEP-NENs. " + DISCLAIMER)
    app.state.kb = kb
    app.state.store = store or Store(kb_version=kb.version)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return JSONResponse({"detail": f"request body over {MAX_BODY} bytes"}, 413)
        return await call_next(request)

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": problems_json(exc)}, 422)

    @app.exception_handler(RequestValidationError)
    async def request_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": ".".join(str(x) for x in e["loc"]), "msg": e["msg"]}
                  for e in exc.errors()]
        return JSONResponse({"detail": detail}, 422)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.error("internal error: %s", type(exc).__name__)
        return JSONResponse({"detail": "internal error"}, 500)

    from nenboard.api import cds, routes, web

    routes.register(app)
    cds.register(app)
    web.register(app)
    return app


__all__ = ["Body", "Depends", "HTMLResponse", "HTTPException", "Principal", "Query", "Response",
           "create_app", "require"]
