"""Mark options whose evidence was published after the source reviews.

Outcomes of a trial cohort the case does not belong to come after the case's own cohort.
An option lists the later publications behind it (its rule's citations and the
outcomes of its evidence trials) with their dates, and, where a later source changed
what a review said about an evidence trial (a trial listed as recruiting has reported),
both statements with their dates. A pure function of the option and the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nenboard.knowledge.compile import check_of
from nenboard.knowledge.conditions import Truth
from nenboard.knowledge.dates import citation_date
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.post_review import is_post_review, source_date, source_label
from nenboard.knowledge.schema import Citation, Trial
from nenboard.therapy.model import Benefit, DatedSource, DatedStatement, EvidenceUpdate, Option


def _trials(option: Option, kb: KnowledgeBase) -> list[Trial]:
    return [kb.trials[e.trial] for e in option.evidence if e.trial in kb.trials]


def _citations(option: Option, trials: list[Trial]) -> Iterable[Citation]:
    yield from option.citations
    for t in trials:
        for o in t.outcomes:
            yield from o.citations
        yield from t.citations


def _statement(c: Citation, text: str, kb: KnowledgeBase) -> DatedStatement:
    return DatedStatement(source=c.source, date=citation_date(c, kb), statement=text,
                          locator=c.locator, quote=c.quote, url=c.url)


def _updates(trials: list[Trial], kb: KnowledgeBase) -> list[EvidenceUpdate]:
    out = []
    for t in trials:
        for u in t.updates:
            out.append(EvidenceUpdate(
                trial=t.id, status=u.status,
                earlier=_statement(u.earlier_citation, u.earlier, kb),
                later=_statement(u.citations[0], u.later, kb),
                later_sources=list(dict.fromkeys(c.source for c in u.citations))))
    return out


def _note(u: EvidenceUpdate, kb: KnowledgeBase) -> str:
    trial = kb.trials[u.trial].name if u.trial in kb.trials else u.trial
    e, later = u.earlier, u.later
    said = f"'{e.quote}'" if e.quote else e.statement
    return (f"{trial}: {e.source} ({e.date}, {e.locator}) {e.statement}: {said}; "
            f"since then ({', '.join(f'{s} {source_date(kb.sources[s])}' for s in u.later_sources)}):"
            f" {later.statement}")


def _in_cohort_first(option: Option, trials: list[Trial],
                     facts: Mapping[str, Any] | None) -> list[Benefit]:
    """Outcomes of arms whose cohort the case is not in (e.g. the other CABINET cohort) last."""
    if facts is None:
        return option.benefit
    other = {(t.id, a.name) for t in trials for a in t.arms
             if a.cohort is not None and check_of(a.cohort).test(facts) is Truth.NOT_MET}
    if not other:
        return option.benefit
    return sorted(option.benefit, key=lambda b: (b.trial, b.arm) in other)


def annotate(option: Option, kb: KnowledgeBase,
             facts: Mapping[str, Any] | None = None) -> Option:
    """The option with ``after_reviews``, ``updates`` and their notes filled in."""
    trials = _trials(option, kb)
    benefit = _in_cohort_first(option, trials, facts)
    if benefit is not option.benefit:
        option = option.model_copy(update={"benefit": benefit})
    later = list(dict.fromkeys(c.source for c in _citations(option, trials)
                               if is_post_review(c.source, kb)))
    updates = _updates(trials, kb)
    if not later and not updates:
        return option
    urls = {c.source: c.url for c in _citations(option, trials) if c.url}
    dated = [DatedSource(source=s, date=source_date(kb.sources[s]), label=source_label(s, kb),
                         url=urls.get(s) or kb.sources[s].url) for s in later]
    notes = []
    if dated:
        notes.append("evidence published after the source reviews: "
                     + "; ".join(f"{d.label}" for d in dated))
    notes += [_note(u, kb) for u in updates]
    return option.model_copy(update={"after_reviews": dated, "updates": updates,
                                     "notes": [*option.notes, *notes]})
