"""`nenboard demo`: run every engine that exists on the bundled example cases."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from nenboard.case import read_case
from nenboard.interface import DISCLAIMER, console, kb

EXAMPLES = Path(__file__).resolve().parent / "examples"


def example_paths() -> list[Path]:
    """Bundled examples: the package copy, or the repository's examples/cases."""
    for folder in (EXAMPLES, Path(__file__).resolve().parents[2] / "examples" / "cases"):
        found = sorted(folder.glob("*.yaml"))
        if found:
            return found
    return []


def run_demo(out: Path) -> None:
    from nenboard.pathology import classify

    base = kb()
    table = Table("case", "WHO 2019", "OncoTree", "warnings", title="nenboard demo")
    for path in example_paths():
        case = read_case(path, base)
        c = classify(case, base)
        table.add_row(path.stem, c.who_label, c.oncotree or "-",
                      ", ".join(w.code for w in c.warnings) or "-")
    console.print(table)
    console.print(f"knowledge base {base.version}; {DISCLAIMER}")
