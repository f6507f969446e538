"""Controlled vocabularies of the case format (DESIGN.md) and near-miss help.

These are the words of the input format, not clinical knowledge; the clinical
meaning of each site (group, OncoTree code) lives in the knowledge base.
"""

from __future__ import annotations

import difflib

from nenboard.knowledge.facts import HEREDITARY, SITES, SYNDROMES

SEXES = ("female", "male", "other")
DIFFERENTIATION = ("well", "poor")
MORPHOLOGY = ("small_cell", "large_cell")
STAGES = ("localized", "locoregional", "metastatic")
METASTASIS_SITES = ("liver", "lymph_node", "bone", "peritoneum", "lung", "brain", "mesentery",
                    "ovary", "pleura", "adrenal", "skin", "soft_tissue", "other")
IMAGING = ("positive", "negative", "unknown")
RESPONSES = ("complete_response", "partial_response", "stable_disease", "progressive_disease")
STOP_REASONS = ("progression", "toxicity", "completed", "other", "ongoing")
PROGRESSION_TYPES = ("radiological", "symptomatic", "both")
MSI = ("high", "stable")
MGMT_PROMOTER = ("methylated", "unmethylated")

# Words clinicians write for the same thing. Exact (case-insensitive) matches
# are accepted silently; everything else gets a "did you mean" suggestion.
ALIASES: dict[str, str] = {
    "small intestine": "jejunum_ileum", "small_intestine": "jejunum_ileum", "ileum": "jejunum_ileum",
    "jejunum": "jejunum_ileum", "si": "jejunum_ileum", "midgut": "jejunum_ileum",
    "pancreatic": "pancreas", "gastric": "stomach", "rectal": "rectum", "colonic": "colon",
    "appendiceal": "appendix", "esophageal": "esophagus", "oesophagus": "esophagus",
    "duodenal": "duodenum", "biliary": "gallbladder_biliary", "gallbladder": "gallbladder_biliary",
    "hepatic": "liver", "cup": "unknown",
    "carcinoid": "carcinoid_syndrome", "vipoma": "vipoma", "men1": "MEN1", "men-1": "MEN1",
    "vhl": "VHL", "nf1": "NF1", "tsc": "TSC", "tsc1": "TSC", "tsc2": "TSC",
    "lymph node": "lymph_node", "lymph nodes": "lymph_node", "nodes": "lymph_node",
    "small cell": "small_cell", "large cell": "large_cell", "sd": "stable_disease",
    "pd": "progressive_disease", "pr": "partial_response", "cr": "complete_response",
    "pos": "positive", "neg": "negative", "msi-h": "high", "mss": "stable",
    "well differentiated": "well", "well-differentiated": "well",
    "poorly differentiated": "poor", "poorly-differentiated": "poor",
}


def canonical(value: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed word ``value`` is, ignoring case and space/underscore, or None.

    Aliases are never accepted silently (nothing is guessed); they only feed
    the "did you mean" suggestion.
    """
    low = value.strip().lower().replace(" ", "_").replace("-", "_")
    for word in allowed:
        if word.lower().replace("-", "_") == low:
            return word
    return None


def suggest(value: str, allowed: tuple[str, ...] | list[str]) -> str | None:
    """The closest allowed word to a near miss, for 'did you mean'."""
    low = value.strip().lower()
    alias = ALIASES.get(low)
    if alias and alias in allowed:
        return alias
    lowered = {w.lower(): w for w in allowed}
    hits = difflib.get_close_matches(low, list(lowered), n=1, cutoff=0.6)
    return lowered[hits[0]] if hits else None


def not_allowed(value: object, allowed: tuple[str, ...] | list[str]) -> str:
    """Message for a value outside a vocabulary, with a suggestion when close."""
    hint = suggest(value, allowed) if isinstance(value, str) else None
    listed = ", ".join(allowed) if len(allowed) <= 14 else ", ".join(allowed[:14]) + ", ..."
    did = f"; did you mean {hint!r}?" if hint else "."
    return f"{value!r} is not allowed{did} Allowed: {listed}"


__all__ = ["HEREDITARY", "SITES", "SYNDROMES", "canonical", "not_allowed", "suggest"]
