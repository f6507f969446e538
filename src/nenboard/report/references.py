"""References: one entry per publication, with every locator cited in it.

A review cited at twenty places is one publication; its internal reference
numbers are the primary studies it reports. Each cited place keeps its
locator, and where the knowledge base knows the primary study behind a
review's reference number (a trial record citing that number, or the review's
reference-list entry quoted in the knowledge base) it is named beside the
review, with the trial's NCT number and, where a registered source is that
trial paper, its DOI/PMID.
"""

from __future__ import annotations

import re
from typing import Any

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Source
from nenboard.report.evidence import short_trial_name
from nenboard.report.model import CitedAt, Reference


def citation_key(c: dict[str, Any]) -> str:
    return f"{c.get('source')}|{c.get('ref') or ''}|{c.get('locator')}"


def walk_citations(node: Any, out: dict[str, dict[str, Any]]) -> None:
    """Every citation dict in a dumped report, keyed, in order of first appearance."""
    if isinstance(node, dict):
        if "locator" in node and isinstance(node.get("source"), str):
            out.setdefault(citation_key(node), node)
            return
        for value in node.values():
            if isinstance(value, dict | list):
                walk_citations(value, out)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, dict | list):
                walk_citations(value, out)


def full_reference(src: Source) -> str:
    """Authors. Title. Journal. Year (the year once, even when the journal field has it)."""
    journal = (src.journal or "").strip()
    year = "" if str(src.year) in journal else str(src.year)
    parts = [src.authors.rstrip("."), src.title.rstrip("."), journal.rstrip("."), year]
    text = ". ".join(p for p in parts if p) + "."
    if src.doi:
        text += f" doi:{src.doi}"
    if src.pmid:
        text += f" PMID {src.pmid}"
    if not src.doi and not src.pmid and src.url:
        text += f" {src.url}"
    return " ".join(text.split())


def _surname_year(src: Source) -> str:
    first = src.authors.split(",")[0].strip().split(" ")[0] if src.authors else ""
    return f"{first} {src.year}".lower()


_INDEX: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}


def _primary_index(kb: KnowledgeBase) -> dict[tuple[str, str], dict[str, Any]]:
    """(review, reference number) -> the primary study the knowledge base ties to it.

    Only a reference number that exactly one trial record cites names a study.
    """
    if kb.version not in _INDEX:
        _INDEX.clear()
        _INDEX[kb.version] = _build_index(kb)
    return _INDEX[kb.version]


def _build_index(kb: KnowledgeBase) -> dict[tuple[str, str], dict[str, Any]]:
    papers: dict[str, Source] = {}
    for src in kb.sources.values():
        if src.kind == "article":
            papers[_surname_year(src)] = src
    index: dict[tuple[str, str], dict[str, Any]] = {}
    counts: dict[tuple[str, str], set[str]] = {}
    for trial in kb.trials.values():
        for c in trial.citations:
            for ref in re.split(r"\s*,\s*", c.ref or ""):
                if ref:
                    counts.setdefault((c.source, ref), set()).add(trial.id)
    for trial in kb.trials.values():
        listed = next((c.quote for c in trial.citations
                       if c.locator == "References" and c.quote), None)
        paper = next((papers[s.lower()] for s in trial.synonyms if s.lower() in papers), None)
        for c in trial.citations:
            for ref in re.split(r"\s*,\s*", c.ref or ""):
                key = (c.source, ref)
                if not ref or len(counts.get(key, ())) != 1 or key in index:
                    continue
                index[key] = {"trial": trial.id, "short": short_trial_name(trial),
                              "nct": list(trial.nct),
                              "listed": " ".join(listed.split()) if listed else None,
                              "paper": paper}
    return index


def _primary(c: dict[str, Any], kb: KnowledgeBase) -> tuple[str | None, str | None, list[str]]:
    index = _primary_index(kb)
    names, trial, nct = [], None, []
    for ref in re.split(r"\s*,\s*", c.get("ref") or ""):
        hit = index.get((c["source"], ref))
        if not hit:
            continue
        trial = trial or hit["trial"]
        nct = nct or hit["nct"]
        ids = list(hit["nct"])
        if hit["paper"] is not None:
            p = hit["paper"]
            ids += [f"doi:{p.doi}"] if p.doi else []
            ids += [f"PMID {p.pmid}"] if p.pmid else []
        text = hit["short"] + (f" ({', '.join(ids)})" if ids else "")
        if not ids and hit["listed"]:
            text += f": {hit['listed']}"
        names.append(text.strip("; "))
    return ("; ".join(names) or None), trial, nct


def resolve_references(body: dict[str, Any], kb: KnowledgeBase) -> list[Reference]:
    """One Reference per cited publication, in order of first citation."""
    found: dict[str, dict[str, Any]] = {}
    walk_citations(body, found)
    by_source: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for key, c in found.items():
        by_source.setdefault(c["source"], []).append((key, c))
    refs = []
    for source, cited in by_source.items():
        src = kb.sources.get(source)
        places = []
        for key, c in cited:
            primary, trial, nct = _primary(c, kb)
            places.append(CitedAt(key=key, ref=c.get("ref"), locator=c["locator"],
                                  primary=primary, trial=trial, nct=nct))
        ref_numbers = list(dict.fromkeys(p.ref for p in places if p.ref))
        locators = list(dict.fromkeys(p.locator for p in places))
        refs.append(Reference(key=source, source=source,
                              full=full_reference(src) if src else source,
                              ref=", ".join(ref_numbers) or None, locator="; ".join(locators),
                              doi=src.doi if src else None, pmid=src.pmid if src else None,
                              cited=places))
    return refs
