"""How old is each statement? Dates of records, trial statuses and the evidence as a whole.

Every source has a publication date (``Source.published``, as precise as the
source gives it). A record rests on its citations: its date is the newest
statement date among them (a citation's own ``date`` where it has one, e.g. a
registry record's last update; otherwise its source's publication date). A
trial status rests on one statement, ``Trial.status_as_of`` (a source and,
for registry snapshots, a date); without it, on the newest source the trial
cites.

Pure functions of the knowledge base and an ``as_of`` date the caller passes
in: engines never read the clock. Interfaces pass today (`today`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from nenboard.knowledge.schema import Citation, Trial

if TYPE_CHECKING:
    from nenboard.knowledge.loader import KnowledgeBase

STALE_MONTHS = 12
OPEN_STATUSES = ("recruiting", "not_yet_recruiting")
CLOSED_STATUSES = ("completed", "terminated", "active_not_recruiting", "withdrawn")
EVIDENCE_STUDY_TYPES = ("retrospective", "meta_analysis", "case_series")
EVIDENCE_SOURCE_KINDS = ("review", "article", "label", "guideline")
REGISTRY_URL = "https://clinicaltrials.gov/study/{nct}"

Standing = Literal["enrolling", "to_verify", "evidence"]
STANDING_ORDER: tuple[Standing, ...] = ("enrolling", "to_verify", "evidence")


def today() -> dt.date:
    """The interfaces' default ``as_of`` (UTC). Engines take the date as an argument."""
    return dt.datetime.now(dt.UTC).date()


