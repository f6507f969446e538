"""Which knowledge is newer than the three seed reviews, and when each statement was made.

The reviews are the primary sources; a fact from a source published after the newest
review is marked "published after the source reviews" wherever it is shown, so that a
board knows which statements the reviews could not have made. Dates are ISO strings of
varying precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``). They are compared
conservatively: a source counts as later only if its earliest possible day falls after
the latest possible day of the newest review.
"""

from __future__ import annotations

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Source
from nenboard.memo import per_kb


def source_date(src: Source) -> str | None:
    """The date of the statement a source makes: publication, decision date, else the year."""
    published = getattr(src, "published", None)
    if published:
        return str(published)
    if src.label_date:
        return src.label_date
    return str(src.year) if src.year else None


def _earliest(date: str) -> str:
    return (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]


def _latest(date: str) -> str:
    return (date + "-12-31")[:10] if len(date) == 4 else (date + "-31")[:10]


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
    date = source_date(src)
    return date is not None and _earliest(date) > cutoff


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
