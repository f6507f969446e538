"""`nenboard plan CASE [--format table|json]`."""

from __future__ import annotations

from pathlib import Path

import typer

from nenboard.interface import Format, console, kb, load_case, print_json


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        case: Path = typer.Argument(..., help="case file (YAML or JSON)", show_default=False),
        fmt: Format = typer.Option(Format.table, "--format", "-f", help="output format"),
    ) -> None:
        """Therapy options per line with evidence, exclusions, safety gates and resistance."""
        from nenboard.therapy import plan
        from nenboard.therapy.render import plan_renderable

        result = plan(load_case(case), kb())
        if fmt is Format.json:
            print_json(result)
        else:
            console.print(plan_renderable(result, title=str(case)))
