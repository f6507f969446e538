"""Tier alterations against the knowledge base in the case's clinical context.

Pure functions of (alterations, context, knowledge base). Every alteration
comes back: actionable (a sensitivity assertion applies, with its ESCAT tier
and drugs), resistance, informative (diagnostic / prognostic / predisposing),
no_assertion (recognised, nothing in the knowledge base) or unrecognised (the
gene or the alteration could not be read). The tier of an alteration is the
best ESCAT tier among the sensitivity assertions whose context matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from nenboard.case.model import Case
from nenboard.genomics.matching import (
    AssertionIndex,
    Compiled,
    context_fit,
    index_for,
    variant_matches,
)
from nenboard.genomics.model import (
    DIRECTION_ORDER,
    TIER_ORDER,
    AnnotatedAlteration,
    Annotation,
    Context,
    Match,
    MolecularProfile,
    Observed,
    RegimenMatch,
    Variant,
)
from nenboard.genomics.normalize import observed_from_case
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.memo import per_case
from nenboard.pathology.classify import classify_core

DISCLAIMER = ("Molecular tiers use ESCAT (Mateo et al., Ann Oncol 2018); they rank evidence, not "
              "recommendations. nenboard supports, and does not replace, a qualified clinician "
              "and the molecular tumor board.")

_UNRECOGNISED = "unrecognised"


def _tier_key(tier: str | None) -> int:
    return TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER)


def context_of(case: Case, kb: KnowledgeBase) -> Context:
    c = classify_core(case, kb)
    return Context(entity=c.entity, site=case.tumor.primary_site, grade=c.grade)


class Annotator:
    """Annotates variants in contexts; memoises context fits and built annotations."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.index: AssertionIndex = index_for(kb)
        self._built: dict[tuple[Any, ...], Annotation] = {}
        self._fit_cache: dict[tuple[str, Context], list[tuple[Compiled, str, str | None]]] = {}

    def _fits(self, gene: str, ctx: Context) -> list[tuple[Compiled, str, str | None]]:
        """Candidate assertions for a gene with their context fit (memoised per context)."""
        key = (gene, ctx)
        fits = self._fit_cache.get(key)
        if fits is None:
            fits = self._fit_cache[key] = [
                (c, *context_fit(c, ctx.entity, ctx.site, ctx.grade))
                for c in self.index.candidates(gene)]
        return fits

    def annotate(self, obs: Observed, ctx: Context) -> AnnotatedAlteration:
        return AnnotatedAlteration(obs, self._annotate(obs.variant, obs.germline, ctx))

    def annotate_all(self, observed: Iterable[Observed], ctx: Context
                     ) -> list[AnnotatedAlteration]:
        return [self.annotate(o, ctx) for o in observed]

    # -- internals --------------------------------------------------------------------
    def _annotate(self, v: Variant, germline: bool | None, ctx: Context) -> Annotation:
        if v.problem is not None:
            return Annotation(_UNRECOGNISED, None, None, (), (), (), (), (), (), (), (), (),
                              (v.problem,))
        found: list[tuple[Compiled, str, str | None]] = []
        notes: list[str] = []
        for c, fit, note in self._fits(v.gene, ctx):
            ok, why = variant_matches(c, v, germline)
            if not ok:
                if why:
                    notes.append(why)
                continue
            if fit == "other":
                rec = c.rec
                tier = f" (tier {rec.tier})" if rec.tier else ""
                notes.append(f"{rec.id}: {rec.direction}{tier} applies to {note}")
                continue
            found.append((c, fit, note))
        key = (tuple((c.rec.id, fit, note) for c, fit, note in found), tuple(notes))
        ann = self._built.get(key)
        if ann is None:
            ann = self._built[key] = _build(found, notes, self.kb)
        return ann


def _build(found: list[tuple[Compiled, str, str | None]], notes: list[str],
           kb: KnowledgeBase) -> Annotation:
    """The Annotation for one set of matched assertions (shared by all variants with it)."""
    if not found:
        return Annotation("no_assertion", None, None, (), (), (), (), (), (), (), (), (),
                          tuple(dict.fromkeys(notes)) or
                          ("no knowledge-base assertion for this alteration",))
    found = sorted(found, key=lambda f: (DIRECTION_ORDER.index(f[0].rec.direction),
                                         _tier_key(f[0].rec.tier), f[1] != "match"))
    recs = [c.rec for c, _, _ in found]
    matches = [Match(r.id, r.direction, r.tier, tuple(r.drugs), tuple(r.trials), fit, note,
                     tuple(r.regimens or r.drugs), r.line.text if r.line else None)
               for r, (_, fit, note) in zip(recs, found, strict=True)]
    sens = [m for m in matches if m.direction == "sensitivity"]
    sure = [m for m in sens if m.context == "match"] or sens
    tier = min((m.tier for m in sure), key=_tier_key, default=None)
    drugs = _unique(d for m in sorted(sens, key=lambda m: _tier_key(m.tier))
                    if m.tier != "X" for d in m.drugs)
    res_drugs = _unique(d for m in matches if m.direction == "resistance" for d in m.drugs)
    directions = tuple(_unique(m.direction for m in matches))
    status = ("actionable" if tier not in (None, "X") else "resistance"
              if "resistance" in directions else "informative")
    citations: dict[tuple[Any, ...], dict[str, Any]] = {}
    for c, _, _ in found:
        for key, d in c.citations:
            citations.setdefault(key, d)
    notes = notes + [f"{m.assertion}: {m.note}" for m in matches if m.note]
    return Annotation(
        status=status, tier=tier, direction=directions[0], directions=directions,
        drugs=tuple(drugs), resistance_drugs=tuple(res_drugs),
        trials=tuple(_unique(t for m in matches for t in m.trials)),
        assertions=tuple(m.assertion for m in matches), matches=tuple(matches),
        citations=tuple(citations.values()),
        evidence=tuple(f"{r.id}: {r.evidence}" for r in recs),
        tier_reasons=tuple(f"{r.id} ({r.tier or 'no tier'}): {r.tier_reason}" for r in recs),
        notes=tuple(dict.fromkeys(notes)),
        regimens=_regimens(sens, kb),
    )


