"""The board summary: what a tumor board reads first, on one A4 page.

`summarise(report, previous=None)` is a pure function of a finished Report
(and optionally the previous Report of the same case): it selects and words
what is already there; it adds no clinical content. Every line points to a
section of the report that holds the details and the citations.
"""

from __future__ import annotations

from typing import Any

from nenboard.report.model import (
    BoardSummary,
    Change,
    Report,
    SummaryOption,
    SummaryTest,
    SummaryTrial,
)
from nenboard.report.wording import patient_line

LISTED = ("standard", "alternative", "investigational")  # trial-category options: see trials
MAX_OPTIONS = 10
MAX_TESTS = 6
MAX_TRIALS = 5


def _level(o: Any) -> str | None:
    extra = o.model_extra or {}
    if extra.get("esmo_level"):
        return f"ESMO {extra['esmo_level']}"
    if extra.get("escat_tier") or extra.get("tier"):
        return f"ESCAT {extra.get('escat_tier') or extra.get('tier')}"
    return None


def _applying_cautions(o: Any) -> list[str]:
    out = []
    for c in (o.model_extra or {}).get("cautions") or []:
        if isinstance(c, dict) and c.get("status") == "applies":
            out.append(c.get("text", ""))
    return out


def _support(o: Any) -> str | None:
    from nenboard.report.evidence import headline, headline_text

    best = headline(o.comparisons)
    return headline_text(best) if best else None


def _tests(report: Report) -> list[SummaryTest]:
    """Facts to complete first (they change the plan), then what resistance says to test."""
    tests: dict[str, SummaryTest] = {}
    for item in report.to_complete:
        if isinstance(item, dict):
            name = item.get("item") or ", ".join(item.get("facts", []))
            affects = item.get("affects") or []
            why = ("decides " + ", ".join(affects)) if affects else None
        else:
            name, why = str(item), None
        if name and name.lower() not in tests:
            tests[name.lower()] = SummaryTest(test=name, why=why)
    several = len(report.resistance) > 1
    for r in report.resistance:
        for t in (r.model_extra or {}).get("tests") or []:
            if t.lower() not in tests:
                label = (r.model_extra or {}).get("name") or r.therapy
                tests[t.lower()] = SummaryTest(test=t, why=f"after {label}" if several else
                                               "resistance work-up")
    return list(tests.values())


def _trials(report: Report) -> list[SummaryTrial]:
    order = {"eligible": 0, "possibly_eligible": 1}
    standing = {"enrolling": 0, "to_verify": 1}  # trials a patient can join now come first
    listed = sorted(report.trials, key=lambda t: (
        standing.get((t.model_extra or {}).get("enrolment"), 2),
        order.get((t.model_extra or {}).get("eligibility"), 2)))
    out = []
    for t in listed:
        extra = t.model_extra or {}
        out.append(SummaryTrial(
            trial=extra.get("trial"), name=extra.get("name") or extra.get("trial") or t.nct or "?",
            nct=t.nct, phase=extra.get("phase"), eligibility=extra.get("eligibility"),
            status=t.status_label,
            to_check=[c.criterion for c in t.criteria if c.result == "unknown"]))
    return out


def _line(report: Report) -> str | None:
    lines = [str(o.line) for o in report.options if o.category in LISTED and o.line
             and str(o.line) != "any"]
    return max(set(lines), key=lines.count) if lines else None


def summarise(report: Report, previous: Report | None = None) -> BoardSummary:
    """The board summary of ``report``; with ``previous``, what changed since then."""
    listed = [o for o in report.options if o.category in LISTED]
    options = [SummaryOption(therapy=o.therapy, name=o.name, category=o.category,
                             line=str(o.line) if o.line is not None else None, level=_level(o),
                             support=_support(o), cautions=_applying_cautions(o))
               for o in listed[:MAX_OPTIONS]]
    more: dict[str, int] = {}
    for o in [o for o in report.options if o.category not in LISTED] + listed[MAX_OPTIONS:]:
        more[o.category] = more.get(o.category, 0) + 1
    warnings = [w.message for w in report.classification.warnings]
    warnings += [f.message for f in report.classification.flags
                 if getattr(f, "severity", "info") not in ("info",)]
    trials = _trials(report)
    tests = _tests(report)
    summary = BoardSummary(
        patient=patient_line(report.case_facts) if report.case_facts else (report.case_id or ""),
        who_label=report.classification.who_label, warnings=warnings, line=_line(report),
        options=options, more_options=more, tests=tests[:MAX_TESTS], trials=trials[:MAX_TRIALS],
        more_trials=max(0, len(trials) - MAX_TRIALS))
    if previous is not None:
        summary.changes = changes(previous, report)
        summary.previous = {"generated_at": previous.generated_at,
                            "content_hash": previous.content_hash}
    return summary


def _names(items: dict[str, str], other: dict[str, str]) -> list[str]:
    return [items[k] for k in items if k not in other]


