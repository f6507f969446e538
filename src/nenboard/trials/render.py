"""Terminal rendering of trial matches (rich); no clinical logic."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from nenboard.knowledge.conditions import Truth
from nenboard.trials.model import MatchReport, TrialMatch

MARK = {Truth.MET: ("met", "green"), Truth.NOT_MET: ("not met", "red"),
        Truth.UNKNOWN: ("unknown", "yellow")}
STYLE = {"eligible": "bold green", "possibly_eligible": "yellow", "ineligible": "red"}


def _criteria_table(m: TrialMatch) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column("result", no_wrap=True)
    table.add_column("criterion")
    table.add_column("case facts")
    for r in m.criteria:
        word, colour = MARK[r.truth]
        facts = ", ".join(f"{k}={'?' if v is None else v}" for k, v in r.used.items())
        table.add_row(Text(word, style=colour), r.text, facts)
    return table


def matches_view(report: MatchReport, title: str = "", details: bool = True) -> Group:
    """A ranked summary table, then criterion-by-criterion for every trial that may fit."""
    s = report.summary
    head = (f"{title + ': ' if title else ''}{s.get('eligible', 0)} eligible, "
            f"{s.get('possibly_eligible', 0)} possibly eligible, "
            f"{s.get('ineligible', 0)} ineligible")
    if report.status_filter:
        head += f" (status: {', '.join(report.status_filter)})"
    summary = Table(title=head, title_justify="left", show_lines=False)
    summary.add_column("#", justify="right", no_wrap=True)
    summary.add_column("trial", ratio=3, min_width=16)
    summary.add_column("NCT", no_wrap=True)
    summary.add_column("phase", no_wrap=True)
    summary.add_column("status", ratio=1)
    summary.add_column("eligibility", ratio=1)
    summary.add_column("why", ratio=3, min_width=16)
    for i, m in enumerate(report.matches, 1):
        summary.add_row(str(i), m.trial.name, m.nct or "-",
                        m.trial.phase or "-", m.trial.status.replace("_", " "),
                        Text(m.eligibility.replace("_", " "), style=STYLE[m.eligibility]),
                        m.explanation)
    parts: list = [summary]
    if details:
        for m in report.matches:
            if m.eligibility == "ineligible":
                continue
            parts.append(Text(f"\n{m.trial.name} ({m.nct or m.trial.id}) - "
                              f"{m.eligibility.replace('_', ' ')}", style=STYLE[m.eligibility]))
            parts.append(_criteria_table(m))
    return Group(*parts)
