"""CLI: `nenboard serve`, `nenboard user add`, `nenboard audit verify`, `nenboard import-fhir`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
import yaml

from nenboard.errors import InputError
from nenboard.interface import err_console, kb, write_output


class Role(StrEnum):
    viewer = "viewer"
    clinician = "clinician"
    curator = "curator"


class CaseFormat(StrEnum):
    json = "json"
    yaml = "yaml"


def _store():
    from nenboard.store.repo import Store

    try:
        return Store(kb_version=kb().version)
    except InputError:
        return Store()


def register(app: typer.Typer) -> None:
    user_app = typer.Typer(help="Users and API tokens of the service.", no_args_is_help=True)
    audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
    app.add_typer(user_app, name="user")
    app.add_typer(audit_app, name="audit")

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="interface to bind (default: "
                                 "loopback only; put a TLS reverse proxy in front)"),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        proxy_headers: bool = typer.Option(False, "--proxy-headers",
                                           help="trust X-Forwarded-* from --forwarded-allow-ips"),
        forwarded_allow_ips: str = typer.Option("127.0.0.1", "--forwarded-allow-ips",
                                                help="proxy addresses trusted for X-Forwarded-*"),
        root_path: str = typer.Option("", "--root-path",
                                      help="URL prefix when served under a sub-path"),
    ) -> None:
        """Run the REST API, CDS Hooks service and browser app (uvicorn)."""
        import uvicorn

        from nenboard.api.app import create_app

        err_console.print(f"nenboard service on http://{host}:{port}/ui  (API docs: /docs)")
        uvicorn.run(create_app(), host=host, port=port, proxy_headers=proxy_headers,
                    forwarded_allow_ips=forwarded_allow_ips, root_path=root_path,
                    server_header=False, log_level="info")

    @user_app.command("add")
    def user_add(name: str = typer.Argument(..., help="user name (not a patient identifier)"),
                 role: str = typer.Option("clinician", "--role", help="viewer (read), clinician "
                                          "(evaluate, store cases) or curator")) -> None:
        """Create a user; its API token is printed once, alone on the last line."""
        if role not in Role.__members__:
            raise InputError.single("--role", f"must be one of {', '.join(Role.__members__)}",
                                    role)
        try:
            token = _store().add_user(name, role)
        except ValueError as exc:
            raise InputError.single("NAME", str(exc), name) from None
        err_console.print(f"created user {name!r} with role {role}; the token is shown "
                          "once and stored only as a hash:")
        sys.stdout.write(token + "\n")

    @audit_app.command("verify")
    def audit_verify(expect_head: str | None = typer.Option(
            None, "--expect-head", help="hash of an earlier head (from a previous verify); "
            "fails if that event is no longer in the trail (truncation)")) -> None:
        """Check the audit chain; prints the event count and head hash to anchor elsewhere."""
        store = _store()
        problems = store.verify_audit(expect_head)
        count, head = store.audit_head()
        if problems:
            for p in problems:
                err_console.print(f"x {p}", markup=False)
            raise InputError.single("audit trail", f"{len(problems)} problem(s); the trail was "
                                    "edited, deleted or truncated")
        sys.stdout.write(f"audit trail intact: {count} events\nhead {head}\n")

    @app.command("import-fhir")
    def import_fhir(
        bundle: Path = typer.Argument(..., help="mCODE (STU4, FHIR R4) Bundle, JSON"),
        fmt: CaseFormat = typer.Option(CaseFormat.yaml, "--format", "-f", help="case format"),
        out: Path | None = typer.Option(None, "-o", "--output", help="write the case here"),
    ) -> None:
        """Map an mCODE Bundle to a nenboard case; lists what did not map (on stderr)."""
        from nenboard.case.fhir import bundle_to_case
        from nenboard.case.read import case_from_data, read_text

        text = read_text(bundle)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.single(str(bundle), f"not JSON (line {exc.lineno}, column "
                                    f"{exc.colno}); FHIR Bundles are read as JSON") from None
        base = kb()
        result = bundle_to_case(data, base)
        case_from_data(result.case, base, str(bundle))  # same validation as any case
        lines = [f"{i['resource']}: {i['item']}: {i['reason']}" for i in result.unmapped]
        if fmt is CaseFormat.json:
            rendered = json.dumps(result.case, indent=2, ensure_ascii=False) + "\n"
        else:  # YAML carries what did not map as comments, so the file is self-explaining
            rendered = yaml.safe_dump(result.case, sort_keys=False, allow_unicode=True)
            rendered += f"# imported from an mCODE Bundle; {len(lines)} items did not map:\n"
            rendered += "".join(f"#   - {line}\n" for line in lines)
        write_output(rendered, out)
        err_console.print(f"mapped {len(result.mapped)} facts; {len(lines)} items did not map"
                          + (":" if fmt is CaseFormat.json else " (listed as comments)"),
                          markup=False)
        if fmt is CaseFormat.json:
            for line in lines:
                err_console.print(f"  - {line}", markup=False)