def changes(before: Report, after: Report) -> list[Change]:
    """What changed between two reports of the same case, in words."""
    out: list[Change] = []
    if before.classification.who_label != after.classification.who_label:
        out.append(Change(kind="changed", what="classification",
                          text=f"{before.classification.who_label} -> "
                               f"{after.classification.who_label}"))
    facts_b = {f.key: f for f in before.case_facts}
    for f in after.case_facts:
        old = facts_b.get(f.key)
        if old is None and before.case_facts:
            out.append(Change(kind="added", what="fact", text=f"{f.label}: {f.text}"))
        elif old is not None and old.text != f.text:
            out.append(Change(kind="changed", what="fact", text=f"{f.label}: {old.text} -> {f.text}"))
    if not before.case_facts and before.input_hash != after.input_hash:
        out.append(Change(kind="changed", what="fact", text="the case facts changed"))
    opt_b = {o.therapy: o for o in before.options}
    opt_a = {o.therapy: o for o in after.options}
    for t, o in opt_a.items():
        if t not in opt_b:
            out.append(Change(kind="added", what="option", text=f"{o.name} ({o.category})"))
        elif opt_b[t].category != o.category:
            out.append(Change(kind="changed", what="option",
                              text=f"{o.name}: {opt_b[t].category} -> {o.category}"))
    for t, o in opt_b.items():
        if t not in opt_a:
            out.append(Change(kind="removed", what="option", text=f"{o.name} ({o.category})"))
    tests_b = {t.test.lower(): t.test for t in _tests(before)}
    tests_a = {t.test.lower(): t.test for t in _tests(after)}
    out += [Change(kind="added", what="test", text=n) for n in _names(tests_a, tests_b)]
    out += [Change(kind="removed", what="test", text=n) for n in _names(tests_b, tests_a)]
    tr_b = {t.trial or t.name: f"{t.name} ({(t.eligibility or '').replace('_', ' ')})"
            for t in _trials(before)}
    tr_a = {t.trial or t.name: f"{t.name} ({(t.eligibility or '').replace('_', ' ')})"
            for t in _trials(after)}
    out += [Change(kind="added", what="trial", text=n) for n in _names(tr_a, tr_b)]
    out += [Change(kind="removed", what="trial", text=n) for n in _names(tr_b, tr_a)]
    for k in tr_a.keys() & tr_b.keys():
        if tr_a[k] != tr_b[k]:
            out.append(Change(kind="changed", what="trial", text=f"{tr_b[k]} -> {tr_a[k]}"))
    if before.kb_version != after.kb_version:
        out.append(Change(kind="changed", what="knowledge base",
                          text=f"{before.kb_version} -> {after.kb_version}"))
    return out


def with_summary(report: Report, previous: Report | None = None) -> Report:
    """The report with its board summary (re)computed, e.g. against a previous report."""
    return report.model_copy(update={"summary": summarise(report, previous)})


def summary_text(s: BoardSummary, width: int = 80) -> str:
    """The board summary as plain text for a terminal, wrapped at ``width`` on word boundaries."""
    import textwrap

    def wrap(text: str, first: str = "", rest: str = "  ") -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False) or [first.rstrip()]

    out = ["BOARD SUMMARY", *wrap(s.patient), *wrap(f"WHO 2019: {s.who_label}")]
    out += [ln for w in s.warnings for ln in wrap(w, "  ! ", "    ")]
    head = "Options" + (f" (line {s.line})" if s.line else "")
    out += ["", head + ":"]
    if not s.options:
        out.append("  none derived from the facts given; see the tests to order")
    for o in s.options:
        bits = f"{o.category}" + (f", {o.level}" if o.level else "")
        out += wrap(f"{o.name} [{bits}]", "- ", "  ")
        if o.support:
            out += wrap(o.support, "    ", "    ")
        out += [ln for c in o.cautions for ln in wrap(f"caution: {c}", "    ! ", "      ")]
    if s.more_options:
        out += wrap("also: " + ", ".join(f"{n} {k} option{'s' if n > 1 else ''}"
                                         for k, n in s.more_options.items())
                    + " (see the report)", "  ", "  ")
    if s.tests:
        out += ["", "Tests to order:"]
        out += [ln for t in s.tests
                for ln in wrap(t.test + (f" ({t.why})" if t.why else ""), "- ", "  ")]
    out += ["", "Trials to consider:"]
    if not s.trials:
        out.append("  none eligible or possibly eligible and open")
    for t in s.trials:
        tag = ", ".join(x for x in (t.nct, f"phase {t.phase}" if t.phase else None,
                                    (t.eligibility or "").replace("_", " ")) if x)
        out += wrap(f"{t.name} [{tag}]", "- ", "  ")
        if t.status:
            out += wrap(t.status, "    ", "    ")
        if t.to_check:
            out += wrap("to check: " + "; ".join(t.to_check), "    ", "    ")
    if s.more_trials:
        out.append(f"  and {s.more_trials} more (nenboard trials CASE)")
    if s.changes is not None:
        out += ["", "Since the previous report"
                + (f" ({s.previous['generated_at']})" if s.previous else "") + ":"]
        out += [ln for c in s.changes[:12]
                for ln in wrap(f"{c.kind} {c.what}: {c.text}", "- ", "  ")]
        if len(s.changes) > 12:
            out.append(f"  and {len(s.changes) - 12} more changes (see the JSON report)")
        if not s.changes:
            out.append("  nothing changed")
    return "\n".join(out)
