"""Bearer-token authentication and role checks for the service."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

ROLE_RANK = {"viewer": 0, "clinician": 1, "curator": 2}
COOKIE = "nenboard_token"


@dataclass(frozen=True)
class Principal:
    name: str
    role: str


def token_from(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE)


def authenticate(request: Request) -> Principal:
    token = token_from(request)
    if not token:
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    user = request.app.state.store.user_for_token(token)
    if user is None:
        raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    return Principal(user.name, user.role)


def require(role: str):
    def dependency(request: Request) -> Principal:
        who = authenticate(request)
        if ROLE_RANK[who.role] < ROLE_RANK[role]:
            raise HTTPException(403, f"role {who.role!r} may not do this; needs {role!r}")
        return who

    return dependency
