"""Which knowledge is newer than the three seed reviews, and when each statement was made.

The reviews are the primary sources; a fact from a source published after the newest
review is marked "published after the source reviews" wherever it is shown, so that a
board knows which statements the reviews could not have made. Dates are ISO strings of
varying precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``). They are compared
conservatively: a source counts as later only if its earliest possible day falls after
the latest possible day of the newest review.
"""

from __future__ import annotations

import datetime as dt

from nenboard.knowledge.dates import add_months, earliest
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Source
from nenboard.memo import per_kb


def source_date(src: Source) -> str:
    """The date of the statement a source makes: its publication (or decision) date."""
    return src.published


def _earliest(date: str) -> str:
    return earliest(date).isoformat()


def _latest(date: str) -> str:
    """The last day a partial date can mean: '2023' -> 2023-12-31 (a conservative cutoff)."""
    if len(date) == 4:
        return f"{date}-12-31"
    if len(date) == 7:
        return (add_months(earliest(date), 1) - dt.timedelta(days=1)).isoformat()
    return date


@per_kb
def review_cutoff(kb: KnowledgeBase) -> str | None:
    """The latest possible publication day of the newest review (kind ``review``)."""
    dates = [d for s in kb.sources.values() if s.kind == "review" and (d := source_date(s))]
    return max((_latest(d) for d in dates), default=None)


def is_post_review(source_id: str, kb: KnowledgeBase) -> bool:
    src = kb.sources.get(source_id)
    cutoff = review_cutoff(kb)
    if src is None or src.kind == "review" or cutoff is None:
        return False
    return _earliest(source_date(src)) > cutoff


def source_label(source_id: str, kb: KnowledgeBase) -> str:
    """'Chan JA, ... N Engl J Med 2024 ..., published 2024-09-16, PMID 39282913'."""
    src = kb.sources.get(source_id)
    if src is None:
        return source_id
    authors = src.authors.split(",")
    who = authors[0] + (" et al." if src.kind == "article" and len(authors) > 1 else "")
    parts = [f"{who}: {src.title}" if src.kind != "article" else f"{who} {src.title}"]
    if src.journal:
        parts.append(src.journal)
    date = source_date(src)
    if date:
        parts.append(f"published {date}")
    if src.pmid:
        parts.append(f"PMID {src.pmid}")
    if src.doi:
        parts.append(f"doi:{src.doi}")
    return ", ".join(parts)
