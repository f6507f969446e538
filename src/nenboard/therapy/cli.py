"""`nenboard plan CASE [--format table|json|tsv] [--detail]`."""

from __future__ import annotations

from pathlib import Path

import typer

from nenboard.interface import AS_OF_HELP, Format, as_of_date, emit, kb, load_case, print_json, stamped


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        case: Path = typer.Argument(..., help="case file (YAML or JSON; - reads standard "
                                    "input)", show_default=False),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="output format"),
        detail: bool = typer.Option(False, "--detail", help="every option with its evidence, "
                                    "cautions and sources; every exclusion; full resistance "
                                    "analysis (default: one-screen summary)"),
        as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    ) -> None:
        """Therapy options for this line with evidence, exclusions and resistance."""
        from nenboard.therapy import plan
        from nenboard.therapy.render import plan_doc, plan_tables

        day = as_of_date(as_of)
        result = plan(load_case(case), kb(), as_of=day)
        if fmt is Format.json:
            print_json(stamped(result, day))
        elif fmt is Format.tsv:
            emit(plan_tables(result), fmt)
        else:
            emit(plan_doc(result, title=str(case), detail=detail), fmt, as_of=day)