def parse_as_of(text: str | None) -> dt.date | None:
    """An ``--as-of YYYY-MM-DD`` value (None: not given); ValueError names the problem."""
    if text is None or text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def earliest(partial: str) -> dt.date:
    """The first day a partial date can mean: '2022' -> 2022-01-01 (a conservative age)."""
    parts = [int(p) for p in partial.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def year(partial: str) -> str:
    return partial[:4]


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    first = dt.date(day.year + y, m + 1, 1)
    following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first.replace(day=min(day.day, (following - dt.timedelta(days=1)).day))


def newest(dates: Iterable[str]) -> str | None:
    """The newest of some partial dates (by their first possible day, then precision)."""
    found = [d for d in dates if d]
    return max(found, key=lambda d: (earliest(d), len(d))) if found else None


# -- records -----------------------------------------------------------------------------------

def citations_in(obj: Any) -> Iterator[Citation]:
    """Every Citation nested anywhere inside a record."""
    if isinstance(obj, Citation):
        yield obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from citations_in(getattr(obj, name))
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from citations_in(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from citations_in(item)


def citation_date(c: Citation, kb: KnowledgeBase) -> str | None:
    """The date of one cited statement: its own date, or its source's publication date."""
    if c.date:
        return c.date
    src = kb.sources.get(c.source)
    return src.published if src else None


def record_date(rec: BaseModel, kb: KnowledgeBase) -> str | None:
    """The date of the newest statement a record rests on (None: it cites no known source)."""
    published = getattr(rec, "published", None)
    if isinstance(published, str) and not hasattr(rec, "citations"):
        return published  # a source is dated by itself
    dates = [citation_date(c, kb) for c in citations_in(rec)]
    if isinstance(rec, Trial):
        dates.append(status_date(rec, kb))
    return newest(d for d in dates if d)


def undated(kb: KnowledgeBase) -> list[str]:
    """``kind:id`` of every record without a date (must be empty; `kb check` reports them)."""
    return [f"{kind}:{getattr(rec, 'id', '?')}" for kind, rec in kb.records()
            if record_date(rec, kb) is None]


# -- trial statuses ----------------------------------------------------------------------------

def status_source(trial: Trial, kb: KnowledgeBase) -> str | None:
    """The source whose statement the status is (explicit, or the newest cited source)."""
    if trial.status_as_of:
        return trial.status_as_of.source
    cited = {c.source for c in trial.citations if c.source in kb.sources}
    return max(cited, key=lambda s: (earliest(kb.sources[s].published), s)) if cited else None


def status_date(trial: Trial, kb: KnowledgeBase) -> str | None:
    if trial.status_as_of and trial.status_as_of.date:
        return trial.status_as_of.date
    sid = status_source(trial, kb)
    src = kb.sources.get(sid) if sid else None
    return src.published if src else None


def registry_url(trial: Trial) -> str | None:
    return REGISTRY_URL.format(nct=trial.nct[0]) if trial.nct else None


@dataclass(frozen=True, slots=True)
class StatusView:
    """A trial status with whose statement it is, how old, and what it means for enrolment."""

    status: str
    source: str | None
    date: str | None
    stale: bool
    standing: Standing
    reason: str
    url: str | None

    @property
    def stated(self) -> str:
        """'recruiting (as stated in mcclellan2022, 2022)'."""
        who = self.source or "no source"
        when = year(self.date) if self.date and self.source != "ctgov" else self.date
        return f"{self.status.replace('_', ' ')} (as stated in {who}, {when or 'undated'})"

    @property
    def label(self) -> str:
        """What every output shows: the dated status, with 'to verify' and the registry link."""
        if self.standing == "to_verify":
            where = f"; check {self.url}" if self.url else ""
            return f"to verify: {self.stated}{where}"
        return self.stated

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "source": self.source, "date": self.date,
                "stale": self.stale, "enrolment": self.standing, "reason": self.reason,
                "label": self.label, "registry_url": self.url}


def status_view(trial: Trial, kb: KnowledgeBase, as_of: dt.date | None) -> StatusView:
    """The status as enrolment sees it on ``as_of``.

    * retrospective cohorts, meta-analyses and case series are evidence, not trials;
    * completed, terminated, active-not-recruiting and withdrawn trials are evidence;
    * a recruiting / not-yet-recruiting status stated at most 12 months before
      ``as_of`` is enrolling; older, or with no ``as_of`` to judge by, it is to verify;
    * every other status (ongoing, suspended, unknown) is to verify.
    """
    source, date = status_source(trial, kb), status_date(trial, kb)
    stale = (as_of is None or date is None
             or add_months(earliest(date), STALE_MONTHS) < as_of)
    status = trial.status
    if trial.design.study_type in EVIDENCE_STUDY_TYPES:
        standing: Standing = "evidence"
        reason = f"{trial.design.study_type.replace('_', ' ')}: evidence, not a trial to enrol in"
    elif status in CLOSED_STATUSES:
        standing, reason = "evidence", f"{status.replace('_', ' ')}: evidence, not enrolling"
    elif status in OPEN_STATUSES and not stale:
        standing, reason = "enrolling", f"status stated within {STALE_MONTHS} months"
    elif status in OPEN_STATUSES:
        standing = "to_verify"
        reason = (f"status stated more than {STALE_MONTHS} months before {as_of}"
                  if as_of else "no date given to judge the status by")
    else:
        standing = "to_verify"
        reason = f"status {status.replace('_', ' ')}: recruitment not stated"
    return StatusView(status, source, date, stale, standing, reason, registry_url(trial))


# -- the knowledge base as a whole -------------------------------------------------------------

def evidence_as_of(kb: KnowledgeBase) -> str | None:
    """The newest evidence date: publications (not datasets or models) and registry snapshots."""
    dates = [s.published for s in kb.sources.values() if s.kind in EVIDENCE_SOURCE_KINDS]
    dates += [t.status_as_of.date for t in kb.trials.values()
              if t.status_as_of and t.status_as_of.date]
    return newest(dates)


def evidence_line(kb: KnowledgeBase, as_of: dt.date | None = None) -> str:
    """The one footer line every output carries (CLI tables, reports, JSON ``evidence``)."""
    line = f"evidence as of {evidence_as_of(kb) or 'unknown'}; knowledge base {kb.version}"
    if as_of is not None:
        line += f"; trial statuses judged on {as_of.isoformat()}"
    return line


def evidence_stamp(kb: KnowledgeBase, as_of: dt.date | None = None) -> dict[str, Any]:
    """The same, as data for JSON outputs."""
    return {"evidence_as_of": evidence_as_of(kb), "kb_release": kb.release,
            "kb_version": kb.version, "as_of": as_of.isoformat() if as_of else None,
            "line": evidence_line(kb, as_of)}
