"""Terminal rendering of a classification (word-wrapped at the terminal width)."""

from __future__ import annotations

from nenboard.layout import Doc
from nenboard.pathology.classify import Classification


def classification_doc(c: Classification, title: str = "", detail: bool = False) -> Doc:
    """WHO label, grades and rationale as a table; warnings, then (with detail) all flags."""
    doc = Doc()
    doc.para(f"Classification{': ' + title if title else ''}", style="bold")
    table = doc.table(["field", "value"], indent=2)
    for row in classification_rows(c):
        table.add(*row)
    if c.warnings:
        doc.heading(f"Warnings ({len(c.warnings)})", style="bold yellow")
    for flag in c.warnings:
        cites = "; ".join(x.label() for x in flag.citations[:2])
        doc.item(f"! [{flag.code}] {flag.message}" + (f" ({cites})" if cites else ""))
    if c.flags:
        doc.heading(f"Flags ({len(c.flags)})", style="bold")
    for flag in c.flags:
        cites = "; ".join(x.label() for x in flag.citations[: None if detail else 2])
        doc.item(f"[{flag.code}] {flag.message}" + (f" ({cites})" if cites else ""))
    return doc


def classification_rows(c: Classification) -> list[tuple[str, str]]:
    return [("WHO 2019", c.who_label),
            ("entity / grade", f"{c.entity or 'indeterminate'} / {c.grade or '-'}"),
            ("Ki-67 grade", c.ki67_grade or "not given"),
            ("mitotic grade", c.mitotic_grade or "not given"),
            ("OncoTree", c.oncotree or "-"),
            ("rationale", "; ".join(c.rationale))]


def classification_tsv(c: Classification) -> Doc:
    """`--format tsv`: the fields, then one row per warning or flag."""
    doc = Doc()
    table = doc.table(["field", "value"])
    for row in classification_rows(c):
        table.add(*row)
    flags = doc.table(["flag", "severity", "message", "citations"])
    for flag in [*c.warnings, *c.flags]:
        flags.add(flag.code, flag.severity, flag.message,
                  "; ".join(x.label() for x in flag.citations))
    return doc
