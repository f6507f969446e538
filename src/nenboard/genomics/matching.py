"""Compile knowledge-base biomarker assertions into a gene index and match variants.

The *meaning* of each assertion (gene, kind, variants, class, value, threshold,
context, tier, drugs) is data in ``knowledge/data/biomarkers``; this module only
interprets the match vocabulary of `AlterationMatch`:

- ``mutation``: a protein-altering mutation (synonymous changes never match);
  ``variants`` restricts to listed protein changes (canonical one-letter form);
  ``variant_class``: ``activating`` = missense / in-frame / stated activating;
  ``truncating`` and ``loss_of_function`` = nonsense / frameshift / splice /
  start-loss / stated truncating; ``hotspot``/``specific`` need ``variants``.
- ``amplification``, ``deletion``: that copy-number call (not low-level gain or
  shallow loss). ``loss``: loss or deep deletion, plus truncating mutations
  when ``variant_class`` is ``loss_of_function``.
- ``fusion``: a fusion, with ``partner`` when given.
- ``expression`` / ``methylation``: the reported value; ``positive`` also
  accepts ``high``; ``loss`` accepts negative / deficient; ``low`` accepts
  loss too; no value = any reported result; ``threshold`` = number >= it.
- ``signature``: MSI value, or TMB >= ``threshold``.
- ``any``: any of the above genomic kinds, restricted by ``variant_class``.
- ``origin``: ``germline`` needs ``germline: true``; ``somatic`` excludes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from nenboard.genomics import protein
from nenboard.genomics.model import Variant
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import BiomarkerAssertion

_ACTIVATING = frozenset({protein.MISSENSE, protein.INFRAME_DEL, protein.INFRAME_INS,
                         protein.INFRAME_DELINS, protein.DUP, "activating"})
_TRUNCATING = frozenset({*protein.TRUNCATING, "truncating"})
_VALUE_ACCEPTS = {
    "positive": frozenset({"positive", "high"}),
    "high": frozenset({"high", "positive"}),
    "loss": frozenset({"loss", "negative", "deficient"}),
    "negative": frozenset({"negative", "loss", "deficient"}),
    "deficient": frozenset({"deficient", "loss", "negative"}),
    "low": frozenset({"low", "loss", "negative", "deficient"}),
    "retained": frozenset({"retained", "proficient", "positive"}),
    "proficient": frozenset({"proficient", "retained"}),
}
_GENOMIC = frozenset({"mutation", "amplification", "deletion", "loss", "fusion"})


@dataclass(frozen=True, slots=True)
class Compiled:
    rec: BiomarkerAssertion
    variants: frozenset[str]
    entities: frozenset[str]
    sites: frozenset[str]
    grades: frozenset[str]
    citations: tuple[tuple[tuple[str, str | None, str], dict[str, object]], ...]


def _canon_variant(v: str) -> str:
    pc = protein.parse_protein_change(v)
    return pc.canonical if pc else v.strip()


class AssertionIndex:
    """Assertions by gene, compiled once per knowledge-base version."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.version = kb.version
        self.by_gene: dict[str, list[Compiled]] = {}
        for rec in kb.biomarkers.values():
            m = rec.match
            c = Compiled(rec, frozenset(_canon_variant(v) for v in m.variants),
                         frozenset(rec.context.entities), frozenset(rec.context.sites),
                         frozenset(rec.context.grades),
                         tuple(((c.source, c.ref, c.locator), c.model_dump(exclude_none=True))
                               for c in rec.citations))
            for gene in dict.fromkeys([m.gene, *m.genes]):
                self.by_gene.setdefault(gene, []).append(c)

    def candidates(self, gene: str) -> list[Compiled]:
        return self.by_gene.get(gene, [])


_INDEXES: dict[str, AssertionIndex] = {}


def index_for(kb: KnowledgeBase) -> AssertionIndex:
    idx = _INDEXES.get(kb.version)
    if idx is None:
        if len(_INDEXES) > 8:
            _INDEXES.clear()
        idx = _INDEXES[kb.version] = AssertionIndex(kb)
    return idx


