"""The `nenboard` command. Thin: parse arguments, call engines, render.

Exit codes (DESIGN.md): 0 ok; 2 bad input, with one line naming the field and
the problem; 1 internal error. No tracebacks unless NENBOARD_DEBUG=1.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import typer
import yaml

# typer 0.29 vendors click as typer._click; older releases use click itself.
try:
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import ClickException

from nenboard import __version__
from nenboard.errors import InputError
from nenboard.interface import (
    AS_OF_HELP,
    DISCLAIMER,
    Format,
    as_of_date,
    console,
    emit,
    err_console,
    kb,
    load_case,
    print_footer,
    print_json,
    stamped,
    to_jsonable,
)
from nenboard.layout import Doc

app = typer.Typer(
    name="nenboard",
    help="A virtual tumor board for GEP neuroendocrine neoplasms. " + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
kb_app = typer.Typer(help="Inspect and check the curated knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

CaseArg = typer.Argument(..., help="case file (YAML or JSON; - reads standard input)",
                         show_default=False)
FormatOpt = typer.Option(Format.table, "--format", "-f", help="output format")
DetailOpt = typer.Option(False, "--detail", help="everything (default: the summary)")


def _version(value: bool) -> None:
    if value:
        console.print(f"nenboard {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="show the version and exit"),
) -> None:
    """nenboard: classify, plan, profile, match trials and simulate for GEP-NENs."""


@app.command()
def classify(case: Path = CaseArg, fmt: Format = FormatOpt, detail: bool = DetailOpt) -> None:
    """WHO 2019 classification and grade, with cited flags."""
    from nenboard.facts import classify as run
    from nenboard.pathology.render import classification_doc, classification_tsv

    result = run(load_case(case), kb())
    if fmt is Format.json:
        print_json(stamped(result))
    elif fmt is Format.tsv:
        emit(classification_tsv(result), fmt)
    else:
        emit(classification_doc(result, title=str(case), detail=detail), fmt)


@kb_app.command("check")
def kb_check(path: Path | None = typer.Option(None, "--path", help="knowledge-base directory")
             ) -> None:
    """Validate schema, ids, cross-references, citations and numbers."""
    from nenboard.knowledge.check import check
    from nenboard.knowledge.loader import load

    base = load(path)
    problems = check(base)
    if problems:
        for p in problems:
            err_console.print(f"[red]x[/red] {p}")
        raise InputError(problems, source="knowledge base")
    counts = ", ".join(f"{len(getattr(base, k))} {k}" for k in
                       ("sources", "drugs", "regimens", "trials", "resistance", "biomarkers",
                        "frequencies", "rules", "safety"))
    console.print(f"[green]knowledge base OK[/green] (version {base.version}): {counts}")
    from nenboard.knowledge.dates import evidence_line

    console.print(evidence_line(base), style="dim", markup=False)


@kb_app.command("export")
def kb_export(fmt: str = typer.Option("json", "--format", "-f", help="json"),
              out: Path | None = typer.Option(None, "-o", "--output")) -> None:
    """Export the whole knowledge base (DESIGN.md contract)."""
    from nenboard.interface import write_output
    from nenboard.knowledge.loader import to_json

    if fmt != "json":
        raise InputError.single("--format", f"{fmt!r} is not supported; allowed: json")
    write_output(to_json(kb()), out)


@kb_app.command("show")
def kb_show(record_id: str = typer.Argument(..., help="id, name, synonym or NCT number"),
            fmt: Format = FormatOpt,
            as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP)) -> None:
    """Show one record readably."""
    found = kb().record(record_id)
    if found is None:
        from nenboard.knowledge.search import search

        close = [rec.id for _, rec, _ in search(kb(), record_id, limit=5)]
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise InputError.single("ID", f"no record {record_id!r}{hint}")
    kind, rec = found
    data = to_jsonable(rec)
    from nenboard.knowledge.dates import record_date, status_view

    day = as_of_date(as_of)
    dated = record_date(rec, kb())
    status = status_view(rec, kb(), day).to_json() if kind == "trials" else None
    if fmt is Format.json:
        print_json(stamped({"kind": kind, "record": data, "date": dated, "status": status}, day))
        return
    clean = {k: v for k, v in data.items() if v not in (None, [], {}, "")}
    if fmt is Format.tsv:
        doc = Doc()
        table = doc.table(["field", "value"])
        for k, v in clean.items():
            table.add(k, v if isinstance(v, str | int | float) else json.dumps(v,
                                                                               ensure_ascii=False))
        emit(doc, fmt)
        return
    doc = Doc()
    doc.para(f"{kind}: {rec.id} - {getattr(rec, 'name', '')}", style="bold")
    doc.para(f"dated {dated or 'undated'} (the newest statement it rests on)"
             + (f"; status: {status['label']}" if status else ""))
    text = yaml.safe_dump(clean, sort_keys=False, allow_unicode=True, width=10**6)
    for line in text.splitlines():  # long values continue indented: still valid YAML
        lead = len(line) - len(line.lstrip(" -"))
        doc.para(line.strip(), indent=len(line) - len(line.lstrip(" ")), hang=lead + 2)
        doc.blocks[-1].text = line.lstrip(" ")
    emit(doc, fmt, as_of=day if status else None)


@kb_app.command("search")
def kb_search(text: str = typer.Argument(..., help="any name, synonym, id or NCT"),
              fmt: Format = FormatOpt) -> None:
    """Find drugs, regimens, trials, mechanisms and biomarkers by any synonym."""
    from nenboard.knowledge.search import search

    hits = search(kb(), text)
    if fmt is Format.json:
        print_json([{"kind": k, "id": r.id, "name": getattr(r, "name", r.id)} for k, r, _ in hits])
        return
    if not hits and fmt is not Format.tsv:
        console.print(f"no match for {text!r}", markup=False)
        print_footer()
        return
    doc = Doc()
    table = doc.table(["kind", "id", "name"], nowrap={1})  # ids whole: `kb show ID` needs them
    for kind, rec, _ in hits:
        table.add(kind, rec.id, getattr(rec, "name", ""))
    emit(doc, fmt)


@app.command()
def demo(out: Path = typer.Option(Path("nenboard-demo"), "-o", "--output",
                                  help="folder for the demo's reports")) -> None:
    """Run everything on the bundled example cases and print a summary."""
    from nenboard.demo import run_demo
    from nenboard.interface import check_output

    check_output(out, directory=True)
    run_demo(out)


# Engines register their commands from their own modules (keeps this file thin).
for _module in ("nenboard.therapy.cli", "nenboard.genomics.cli", "nenboard.trials.cli",
                "nenboard.board.cli", "nenboard.api.cli"):
    importlib.import_module(_module).register(app)
importlib.import_module("nenboard.knowledge.cli").register(kb_app)  # kb update-trials, kb diff
app.add_typer(importlib.import_module("nenboard.systems.cli").app, name="simulate",
              help="Pathway and clonal-resistance simulations (research use only).")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and map errors to exit codes without tracebacks."""
    debug = os.environ.get("NENBOARD_DEBUG") == "1"
    try:
        app(args=argv, prog_name="nenboard", standalone_mode=False)
    except InputError as exc:  # one line per problem, each naming its field
        for line in exc.lines():
            err_console.print(f"error: {line}", markup=False, soft_wrap=True)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except ClickException as exc:  # usage errors: bad option value, missing argument
        exc.show()
        return 2 if exc.exit_code in (1, 2) else exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except Exception as exc:
        if debug:
            raise
        err_console.print(f"internal error: {type(exc).__name__}: {exc} "
                          "(set NENBOARD_DEBUG=1 for a traceback)", markup=False)
        return 1
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
