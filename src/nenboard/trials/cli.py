"""`nenboard trials ...`: match a case, import ClinicalTrials.gov records, export CTML.

Three forms share one command name:

* ``nenboard trials CASE [--format table|json] [--status recruiting]``
  (short for ``nenboard trials match CASE ...``)
* ``nenboard trials import FILE [-o OUT.yaml]``
* ``nenboard trials export --ctml [-o DIR|FILE]``

`DefaultGroup` routes any first argument that is not a subcommand to
``match``, so a case file can be given directly. (A case file literally named
``import`` or ``export`` is reached with ``nenboard trials match import``.)
"""

from __future__ import annotations

from pathlib import Path

import click
import typer
from typer.core import TyperGroup

from nenboard.case import read_case
from nenboard.errors import InputError
from nenboard.interface import (
    AS_OF_HELP,
    DISCLAIMER,
    Format,
    as_of_date,
    err_console,
    kb,
    write_output,
)

DEFAULT_COMMAND = "match"
HELP_FLAGS = ("--help", "-h")


class DefaultGroup(TyperGroup):
    """A group whose first argument, when not a subcommand, goes to ``match``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in HELP_FLAGS:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


trials_app = typer.Typer(
    cls=DefaultGroup,
    help="Clinical trials: match a case criterion by criterion (nenboard trials CASE), "
         "import ClinicalTrials.gov records, export CTML.",
    no_args_is_help=True,
)


@trials_app.command("match")
def match_cmd(
    case: Path = typer.Argument(..., help="case file (YAML or JSON; - reads standard input)",
                                show_default=False),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="output format"),
    status: list[str] | None = typer.Option(
        None, "--status", "-s",
        help="only trials with this status (repeatable or comma-separated): recruiting, "
             "not_yet_recruiting, active_not_recruiting, completed, ...; 'open' = recruiting "
             "or not yet recruiting"),
    show_all: bool = typer.Option(False, "--all", help="also list the ineligible trials, "
                                  "with the reason (default: their count)"),
    detail: bool = typer.Option(False, "--detail", "--details",
                                help="criterion by criterion for every listed trial"),
    out: Path | None = typer.Option(None, "-o", "--output", help="write to a file"),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
) -> None:
    """Which trials fit this case? Each criterion met / not met / unknown, ranked."""
    from nenboard.interface import check_output, dumps, emit
    from nenboard.trials.match import match_report, normalise_status

    wanted = normalise_status(status)  # validate before reading anything
    check_output(out)
    day = as_of_date(as_of)
    base = kb()
    report = match_report(read_case(case, base), base, wanted, day)
    if fmt is Format.json:
        from nenboard.knowledge.dates import evidence_stamp

        data = report.to_json()
        data["evidence"] = evidence_stamp(base, day)
        data["disclaimer"] = DISCLAIMER
        write_output(dumps(data), out)
        return
    from nenboard.trials.render import matches_doc, matches_tsv

    if fmt is Format.tsv:
        emit(matches_tsv(report, show_all=show_all), fmt, out)
        return
    doc = matches_doc(report, title=str(case), show_all=show_all, detail=detail)
    doc.heading(DISCLAIMER, style="dim")
    emit(doc, fmt, out, as_of=day)


@trials_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="ClinicalTrials.gov API v2 study JSON (one study or "
                                "a search page)", show_default=False),
    out: Path | None = typer.Option(None, "-o", "--output", help="write the YAML records here"),
) -> None:
    """Draft knowledge-base trial records from ClinicalTrials.gov JSON (offline, uncurated)."""
    from nenboard.interface import check_output
    from nenboard.trials.import_ctgov import dump_trials, import_file

    check_output(out)
    result = import_file(file, kb())
    for note in result.warnings:
        err_console.print(f"warning: {note}", markup=False)
    write_output(dump_trials(result.trials), out)
    err_console.print(f"imported {len(result.trials)} trial(s) as uncurated drafts; a curator "
                      "must structure their eligibility criteria")


@trials_app.command("export")
def export_cmd(
    ctml: bool = typer.Option(False, "--ctml", help="write CTML (MatchMiner's trial format)"),
    out: Path | None = typer.Option(
        None, "-o", "--output",
        help="a directory (one <protocol_no>.yaml per trial) or a .yaml file (all trials as "
             "YAML documents); default: standard output"),
    trial: list[str] | None = typer.Option(None, "--trial", "-t",
                                           help="only these trial ids or NCT numbers"),
) -> None:
    """Export the knowledge base's trials for other matchers."""
    from nenboard.trials.ctml import export_ctml, write_ctml

    if not ctml:
        raise InputError.single("--ctml", "choose an export format; supported: --ctml")
    docs = export_ctml(kb(), trial or None)
    if out is not None and (out.is_dir() or out.suffix.lower() not in (".yaml", ".yml")):
        from nenboard.interface import check_output

        check_output(out, directory=True)
        paths = write_ctml(docs, out)
        err_console.print(f"wrote {len(paths)} CTML file(s) to {out}")
        return
    from nenboard.trials.ctml import dumps_ctml

    write_output(dumps_ctml(docs), out)


def register(app: typer.Typer) -> None:
    """Add `nenboard trials` to the main application."""
    app.add_typer(trials_app, name="trials")
