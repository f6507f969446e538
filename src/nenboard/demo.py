"""`nenboard demo`: evaluate the bundled example cases and write their HTML reports."""

from __future__ import annotations

from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from nenboard.case import read_case
from nenboard.interface import DISCLAIMER, Format, emit, err_console, kb
from nenboard.knowledge import KnowledgeBase
from nenboard.layout import Doc, Table

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
    base = kb()
    out.mkdir(parents=True, exist_ok=True)
    doc = Doc()
    doc.para(f"nenboard demo: {len(example_paths())} example cases", style="bold")
    table = doc.table(["case", "WHO 2019", "standard / alternative options", "ESCAT",
                       "trials*"])
    with Progress(TextColumn("evaluating examples"), BarColumn(), MofNCompleteColumn(),
                  console=err_console, transient=True,
                  disable=not err_console.is_terminal) as bar:
        task = bar.add_task("examples", total=len(example_paths()))
        for path in example_paths():
            _one(path, out, base, table)
            bar.advance(task)
    doc.para("* eligible or possibly eligible trials not reported as closed")
    doc.para(f"HTML reports written to {out.resolve()} (knowledge base {base.version}).")
    doc.para(DISCLAIMER)
    emit(doc, Format.table)


def _one(path: Path, out: Path, base: KnowledgeBase, table: Table) -> None:
    """Evaluate one example, write its HTML report, add its row to the summary."""
    from nenboard.board import evaluate
    from nenboard.report.html import render_html

    report = evaluate(read_case(path, base), base, pathway=True)
    (out / f"{path.stem}.html").write_text(render_html(report, base), encoding="utf-8")
    firm = [o.name.split(" (")[0].split(",")[0] for o in report.options
            if o.category in ("standard", "alternative")]
    tiers = sorted({a.tier for a in report.alterations if a.tier and a.tier != "X"})
    table.add(path.stem, report.classification.who_label,
              "; ".join(firm[:4]) + (" ..." if len(firm) > 4 else "") or "-",
              ", ".join(tiers) or "-", str(len(report.trials)))