def _regimens(sens: list[Match], kb: KnowledgeBase) -> tuple[RegimenMatch, ...]:
    """Each evidence regimen once, with the tier of the best assertion that names it."""
    out: dict[str, RegimenMatch] = {}
    for m in sorted(sens, key=lambda m: _tier_key(m.tier)):
        if m.tier == "X":
            continue
        for rid in m.regimens:
            if rid not in out:
                rec = kb.therapy(rid)
                out[rid] = RegimenMatch(rid, rec.name if rec else rid, m.tier, m.assertion,
                                        m.line, tuple(kb.components_of(rid)) or (rid,))
    return tuple(out.values())


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def annotate_observed(observed: Iterable[Observed], ctx: Context, kb: KnowledgeBase
                      ) -> list[AnnotatedAlteration]:
    return Annotator(kb).annotate_all(observed, ctx)


def annotate_case(case: Case, kb: KnowledgeBase) -> MolecularProfile:
    """The molecular profile of one case: every stated alteration, tiered in context.

    The planner, the case facts and the board all ask for it; it is computed once
    per case object and each caller gets its own list to extend.
    """
    profile = _profile(case, kb)
    return dataclasses.replace(profile, alterations=list(profile.alterations))


@per_case()
def _profile(case: Case, kb: KnowledgeBase) -> MolecularProfile:
    ctx = context_of(case, kb)
    observed = case_observed(case, kb)
    annotated = annotate_observed(observed, ctx, kb)
    annotated.sort(key=lambda a: (_STATUS_ORDER.get(a.annotation.status, 9),
                                  _tier_key(a.annotation.tier)))
    return MolecularProfile(case.id, ctx, annotated, kb.version, DISCLAIMER)


_STATUS_ORDER = {"actionable": 0, "resistance": 1, "informative": 2, "no_assertion": 3,
                 _UNRECOGNISED: 4}


def case_observed(case: Case, kb: KnowledgeBase) -> list[Observed]:
    """The case's molecular observations, plus the germline variant a stated hereditary
    syndrome implies when the case does not list it (only for a one-gene syndrome: TSC
    may be TSC1 or TSC2, so it implies neither)."""
    observed = observed_from_case(case.molecular)
    syndrome = kb.syndromes.get((case.tumor.hereditary_syndrome or "").lower())
    gene = syndrome.genes[0] if syndrome and len(syndrome.genes) == 1 else None
    if gene and not any(o.variant.gene == gene and o.germline for o in observed):
        v = Variant(gene, "mutation", f"germline ({gene} syndrome)",
                    note="implied by tumor.hereditary_syndrome; variant not stated")
        observed.append(Observed(v, "tumor.hereditary_syndrome", germline=True,
                                 raw=case.tumor.hereditary_syndrome or ""))
    return observed


def biomarker_ids(case: Case, kb: KnowledgeBase) -> list[str]:
    """Ids of the knowledge-base assertions the case matches (the ``biomarkers`` fact)."""
    return annotate_case(case, kb).biomarkers


def molecular_facts(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    """Case facts from the molecular section (names in `knowledge.facts.FACTS`).

    ``altered_genes``: HGNC symbols (aliases resolved, e.g. RB -> RB1) with a stated
    genomic alteration; ``alterations``: normalised "GENE alteration" strings;
    ``biomarkers``: ids of the assertions the case matches in its context.
    """
    m = case.molecular
    facts: dict[str, Any] = {}
    observed = case_observed(case, kb)
    if m.alterations is not None:
        stated = [o for o in observed if o.source.startswith("molecular.alterations")]
        facts["altered_genes"] = sorted({o.variant.gene.upper() if o.variant.problem else
                                         o.variant.gene for o in stated})
        facts["alterations"] = sorted({o.variant.label for o in stated})
    if observed:
        facts["biomarkers"] = _profile(case, kb).biomarkers
    return facts
