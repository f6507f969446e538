"""Match a case against every trial in the knowledge base, criterion by criterion.

Semantics (docs/trials.md):

* each structured criterion is a condition over case facts; it is ``met``,
  ``not_met`` or ``unknown`` (a fact the case does not state is never guessed);
* a trial is ``ineligible`` if any criterion is not met, ``eligible`` if every
  criterion is met, and ``possibly_eligible`` otherwise (unknowns only);
* a trial without structured criteria (``uncurated`` or no ``eligibility``) is
  never eligible: it gets a pseudo-criterion "criteria not yet structured"
  whose result is unknown, so it is possibly eligible (or ineligible if one of
  the few criteria it does have is not met);
* ranking (trials a patient may join first): trials that are not ineligible
  come first, ordered by enrolment standing on ``as_of`` (enrolling: an open
  status stated within 12 months; to verify: an older or unclear status;
  evidence: closed trials, retrospective cohorts, meta-analyses), then
  eligible before possibly eligible; ineligible trials follow in the same
  order. Within each, higher phase first, then status, then more criteria
  known, then trial id (deterministic). See `nenboard.knowledge.dates`.

The conditions of every trial are compiled once per knowledge base
(`compiled_kb`); identical conditions (``entity = NET`` recurs in dozens of
trials) share one compiled test, evaluated once per case.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from nenboard.case.model import Case
from nenboard.errors import InputError
from nenboard.facts import derive_facts
from nenboard.knowledge.compile import Compiled, compile_condition, facts_read
from nenboard.knowledge.conditions import Truth
from nenboard.knowledge.dates import STANDING_ORDER, StatusView, status_view
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Criterion, Trial, TrialStatus
from nenboard.memo import per_case, per_kb
from nenboard.trials.model import ELIGIBILITY_ORDER, MatchReport, TrialMatch

STATUSES: tuple[str, ...] = TrialStatus.__args__  # type: ignore[attr-defined]
# Ranking order of statuses: open first, then those that may reopen, then closed.
STATUS_RANK = {s: i for i, s in enumerate((
    "recruiting", "not_yet_recruiting", "ongoing", "active_not_recruiting", "suspended", "unknown",
    "completed", "terminated", "withdrawn"))}
OPEN_STATUSES = ("recruiting", "not_yet_recruiting")
STATUS_ALIASES = {"open": OPEN_STATUSES, "any": STATUSES, "all": STATUSES}

MET, NOT_MET, UNKNOWN = Truth.MET, Truth.NOT_MET, Truth.UNKNOWN


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    id: str
    text: str
    slot: int  # index of its condition in `CompiledKB.tests` (identical conditions share one)
    reads: tuple[str, ...]
    citations: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CompiledTrial:
    trial: Trial
    criteria: tuple[CompiledCriterion, ...]
    group: int  # index in `CompiledKB.groups`: trials testing the same conditions share one
    structured: bool
    order: int  # static rank: higher phase first, then recruiting before other statuses


@dataclass(frozen=True, slots=True)
class CompiledKB:
    """Every distinct eligibility condition compiled once, and the trials that use them.

    ``groups`` pick each distinct tuple of condition results once per case (85
    distinct tuples serve the 214 trials), so the per-trial work is a lookup.
    """

    tests: tuple[Compiled, ...]
    groups: tuple[Callable[[list[Truth]], tuple[Truth, ...]], ...]
    trials: tuple[CompiledTrial, ...]
    kb: KnowledgeBase
    views: dict[dt.date | None, tuple[tuple[StatusView, int], ...]] = field(default_factory=dict)

    def standings(self, as_of: dt.date | None) -> tuple[tuple[StatusView, int], ...]:
        """Each trial's status view on ``as_of`` and its standing rank (built once per date)."""
        built = self.views.get(as_of)
        if built is None:
            views = [status_view(ct.trial, self.kb, as_of) for ct in self.trials]
            built = tuple((v, STANDING_ORDER.index(v.standing)) for v in views)
            if len(self.views) > 32:
                self.views.clear()
            self.views[as_of] = built
        return built


