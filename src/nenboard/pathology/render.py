"""Rich rendering of a classification for the terminal."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nenboard.pathology.classify import Classification


def classification_panel(c: Classification, title: str = "Classification") -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("WHO 2019", Text(c.who_label, style="bold cyan"))
    grid.add_row("Entity / grade", f"{c.entity or 'indeterminate'} / {c.grade or '-'}")
    grid.add_row("Ki-67 grade", c.ki67_grade or "not given")
    grid.add_row("Mitotic grade", c.mitotic_grade or "not given")
    grid.add_row("OncoTree", c.oncotree or "-")
    grid.add_row("Rationale", "; ".join(c.rationale))
    parts: list = [grid]
    for flag in [*c.warnings, *c.flags]:
        style = "yellow" if flag.severity == "warning" else "dim"
        mark = "!" if flag.severity == "warning" else "i"
        cites = "; ".join(x.label() for x in flag.citations[:2])
        parts.append(Text(f"{mark} [{flag.code}] {flag.message}  ({cites})", style=style))
    return Panel(Group(*parts), title=title, expand=False)
