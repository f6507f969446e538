"""Readable Rich rendering of a Plan: options grouped by category, evidence under each."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nenboard.therapy.model import CATEGORY_ORDER, Plan

STYLE = {"standard": "green", "alternative": "cyan", "trial": "magenta",
         "investigational": "yellow"}
STATUS = {"applies": "[red]![/red]", "unknown": "[yellow]?[/yellow]", "check": "-"}


def _options_table(plan: Plan, category: str) -> Table | None:
    rows = [o for o in plan.options if o.category == category]
    if not rows:
        return None
    table = Table(title=f"{category.upper()} ({len(rows)})", title_style=STYLE[category],
                  show_lines=True, expand=True)
    table.add_column("option", ratio=3)
    table.add_column("line", width=4)
    table.add_column("ESMO", width=4)
    table.add_column("why, evidence, cautions", ratio=7)
    for o in rows:
        body = Text()
        body.append("; ".join(o.rationale) + "\n")
        for e in o.evidence:
            body.append(f"  evidence: {e.summary}\n", style="dim")
        if o.escat_tier:
            body.append(f"  ESCAT tier {o.escat_tier}\n")
        for p in o.prerequisites:
            body.append(f"  before: {p}\n")
        for c in o.cautions:
            if c.status != "check" or c.facts:
                shown = ", ".join(f"{k}={v}" for k, v in c.facts.items())
                body.append_text(Text.from_markup(f"  {STATUS[c.status]} caution: "))
                body.append(c.text + (f" [{shown}]" if shown else "") + "\n")
        for n in o.notes:
            body.append(f"  note: {n}\n", style="italic")
        body.append("  " + "; ".join(dict.fromkeys(c.label() for c in o.citations)), style="dim")
        table.add_row(Text(o.name, style="bold"), o.line, o.esmo_level or "-", body)
    return table


def plan_renderable(plan: Plan, title: str = "") -> Group:
    parts: list = []
    head = ", ".join(f"{k}={v}" for k, v in plan.summary.items())
    parts.append(Panel(head or "no case facts", title=f"therapy plan {title}".strip(),
                       subtitle=f"knowledge base {plan.kb_version}"))
    for category in CATEGORY_ORDER:
        table = _options_table(plan, category)
        if table is not None:
            parts.append(table)
    if not plan.options:
        parts.append(Text("No option can be offered from the facts given.", style="bold red"))
    if plan.excluded:
        table = Table(title=f"NOT OFFERED ({len(plan.excluded)})", expand=True)
        table.add_column("option", ratio=3)
        table.add_column("reason", ratio=7)
        for e in plan.excluded:
            table.add_row(e.name, e.reason)
        parts.append(table)
    if plan.to_complete:
        table = Table(title="TO COMPLETE (would change the plan)", expand=True)
        table.add_column("missing", ratio=5)
        table.add_column("decides", ratio=5)
        for t in plan.to_complete:
            table.add_row(t.item, "; ".join(t.affects))
        parts.append(table)
    for r in plan.resistance:
        lines = [f"[bold]{r.name}[/bold]: {r.kind} resistance - {r.basis}"]
        if r.progression_type:
            lines.append(f"progression: {r.progression_type}")
        for m in r.mechanisms:
            lines.append(f"mechanism: {m.name} ({m.kind}; evidence {', '.join(m.evidence_types)})")
        for t in r.tests:
            lines.append(f"test now: {t}")
        for s in r.strategies:
            lines.append(f"strategy: {s.description}")
        parts.append(Panel("\n".join(lines), title="resistance", border_style="red"))
    parts.append(Text(plan.disclaimer, style="italic"))
    return Group(*parts)
