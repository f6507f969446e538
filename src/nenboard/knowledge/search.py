"""Find knowledge-base records by any name, synonym, id or NCT number."""

from __future__ import annotations

from pydantic import BaseModel

from nenboard.knowledge.loader import KnowledgeBase

SEARCHABLE = ("drugs", "regimens", "trials", "resistance", "biomarkers", "therapy_classes",
              "factors", "rules", "syndromes", "sites")


def search(kb: KnowledgeBase, text: str, kinds: tuple[str, ...] = SEARCHABLE,
           limit: int = 50) -> list[tuple[str, BaseModel, int]]:
    """Records matching ``text``, best first: (kind, record, score)."""
    needle = text.strip().lower()
    if not needle:
        return []
    hits: list[tuple[int, str, str, BaseModel]] = []
    for kind in kinds:
        for rec in getattr(kb, kind).values():
            names = [rec.id, rec.name, *rec.synonyms, *getattr(rec, "nct", [])]
            lowered = [n.lower() for n in names]
            if needle in lowered:
                score = 100
            elif any(n.startswith(needle) for n in lowered):
                score = 60
            elif any(needle in n for n in lowered):
                score = 40
            elif needle in " ".join(str(getattr(rec, f, "") or "") for f in
                                    ("description", "mechanism", "evidence", "notes")).lower():
                score = 10
            else:
                continue
            hits.append((score, kind, rec.id, rec))
    hits.sort(key=lambda h: (-h[0], h[1], h[2]))
    return [(kind, rec, score) for score, kind, _, rec in hits[:limit]]