def phase_rank(phase: str | None) -> float:
    """'3' -> 3, '2/3' -> 2.5, '1b' -> 1, 'II' -> 2, None or unparseable -> 0."""
    if not phase:
        return 0.0
    roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    nums = [float(roman.get(tok.lower(), tok)) for tok in
            re.findall(r"\d+|(?<![a-z])i{1,3}v?(?![a-z])", phase.lower())]
    return sum(nums) / len(nums) if nums else 0.0


def _picker(slots: tuple[int, ...]) -> Callable[[list[Truth]], tuple[Truth, ...]]:
    if not slots:
        return lambda values: ()
    if len(slots) == 1:
        only = slots[0]
        return lambda values: (values[only],)
    return itemgetter(*slots)  # type: ignore[return-value]


def default_criteria(trial: Trial, kb: KnowledgeBase) -> list[Criterion]:
    """The knowledge base's default criteria that apply to this structured trial."""
    if trial.uncurated or not trial.eligibility:
        return []
    tested = {f for c in trial.eligibility for f in facts_read(c.condition)}
    return [d.criterion for d in kb.eligibility_defaults.values()
            if trial.id not in d.except_trials and not tested & set(d.skip_if_tested)]


def compile_kb(kb: KnowledgeBase) -> CompiledKB:
    """Compile every trial's criteria; identical conditions are compiled and evaluated once."""
    slots: dict[str, int] = {}
    tests: list[Compiled] = []
    groups: dict[tuple[int, ...], int] = {}
    pending = []
    for trial in sorted(kb.trials.values(), key=lambda t: t.id):
        criteria = []
        for c in (*trial.eligibility, *default_criteria(trial, kb)):
            key = json.dumps(c.condition.model_dump(mode="json", by_alias=True,
                                                    exclude_none=True), sort_keys=True)
            if key not in slots:
                slots[key] = len(tests)
                tests.append(compile_condition(c.condition))
            criteria.append(CompiledCriterion(c.id, " ".join(c.text.split()), slots[key],
                                              facts_read(c.condition), tuple(c.citations)))
        group = groups.setdefault(tuple(c.slot for c in criteria), len(groups))
        static = (-phase_rank(trial.phase), STATUS_RANK.get(trial.status, len(STATUS_RANK)))
        pending.append((trial, tuple(criteria), group, static))
    order = {key: i for i, key in enumerate(sorted({p[3] for p in pending}))}
    trials = tuple(CompiledTrial(trial, criteria, group,
                                 structured=bool(criteria) and not trial.uncurated,
                                 order=order[static])
                   for trial, criteria, group, static in pending)
    return CompiledKB(tuple(tests), tuple(_picker(slots) for slots in groups), trials, kb)


compiled_kb = per_kb(compile_kb)  # `compile_kb`, built once per knowledge-base object


def compiled_trials(kb: KnowledgeBase) -> tuple[CompiledTrial, ...]:
    return compiled_kb(kb).trials


