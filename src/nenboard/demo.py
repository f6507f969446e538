"""`nenboard demo`: evaluate the bundled example cases and write their HTML reports."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from nenboard.case import read_case
from nenboard.interface import DISCLAIMER, console, kb

PACKAGED = Path(__file__).resolve().parent / "examples"
REPOSITORY = Path(__file__).resolve().parents[2] / "examples" / "cases"


def example_paths() -> list[Path]:
    """Bundled examples: the wheel's copy, or the repository's examples/cases."""
    for folder in (PACKAGED, REPOSITORY):
        found = sorted(folder.glob("*.yaml"))
        if found:
            return found
    return []


def run_demo(out: Path) -> None:
    from nenboard.board import evaluate
    from nenboard.report.html import render_html

    base = kb()
    out.mkdir(parents=True, exist_ok=True)
    table = Table("case", "WHO 2019", "standard / alternative options", "ESCAT",
                  "trials*", title=f"nenboard demo: {len(example_paths())} example cases")
    for path in example_paths():
        report = evaluate(read_case(path, base), base, pathway=True)
        (out / f"{path.stem}.html").write_text(render_html(report, base), encoding="utf-8")
        firm = [o.name.split(" (")[0].split(",")[0] for o in report.options
                if o.category in ("standard", "alternative")]
        tiers = sorted({a.tier for a in report.alterations if a.tier and a.tier != "X"})
        shown = len(report.trials)
        table.add_row(path.stem, report.classification.who_label,
                      "; ".join(firm[:4]) + (" ..." if len(firm) > 4 else "") or "-",
                      ", ".join(tiers) or "-", str(shown))
    console.print(table)
    console.print("* eligible or possibly eligible trials not reported as closed")
    console.print(f"HTML reports written to [bold]{out.resolve()}[/bold] "
                  f"(knowledge base {base.version}).")
    console.print(DISCLAIMER)
