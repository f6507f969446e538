"""CLI: `nenboard report`, `nenboard board` (one case or a batch), `nenboard schema`."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from nenboard.errors import InputError
from nenboard.interface import (
    AS_OF_HELP,
    DISCLAIMER,
    as_of_date,
    check_output,
    console,
    err_console,
    kb,
    load_case,
    working,
    write_output,
)


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    json = "json"


class BatchFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


TimestampOpt = typer.Option(None, "--timestamp", help="pin the report time (ISO-8601) for "
                            "byte-identical output; default: SOURCE_DATE_EPOCH or now")
AsOfOpt = typer.Option(None, "--as-of", help=AS_OF_HELP.replace("today", "the report's day"))


def pinned_timestamp(value: str | None) -> str | None:
    if value:
        return value
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        import datetime as dt

        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).isoformat()
    return None


def register(app: typer.Typer) -> None:
    schema_app = typer.Typer(help="Published JSON Schemas.", no_args_is_help=True)
    app.add_typer(schema_app, name="schema")

    @schema_app.command("report")
    def schema_report() -> None:
        """JSON Schema of the Report."""
        from nenboard.report.model import Report

        console.print_json(json.dumps(Report.model_json_schema()))

    @schema_app.command("case")
    def schema_case() -> None:
        """JSON Schema of the case format."""
        from nenboard.case.model import Case

        console.print_json(json.dumps(Case.model_json_schema()))

    cases_app = typer.Typer(help="Build case files from other formats.", no_args_is_help=True)
    app.add_typer(cases_app, name="cases")

    @cases_app.command("from-cbioportal")
    def from_cbioportal(
        study: Path = typer.Argument(..., help="cBioPortal study folder (data_clinical_*.txt)"),
        out: Path = typer.Option(..., "-o", "--output", help="cases as JSONL"),
    ) -> None:
        """GEP-NEN samples of a cBioPortal study as cases (as far as its fields allow)."""
        from nenboard.case.cbioportal import cases_from_study

        check_output(out)
        n, skipped = 0, {}
        lines = []
        for _, case, reason in cases_from_study(study, kb()):
            if case is None:
                if "GEP-NEN code" not in (reason or ""):
                    skipped[reason] = skipped.get(reason, 0) + 1
                continue
            lines.append(json.dumps(case, ensure_ascii=False))
            n += 1
        write_output("\n".join(lines) + "\n", out)
        console.print(f"{n} GEP-NEN cases written; skipped: {skipped or 'none'}")

    @app.command("report")
    def report_command(
        case: Path = typer.Argument(..., help="case file (YAML or JSON)"),
        fmt: ReportFormat = typer.Option(ReportFormat.html, "--format", "-f"),
        out: Path | None = typer.Option(None, "-o", "--output", help="file (default: stdout)"),
        pathway: bool = typer.Option(False, "--pathway", help="add the pathway prediction "
                                     "(research use) for the case's genotype"),
        timestamp: str | None = TimestampOpt,
        previous: Path | None = PreviousOpt,
        as_of: str | None = AsOfOpt,
    ) -> None:
        """One printable report per case, board summary first: HTML, PDF or JSON."""
        from nenboard.board import evaluate
        from nenboard.report.render import render_report
        from nenboard.report.summary import with_summary

        if fmt is ReportFormat.pdf and out is None:
            raise InputError.single("--output", "PDF output needs -o FILE")
        check_output(out)
        before = read_previous(previous)
        with working(f"evaluating{' and simulating the pathway' if pathway else ''}"):
            report = evaluate(load_case(case), kb(), timestamp=pinned_timestamp(timestamp),
                              pathway=pathway, as_of=as_of_date(as_of) if as_of else None)
        if before is not None:
            report = with_summary(report, before)
        with working(f"rendering {fmt.value.upper()}"):
            rendered = render_report(report, kb(), fmt.value)
        write_output(rendered, out)

    @app.command("board")
    def board_command(
        case: Path | None = typer.Argument(None, help="one case file (or use --batch)"),
        batch: Path | None = typer.Option(None, "--batch", help="cases: FILE.jsonl, a folder "
                                          "of case files, or FILE.parquet"),
        fmt: BatchFormat = typer.Option(BatchFormat.jsonl, "--format", "-f"),
        out: Path | None = typer.Option(None, "-o", "--output", help="batch output file"),
        workers: int = typer.Option(0, "--workers", help="processes (0 = all cores)"),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Dask scheduler "
                                             "address, or 'local'"),
        full: bool = typer.Option(False, "--full", help="jsonl: include each full report"),
        as_json: bool = typer.Option(False, "--json", help="one case: print the full JSON "
                                     "report instead of the board summary"),
        previous: Path | None = PreviousOpt,
        timestamp: str | None = TimestampOpt,
        as_of: str | None = AsOfOpt,
    ) -> None:
        """One case: the board summary (full JSON report with --json or -o FILE); or a whole
        cohort with --batch."""
        from nenboard.board.batch import BatchSummary, run_batch, write_rows

        if (case is None) == (batch is None):
            raise InputError.single("CASE", "give one case file or --batch PATH (not both)")
        if case is not None:
            board_one(case, out, as_json, previous, pinned_timestamp(timestamp),
                      as_of_date(as_of) if as_of else None)
            return
        if out is None:
            raise InputError.single("--output", "a batch needs -o OUT")
        check_output(out)
        kb()  # fail fast on a broken knowledge base, before spawning workers
        summary, rows = BatchSummary(), []
        with Progress("[progress.description]{task.description}", BarColumn(),
                      MofNCompleteColumn(), TimeRemainingColumn(), console=err_console,
                      transient=True) as bar:
            task = bar.add_task("evaluating", total=None)
            for row in run_batch(batch, workers=workers, scheduler=scheduler,
                                 timestamp=pinned_timestamp(timestamp), full=full,
                                 progress=lambda n: bar.advance(task, n)):
                summary.add(row)
                rows.append(row)
        write_rows(rows, out, fmt.value)
        print_summary(summary)
        write_output(json.dumps(summary.to_json(), indent=2), out.with_suffix(".summary.json"))


PreviousOpt = typer.Option(None, "--previous", help="the JSON report of this case's last "
                          "evaluation: the board summary says what changed")


def read_previous(path: Path | None):
    """The previous Report, validated (a bad file is an input error, exit 2)."""
    if path is None:
        return None
    from pydantic import ValidationError

    from nenboard.report.model import Report

    try:
        return Report.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError.single("--previous", f"cannot read {path}: {exc.strerror}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        raise InputError.single("--previous", f"{path} is not a nenboard JSON report "
                                f"({where}: {first['msg']})") from None


def board_one(case: Path, out: Path | None, as_json: bool, previous: Path | None,
              timestamp: str | None, as_of: dt.date | None = None) -> None:
    """`nenboard board CASE`: the board summary on the terminal; the full report as JSON."""
    import shutil

    from nenboard.board import evaluate
    from nenboard.report.summary import summary_text, with_summary

    check_output(out)
    before = read_previous(previous)
    report = evaluate(load_case(case), kb(), timestamp=timestamp, as_of=as_of)
    if before is not None:
        report = with_summary(report, before)
    if as_json or out is not None:
        write_output(report.model_dump_json(indent=2), out)
    if not as_json:
        width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
        text = summary_text(report.summary, width=width)
        sys.stdout.write(text + "\n\n" + "\n".join(_wrap(report.evidence, width)) + "\n"
                         + "\n".join(_wrap(DISCLAIMER, width)) + "\n")


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)


def print_summary(s) -> None:
    from nenboard.interface import Format, emit
    from nenboard.layout import Doc

    doc = Doc()
    doc.para(f"{s.total} cases: {s.ok} evaluated, {s.errors} with errors", style="bold")
    for title, counter in (("WHO 2019", s.entities), ("options", s.options),
                           ("ESCAT tiers", s.tiers), ("errors", s.error_reasons)):
        if counter:
            doc.para("")
            table = doc.table([title, "cases"])
            for key, n in counter.most_common(12):
                table.add(str(key), str(n))
    doc.heading(DISCLAIMER)
    emit(doc, Format.table)
