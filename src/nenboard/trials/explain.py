"""One line per trial saying why it fits or fails (no clinical logic: only results)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nenboard.knowledge.conditions import Truth

if TYPE_CHECKING:
    from nenboard.trials.model import CriterionResult, TrialMatch

MAX_LISTED = 3


def _value(v: Any) -> str:
    if isinstance(v, list):
        return ("[" + ", ".join(map(str, v)) + "]") if v else "none"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _failed(r: CriterionResult) -> str:
    shown = ", ".join(f"{k} = {_value(v)}" for k, v in r.used.items() if v is not None)
    return f"{r.text} ({shown})" if shown else r.text


def _listing(items: list[str]) -> str:
    more = len(items) - MAX_LISTED
    return "; ".join(items[:MAX_LISTED]) + (f"; and {more} more" if more > 0 else "")


def explain(m: TrialMatch) -> str:
    """E.g. 'fails: SSTR-positive disease (sstr = negative)'."""
    total = len(m.criteria)
    if m.eligibility == "ineligible":
        line = "fails: " + _listing([_failed(r) for r in m.criteria if r.truth is Truth.NOT_MET])
    elif m.eligibility == "eligible":
        line = f"meets all {total} criteria"
    elif not m.structured:
        line = "criteria not yet structured; review the trial's eligibility text"
        if m.met:
            line += f" ({m.met} structured criteria met)"
    else:
        missing = list(dict.fromkeys(
            name for r in m.criteria if r.truth is Truth.UNKNOWN for name in r.missing))
        unknown = [r.text for r in m.criteria if r.truth is Truth.UNKNOWN]
        line = f"{m.met} of {total} criteria met; unknown: {_listing(unknown)}"
        if missing:
            line += f" (complete: {', '.join(missing)})"
    if m.eligibility != "ineligible" and m.enrolment == "evidence" and m.view is not None:
        line += f" [{m.view.reason}]"  # e.g. "completed: evidence, not enrolling"
    return line