def variant_matches(c: Compiled, v: Variant, germline: bool | None) -> tuple[bool, str | None]:
    """Does the variant satisfy the assertion's alteration match? (and why not, if close)."""
    m = c.rec.match
    if m.origin == "germline" and germline is not True:
        return False, f"{c.rec.id} applies to germline {m.gene} alterations only"
    if m.origin == "somatic" and germline is True:
        return False, None
    kind = v.kind
    if m.kind == "signature":
        if kind != "signature":
            return False, None
        if m.threshold is not None:
            ok = v.number is not None and v.number >= m.threshold
            return ok, None if ok else f"{c.rec.id} requires {m.gene} >= {m.threshold:g}"
        return (m.value is None or v.value == m.value), None
    if m.kind in ("expression", "methylation"):
        if kind != m.kind:
            return False, None
        if m.threshold is not None:
            return v.number is not None and v.number >= m.threshold, None
        if m.value is None:
            return True, None
        ok = v.value in _VALUE_ACCEPTS.get(m.value, frozenset({m.value}))
        return ok, None
    if kind not in _GENOMIC:
        return False, None
    if m.kind == "fusion":
        if kind != "fusion":
            return False, None
        ok = m.partner is None or v.partner == m.partner
        return ok, None if ok else f"{c.rec.id} requires a fusion with {m.partner}"
    if m.kind == "amplification":
        return kind == "amplification", None
    if m.kind == "deletion":
        return kind == "deletion", None
    if m.kind == "loss":
        if kind in ("loss", "deletion"):
            return True, None
        if kind == "mutation" and m.variant_class == "loss_of_function":
            return v.consequence in _TRUNCATING, None
        return False, None
    if m.kind == "mutation" and kind != "mutation":
        return False, None
    # mutation or any
    if kind == "mutation":
        if v.consequence == protein.SYNONYMOUS:
            return False, None
        if c.variants:
            ok = v.variant in c.variants
            return ok, None if ok else (f"{c.rec.id} is specific to {', '.join(sorted(c.variants))}"
                                        f"; {v.alteration} does not match")
        return _class_ok(m.variant_class, v), None
    # kind "any" with a copy-number / fusion alteration
    if m.variant_class in ("any",):
        return True, None
    if m.variant_class == "loss_of_function":
        return kind in ("loss", "deletion"), None
    if m.variant_class == "activating":
        return kind in ("amplification", "fusion"), None
    return False, None


def _class_ok(cls: str, v: Variant) -> bool:
    if cls == "any":
        return True
    if cls == "activating":
        return v.consequence in _ACTIVATING
    if cls in ("truncating", "loss_of_function"):
        return v.consequence in _TRUNCATING
    return False  # hotspot/specific without a variants list match nothing


def context_fit(c: Compiled, entity: str | None, site: str | None,
                grade: str | None) -> tuple[str, str | None]:
    """"match", "unknown" (the case lacks a fact the assertion needs) or "other"."""
    unknown: list[str] = []
    if c.entities and "NEN" not in c.entities:
        if entity is None:
            unknown.append(f"entity ({'/'.join(sorted(c.entities))})")
        elif entity not in c.entities:
            return "other", f"{'/'.join(sorted(c.entities))} only; this case is {entity}"
    if c.sites:
        if site is None:
            unknown.append(f"site ({', '.join(sorted(c.sites))})")
        elif site not in c.sites:
            return "other", f"sites {', '.join(sorted(c.sites))} only; this case: {site}"
    if c.grades:
        if grade is None:
            unknown.append(f"grade ({', '.join(sorted(c.grades))})")
        elif grade not in c.grades:
            return "other", f"grades {', '.join(sorted(c.grades))} only; this case: {grade}"
    if unknown:
        return "unknown", "applies if " + " and ".join(unknown) + "; not stated in the case"
    return "match", None
