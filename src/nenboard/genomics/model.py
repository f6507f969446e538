"""Result types of the genomics engine (plain, immutable, fast to build).

`Variant` is one normalised alteration (what it is); `Observed` is that
alteration as seen in one sample (where it came from, VAF, germline);
`Annotation` is what the knowledge base says about it in one clinical context
(shared between samples, so cohorts are annotated once per distinct variant);
`MolecularProfile` is the per-case result behind `nenboard molecular`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Alteration kinds (vocabulary). ``gain`` and ``shallow_loss`` are low-level copy-number
# changes: reported, but they match only assertions whose kind is "any".
KINDS = ("mutation", "amplification", "gain", "deletion", "loss", "shallow_loss", "fusion",
         "expression", "methylation", "signature")

TIER_ORDER = ("I-A", "I-B", "I-C", "II-A", "II-B", "III-A", "III-B", "IV-A", "IV-B", "X")
DIRECTION_ORDER = ("sensitivity", "resistance", "diagnostic", "prognostic", "predisposing")


@dataclass(frozen=True, slots=True)
class Variant:
    """One alteration, normalised. ``problem`` is set when it could not be read."""

    gene: str
    kind: str | None
    alteration: str                # canonical display: V600E, amplification, EWSR1::FLI1, high
    variant: str | None = None     # canonical protein change
    consequence: str | None = None  # missense, nonsense, frameshift, ... (protein.py)
    value: str | None = None       # expression / methylation / MSI value
    number: float | None = None    # TMB or a numeric expression score
    partner: str | None = None     # fusion partner
    problem: str | None = None     # why unrecognised; None when recognised
    note: str | None = None        # how it was normalised (alias, notation)

    @property
    def label(self) -> str:
        return f"{self.gene} {self.alteration}"


@dataclass(frozen=True, slots=True)
class Observed:
    """A variant in one sample, with its provenance."""

    variant: Variant
    source: str = ""               # e.g. molecular.alterations[0], file.maf:12
    vaf: float | None = None
    germline: bool | None = None
    raw: str = ""                  # the text as given


@dataclass(frozen=True, slots=True)
class Match:
    """One knowledge-base assertion that applies, and how well its context fits."""

    assertion: str
    direction: str
    tier: str | None
    drugs: tuple[str, ...]
    trials: tuple[str, ...]
    context: str                   # "match" | "unknown" (case context incomplete)
    note: str | None = None
    regimens: tuple[str, ...] = ()  # the regimens the evidence is for (never split)
    line: str | None = None        # the line of therapy the evidence comes from


@dataclass(frozen=True, slots=True)
class RegimenMatch:
    """A regimen an applicable sensitivity assertion's evidence is for, with its own tier."""

    regimen: str                   # regimen id (or a drug id for monotherapy)
    name: str
    tier: str | None
    assertion: str
    line: str | None = None
    components: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"regimen": self.regimen, "name": self.name, "tier": self.tier,
                "assertion": self.assertion, "components": list(self.components),
                **({"line": self.line} if self.line else {})}


@dataclass(frozen=True, slots=True)
class Annotation:
    """What the knowledge base says about one variant in one context."""

    status: str                    # actionable | resistance | informative | no_assertion | unrecognised
    tier: str | None
    direction: str | None
    directions: tuple[str, ...]
    drugs: tuple[str, ...]
    resistance_drugs: tuple[str, ...]
    trials: tuple[str, ...]
    assertions: tuple[str, ...]
    matches: tuple[Match, ...]
    citations: tuple[dict[str, Any], ...]
    evidence: tuple[str, ...]
    tier_reasons: tuple[str, ...]
    notes: tuple[str, ...]
    regimens: tuple[RegimenMatch, ...] = ()  # sensitivity regimens, best tier first


@dataclass(frozen=True, slots=True)
class AnnotatedAlteration:
    observed: Observed
    annotation: Annotation

    def to_dict(self) -> dict[str, Any]:
        v, a, o = self.observed.variant, self.annotation, self.observed
        return {
            "gene": v.gene, "alteration": v.alteration, "tier": a.tier,
            "drugs": list(a.drugs), "citations": [dict(c) for c in a.citations],
            "direction": a.direction, "directions": list(a.directions), "status": a.status,
            "kind": v.kind, "variant": v.variant, "consequence": v.consequence,
            "resistance_drugs": list(a.resistance_drugs), "trials": list(a.trials),
            "assertions": list(a.assertions),
            "matches": [{"assertion": m.assertion, "direction": m.direction, "tier": m.tier,
                         "drugs": list(m.drugs), "trials": list(m.trials),
                         "context": m.context, "regimens": list(m.regimens),
                         **({"line": m.line} if m.line else {}),
                         **({"note": m.note} if m.note else {})}
                        for m in a.matches],
            "regimens": [r.to_dict() for r in a.regimens],
            "evidence": list(a.evidence), "tier_reasons": list(a.tier_reasons),
            "notes": [*([v.note] if v.note else []), *([v.problem] if v.problem else []),
                      *a.notes],
            "source": o.source, "raw": o.raw, "vaf": o.vaf, "germline": o.germline,
        }

    def to_json(self) -> dict[str, Any]:
        return self.to_dict()


@dataclass(frozen=True, slots=True)
class Context:
    """The clinical context tiering depends on (from the case or the cohort table)."""

    entity: str | None = None
    site: str | None = None
    grade: str | None = None


@dataclass
class MolecularProfile:
    """`nenboard molecular CASE` result: every alteration, tiered, none silenced."""

    case_id: str | None
    context: Context
    alterations: list[AnnotatedAlteration] = field(default_factory=list)
    kb_version: str = ""
    disclaimer: str = ""

    @property
    def biomarkers(self) -> list[str]:
        """Ids of matched assertions (the ``biomarkers`` case fact)."""
        seen: dict[str, None] = {}
        for a in self.alterations:
            for m in a.annotation.matches:
                if m.context == "match":
                    seen[m.assertion] = None
        return list(seen)

    @property
    def unrecognised(self) -> list[AnnotatedAlteration]:
        return [a for a in self.alterations if a.annotation.status == "unrecognised"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "context": {"entity": self.context.entity, "site": self.context.site,
                        "grade": self.context.grade},
            "alterations": [a.to_dict() for a in self.alterations],
            "biomarkers": self.biomarkers,
            "unrecognised": len(self.unrecognised),
            "kb_version": self.kb_version,
            "tier_scale": "ESCAT (Mateo et al., Ann Oncol 2018)",
            "disclaimer": self.disclaimer,
        }

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (the board's engine-result convention)."""
        return self.to_dict()