def normalise_status(status: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """``None`` = any status; a word or words from the schema's statuses (or open/any)."""
    if status is None:
        return None
    words = [status] if isinstance(status, str) else list(status)
    out: list[str] = []
    for raw in words:
        for word in str(raw).split(","):
            key = word.strip().lower().replace("-", "_").replace(" ", "_")
            if not key:
                continue
            if key in STATUS_ALIASES:
                out += STATUS_ALIASES[key]
            elif key in STATUSES:
                out.append(key)
            else:
                allowed = ", ".join((*STATUSES, *STATUS_ALIASES))
                raise InputError.single("--status", f"unknown trial status; allowed: {allowed}",
                                        word.strip())
    if not out:
        return None
    return tuple(dict.fromkeys(out))


_RANKED = tuple((ELIGIBILITY_ORDER.index(e), e)
                for e in ("eligible", "possibly_eligible", "ineligible"))
_ELIGIBLE, _POSSIBLE, _INELIGIBLE = _RANKED
_KNOWN_MAX = 10_000  # more criteria than any trial has: keeps the sort key's fields apart
_STANDINGS = len(STANDING_ORDER)
_GROUPS = len(_RANKED)


def match_facts(facts: Mapping[str, Any], kb: KnowledgeBase,
                status: str | Iterable[str] | None = None,
                as_of: dt.date | None = None) -> list[TrialMatch]:
    """Match already-derived case facts against every trial (the fast path).

    Each distinct condition is evaluated once, each distinct tuple of a trial's
    conditions is counted once, and each trial then looks its result up. The
    ranking key (ineligible last, enrolment standing on ``as_of``, eligibility,
    static phase/status order, more criteria known) is packed into one integer;
    ties keep the trial-id order (the sort is stable). ``as_of`` None: no
    status counts as current (the caller did not say what day it is).
    """
    wanted = normalise_status(status)
    compiled = compiled_kb(kb)
    standings = compiled.standings(as_of)
    values = [test(facts) for test in compiled.tests]
    counted = []
    for pick in compiled.groups:
        truths = pick(values)
        met, not_met = truths.count(MET), truths.count(NOT_MET)
        counted.append((truths, met, not_met, len(truths) - met - not_met))
    span = len(compiled.trials)
    keyed = []
    append = keyed.append
    for ct, (view, standing) in zip(compiled.trials, standings, strict=True):
        trial = ct.trial
        if wanted is not None and trial.status not in wanted:
            continue
        truths, met, not_met, unknown = counted[ct.group]
        structured = ct.structured
        if not structured:
            unknown += 1
        rank, eligibility = _INELIGIBLE if not_met else _POSSIBLE if unknown else _ELIGIBLE
        group = ((rank == _INELIGIBLE[0]) * _STANDINGS + standing) * _GROUPS + rank
        append(((group * span + ct.order) * _KNOWN_MAX + _KNOWN_MAX - met - not_met,
                TrialMatch(trial, eligibility, truths, ct.criteria, facts, structured,
                           met, not_met, unknown, view)))
    keyed.sort(key=itemgetter(0))
    return [m for _, m in keyed]


def match_trials(case: Case, kb: KnowledgeBase, status: str | Iterable[str] | None = None,
                 as_of: dt.date | None = None) -> list[TrialMatch]:
    """Every trial (optionally only those with ``status``) matched against ``case``, ranked.

    ``as_of``: the day trial statuses are judged on (interfaces pass today).
    """
    return list(_match_case(case, kb, status, as_of))


@per_case()
def _match_case(case: Case, kb: KnowledgeBase, status: str | Iterable[str] | None,
                as_of: dt.date | None) -> tuple[TrialMatch, ...]:
    """One match per case object (the planner and the board both ask for it), read from
    the case's one `Facts` derivation."""
    return tuple(match_facts(derive_facts(case, kb), kb, status, as_of))


def match_report(case: Case, kb: KnowledgeBase, status: str | Iterable[str] | None = None,
                 as_of: dt.date | None = None) -> MatchReport:
    """`match_trials` plus the summary the CLI and the board report show."""
    matches = match_trials(case, kb, status, as_of)
    summary = {e: sum(m.eligibility == e for m in matches) for e in ELIGIBILITY_ORDER}
    return MatchReport(tuple(matches), kb.version, normalise_status(status), case.id, summary,
                       as_of)


def plan_candidates(matches: Iterable[TrialMatch]) -> list[TrialMatch]:
    """The eligible and possibly eligible trials a patient can join (what `nenboard plan`
    lists as "trial"): enrolling on the day the matches were judged."""
    return [m for m in matches if m.eligibility != "ineligible" and m.enrolment == "enrolling"]
