"""Terminal rendering of trial matches; no clinical logic.

By default the trials that may fit (eligible, possibly eligible) one row each, with
counts of the rest; `--all` lists the ineligible ones too, with why; `--detail` adds
criterion by criterion for every listed trial that may fit.
"""

from __future__ import annotations

from nenboard.knowledge.conditions import Truth
from nenboard.layout import Doc
from nenboard.trials.model import MatchReport, TrialMatch

MARK = {Truth.MET: "met", Truth.NOT_MET: "not met", Truth.UNKNOWN: "unknown"}
ID_WIDTH = 14  # ids up to this length share the trial column (NCT numbers are 11)
GROUPS = (("eligible", "ELIGIBLE", "bold green"),
          ("possibly_eligible", "POSSIBLY ELIGIBLE", "bold yellow"),
          ("ineligible", "INELIGIBLE", "bold red"))


def _word(value: str | None) -> str:
    return (value or "-").replace("_", " ")


def _standing(m: TrialMatch) -> str:
    """The status column: the status if enrolling, else 'to verify' or 'evidence'."""
    return {"enrolling": _word(m.trial.status), "to_verify": "to verify"}.get(m.enrolment,
                                                                             "evidence")


def _criteria(doc: Doc, m: TrialMatch) -> None:
    doc.para(f"{m.trial.name} ({m.nct or m.trial.id}): {_word(m.eligibility)}", style="bold")
    for r in m.criteria:
        facts = ", ".join(f"{k} {'?' if v is None else v}" for k, v in r.used.items())
        doc.para(f"{MARK[r.truth]}: {r.text}" + (f" [{facts}]" if facts else ""), indent=2,
                 hang=4)


def matches_doc(report: MatchReport, title: str = "", show_all: bool = False,
                detail: bool = False) -> Doc:
    """The trials that may fit, one row each; counts (or, with show_all, rows) of the rest."""
    s = report.summary
    doc = Doc()
    doc.para(f"Trials{': ' + title if title else ''}", style="bold")
    head = (f"{s.get('eligible', 0)} eligible, {s.get('possibly_eligible', 0)} possibly "
            f"eligible, {s.get('ineligible', 0)} ineligible")
    if report.status_filter:
        head += f" (status: {', '.join(_word(x) for x in report.status_filter)})"
    if not show_all and s.get("ineligible", 0):
        head += " (not listed; --all lists them with the reason)"
    doc.para(head, indent=2)
    for key, label, style in GROUPS:
        rows = [m for m in report.matches if m.eligibility == key]
        if not rows or (key == "ineligible" and not show_all):
            continue
        doc.heading(f"{label} ({len(rows)})", style=style)
        table = doc.table(["trial", "phase", "status", "name"], nowrap={0})
        for m in rows:
            ident = m.nct or m.trial.id
            short = len(ident) <= ID_WIDTH
            table.add(ident if short else "-", m.trial.phase or "-", _standing(m), m.trial.name)
            if not short:  # a long id gets its own line: never truncated, column stays narrow
                table.add("", "", "", f"id: {ident}")
            table.add("", "", "", f"status: {m.status_label}")  # whose statement, how old
            if key != "eligible":  # eligible = every criterion met; the others say why
                table.add("", "", "", f"why: {m.explanation}")
    if detail:
        doc.heading("CRITERION BY CRITERION", style="bold")
        for m in report.matches:
            if m.eligibility != "ineligible" or show_all:
                doc.para("")
                _criteria(doc, m)
    return doc


def matches_tsv(report: MatchReport, show_all: bool = False) -> Doc:
    """`--format tsv`: one row per listed trial, ranked."""
    doc = Doc()
    table = doc.table(["rank", "nct", "trial", "name", "phase", "status", "eligibility", "met",
                       "not_met", "unknown", "why", "enrolment", "status_as_stated"])
    for i, m in enumerate(report.matches, 1):
        if m.eligibility != "ineligible" or show_all:
            table.add(i, m.nct, m.trial.id, m.trial.name, m.trial.phase, m.trial.status,
                      m.eligibility, m.met, m.not_met, m.unknown, m.explanation, m.enrolment,
                      m.status_label)
    return doc
