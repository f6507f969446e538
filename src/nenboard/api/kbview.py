"""Knowledge-base records as pages a clinician reads: facts in words, links between
records, conditions as sentences, outcomes as a table, citations with their sources.

Interface only: it shows what the records say and adds nothing. Fields it does not
know (added to the schema later) are still shown, generically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape
from pydantic import BaseModel

from nenboard.knowledge.facts import spec_for
from nenboard.knowledge.loader import KnowledgeBase

KINDS = {"drugs": ("Drug", "Drugs"), "regimens": ("Regimen", "Regimens"),
         "trials": ("Trial", "Trials"), "resistance": ("Resistance mechanism",
                                                       "Resistance mechanisms"),
         "biomarkers": ("Biomarker assertion", "Biomarker assertions"),
         "rules": ("Planner rule", "Planner rules"),
         "therapy_classes": ("Therapy class", "Therapy classes"),
         "factors": ("Prognostic or predictive factor", "Prognostic and predictive factors"),
         "syndromes": ("Syndrome", "Syndromes"), "sites": ("Primary site", "Primary sites"),
         "sources": ("Source", "Sources"), "safety": ("Safety gate", "Safety gates"),
         "frequencies": ("Alteration frequency", "Alteration frequencies"),
         "flags": ("Pathology flag", "Pathology flags"), "grading": ("Grading", "Grading"),
         "eligibility_defaults": ("Default eligibility criterion",
                                  "Default eligibility criteria")}
# Fields whose values are ids of other records: shown as links with the record's name.
LINK_FIELDS = {"therapy", "therapies", "components", "classes", "drugs", "trials", "evidence",
               "therapy_class", "applies_to", "prior_required", "prior_excluded", "sites",
               "forbid_therapies", "forbid_classes", "forbid_therapies_in", "except_trials",
               "extrapolated_from", "source"}
REF_KEYS = (LINK_FIELDS - {"source"}) | {"eq", "in", "contains", "contains_any"}
CONDITIONS = {"when", "condition"}
ORDER = {
    "drugs": ("drug_class", "status", "classes", "targets", "mechanism", "route", "schedule",
              "approvals", "toxicities"),
    "regimens": ("modality", "components", "classes", "schedule", "toxicities"),
    "trials": ("nct", "phase", "status", "status_source", "design", "population", "arms",
               "esmo_level", "esmo_rationale"),
    "rules": ("therapy", "category", "line", "when", "requires", "rationale", "evidence",
              "esmo_level", "prerequisites", "cautions", "classes", "priority"),
    "resistance": ("therapy_class", "kind", "description", "evidence_types", "tests",
                   "cell_lines", "strategies"),
    "biomarkers": ("match", "context", "direction", "tier", "tier_reason", "drugs", "trials",
                   "evidence", "extrapolated_from"),
}
SKIP = {"id", "name", "synonyms", "citations", "notes", "ambiguities", "outcomes",
        "eligibility", "eligibility_text"}
LABELS = {"nct": "NCT number", "esmo_level": "ESMO level of evidence", "esmo_rationale":
          "ESMO level, why", "drug_class": "Class", "classes": "Therapy classes", "n": "n",
          "tier": "ESCAT tier", "tier_reason": "ESCAT tier, why", "ci_low": "CI low",
          "ci_high": "CI high", "pmid": "PMID", "doi": "DOI", "url": "Address",
          "gep": "Gastroenteropancreatic", "oncotree": "OncoTree codes",
          "status_source": "Status as of", "evidence": "Evidence", "extrapolated_from":
          "Extrapolated from", "therapy_class": "Therapy class", "when": "Applies when",
          "requires": "Requires", "applies_to": "Applies to", "unmet": "If not met",
          "unknown": "If unknown, complete"}
OPS = {"eq": "is", "ne": "is not", "in": "is one of", "not_in": "is none of", "gt": ">",
       "ge": "≥", "lt": "<", "le": "≤", "contains": "includes", "contains_any": "includes any of"}


def kind_label(kind: str, plural: bool = False) -> str:
    return KINDS.get(kind, (kind.replace("_", " "),) * 2)[1 if plural else 0]


def label(key: str) -> str:
    return LABELS.get(key) or key[0].upper() + key[1:].replace("_", " ")


def _names(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    """id -> (kind, display name) of every record."""
    out = {}
    for kind, rec in kb.records():
        if hasattr(rec, "id"):
            out.setdefault(rec.id, (kind, getattr(rec, "name", None) or getattr(rec, "title",
                                                                                rec.id)))
    return out


_CACHE: dict[int, tuple[KnowledgeBase, dict[str, tuple[str, str]],
                        dict[str, list[tuple[str, str]]]]] = {}


def indexes(kb: KnowledgeBase) -> tuple[dict[str, tuple[str, str]], dict[str, list[tuple[str, str]]]]:
    """(names, references): who refers to whom, built once per knowledge base."""
    if id(kb) in _CACHE and _CACHE[id(kb)][0] is kb:
        return _CACHE[id(kb)][1:]
    names = _names(kb)
    refs: dict[str, list[tuple[str, str]]] = {}

    def walk(node: Any, key: str, origin: tuple[str, str]) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k, origin)
        elif isinstance(node, list):
            for v in node:
                walk(v, key, origin)
        elif (isinstance(node, str) and key in REF_KEYS and node in names
              and node != origin[1] and origin not in refs.setdefault(node, [])):
            refs[node].append(origin)

    for kind, rec in kb.records():
        if kind != "sources":
            walk(rec.model_dump(mode="json", by_alias=True), "", (kind, rec.id))
    _CACHE.clear()
    _CACHE[id(kb)] = (kb, names, refs)
    return names, refs


class View:
    """Renders one record's values as HTML fragments (escaped; links to other records)."""

    def __init__(self, kb: KnowledgeBase, link: Callable[[str], str]) -> None:
        self.kb, self.link = kb, link
        self.names, self.refs = indexes(kb)
        self.citations: list[dict[str, Any]] = []

    def ref(self, rid: str) -> Markup:
        _, name = self.names[rid]
        return Markup('<a href="{}">{}</a>').format(self.link(rid), name)

    def cite(self, cites: list[dict[str, Any]]) -> Markup:
        numbers = []
        for c in cites:
            key = (c.get("source"), c.get("ref"), c.get("locator"), c.get("quote"))
            keys = [(x["source"], x.get("ref"), x["locator"], x.get("quote"))
                    for x in self.citations]
            if key not in keys:
                self.citations.append(c)
                keys.append(key)
            numbers.append(keys.index(key) + 1)
        links = Markup(", ").join(Markup('<a href="#cite-{0}">{0}</a>').format(n)
                                  for n in numbers)
        return Markup('<sup class="cites">[{}]</sup>').format(links) if numbers else Markup()

    def value(self, key: str, v: Any) -> Markup:
        if key in CONDITIONS and isinstance(v, dict):
            return self.condition(v)
        if isinstance(v, bool):
            return Markup("yes" if v else "no")
        if isinstance(v, float):
            return escape(f"{v:g}")
        if isinstance(v, str):
            if key in LINK_FIELDS and v in self.names:
                return self.ref(v)
            if key == "nct" or (v.startswith("NCT") and v[3:].isdigit()):
                return Markup('<a href="https://clinicaltrials.gov/study/{0}">{0}</a>').format(v)
            return escape(v.replace("_", " ") if v.replace("_", "").isalnum() and v.islower()
                          else v)
        if isinstance(v, list):
            if all(not isinstance(x, dict | list) for x in v):
                return Markup(", ").join(self.value(key, x) for x in v)
            return Markup("<ul>{}</ul>").format(Markup("").join(
                Markup("<li>{}</li>").format(self.value(key, x)) for x in v))
        if isinstance(v, dict):
            return self.mapping(v)
        return escape(v)

    def mapping(self, d: dict[str, Any]) -> Markup:
        text = d.get("text") or d.get("description")
        lead = ""
        if d.get("agency") and d.get("year"):  # an approval: "FDA 2016: indication"
            lead = Markup("<b>{} {}</b>: {}").format(d["agency"], d["year"],
                                                      d.get("indication", ""))
        elif isinstance(d.get("name"), str):  # a named item (toxicity, arm): name first
            lead = Markup("<b>{}</b>").format(d["name"])
        shown = {"agency", "year", "indication"} if d.get("agency") else {"name"}
        parts = [p for p in (lead, escape(text) if text else "") if p]
        for k, v in d.items():
            if (k in ("citations", "id") or v in (None, "", [], {}) or v == text
                    or (lead and k in shown)):
                continue
            parts.append(Markup("<b>{}</b>: {}").format(label(k), self.value(k, v)))
        out = Markup("; ").join(parts)
        return out + self.cite(d.get("citations") or [])

    def condition(self, c: dict[str, Any]) -> Markup:
        if "all" in c:
            return Markup(" <b>and</b> ").join(self._group(x) for x in c["all"])
        if "any" in c:
            return Markup(" <b>or</b> ").join(self._group(x) for x in c["any"])
        if "not" in c:
            return Markup("<b>not</b> ({})").format(self.condition(c["not"]))
        fact = c.get("fact", "?")
        spec = spec_for(fact)
        subject = escape(spec.description if spec else fact.replace("_", " "))
        if set(c) - {"fact"} == {"eq"} and isinstance(c["eq"], bool):
            return subject if c["eq"] else Markup("<b>not</b> {}").format(subject)
        tests = []
        for op, word in OPS.items():
            if c.get(op) is not None:
                tests.append(Markup("{} {}").format(word, self._fact_value(c[op])))
        if c.get("present") is not None:
            tests.append(Markup("is stated" if c["present"] else "is not stated"))
        return Markup("{} {}").format(subject, Markup(" and ").join(tests))

    def _group(self, c: dict[str, Any]) -> Markup:
        inner = self.condition(c)
        return Markup("({})").format(inner) if ("all" in c or "any" in c) else inner

    def _fact_value(self, v: Any) -> Markup:
        if isinstance(v, list):
            return Markup(", ").join(self._fact_value(x) for x in v)
        if isinstance(v, str) and v in self.names:
            return self.ref(v)
        return self.value("", v)


def record_view(kb: KnowledgeBase, kind: str, rec: BaseModel,
                link: Callable[[str], str]) -> dict[str, Any]:
    """Everything the record page shows, in reading order."""
    view = View(kb, link)
    data = rec.model_dump(mode="json", by_alias=True, exclude_none=True)
    view.cite(data.get("citations") or [])  # the record's own sources come first
    order = list(ORDER.get(kind, ())) + [k for k in data if k not in ORDER.get(kind, ())]
    facts = [(label(k), shown) for k in order
             if k in data and k not in SKIP and data[k] not in ("", [], {})
             and str(shown := view.value(k, data[k])).strip()]
    outcomes = _outcomes(view, data) if kind == "trials" else []
    criteria = [(c.get("text", ""), view.condition(c["condition"]) if c.get("condition")
                 else Markup(), view.cite(c.get("citations") or []))
                for c in data.get("eligibility") or []]
    notes = [escape(n) for n in ([data["notes"]] if data.get("notes") else [])]
    ambiguities = [escape(a) for a in data.get("ambiguities") or []]
    related: dict[str, list[tuple[str, str]]] = {}
    for rkind, rid in view.refs.get(getattr(rec, "id", ""), []):
        related.setdefault(kind_label(rkind, plural=True), []).append((link(rid),
                                                                       view.names[rid][1]))
    if kind in ("drugs", "regimens"):
        classes = set(kb.classes_of(rec.id))
        mechanisms = [(link(m.id), m.name) for m in kb.resistance.values()
                      if m.therapy_class in classes]
        if mechanisms:
            related["Resistance mechanisms of its therapy classes"] = mechanisms
    return {"kind": kind, "kind_label": kind_label(kind), "id": getattr(rec, "id", ""),
            "title": getattr(rec, "name", None) or getattr(rec, "title", ""),
            "synonyms": data.get("synonyms") or [], "facts": facts, "outcomes": outcomes,
            "criteria": criteria, "eligibility_text": data.get("eligibility_text"),
            "notes": notes, "ambiguities": ambiguities, "related": related,
            "citations": (cites := [_citation(kb, c, link) for c in view.citations]),
            "sources": list({c["source"]: c for c in cites if c["full"]}.values())}


def _outcomes(view: View, data: dict[str, Any]) -> list[dict[str, Any]]:
    arms = {a["id"]: a["name"] for a in data.get("arms") or []}
    rows = []
    for o in data.get("outcomes") or []:
        unit = o.get("unit", "")
        number = f"{o.get('qualifier') or ''}{o['value']:g}"
        shown = f"HR {number}" if unit == "HR" else f"{number} {unit}".replace(" %", "%")
        ci = (f"{o['ci_low']:g}–{o['ci_high']:g}" if o.get("ci_low") is not None
              and o.get("ci_high") is not None else "")
        rows.append({"endpoint": o["endpoint"].replace("_", " "),
                     "arm": arms.get(o["arm"], o["arm"]), "value": shown,
                     "ci": f"{o.get('ci_level', 95):g}% CI {ci}" if ci else "",
                     "comparator": arms.get(o.get("comparator") or "", o.get("comparator") or ""),
                     "p": o.get("p") or "", "timepoint": o.get("timepoint") or "",
                     "note": o.get("note") or "", "cites": view.cite(o.get("citations") or [])})
    return rows


def _citation(kb: KnowledgeBase, c: dict[str, Any], link: Callable[[str], str]) -> dict[str, Any]:
    src = kb.sources.get(c.get("source", ""))
    out = {**c, "full": "", "doi": None, "pmid": None, "url": None, "short": c.get("source"),
           "href": link(c["source"]) if src else None}
    if src:
        first = src.authors.split(",")[0].strip()
        out.update(short=f"{first}{' et al.' if ',' in src.authors else ''} {src.year}",
                   full=" ".join(f"{src.authors}. {src.title}. {src.journal or ''} "
                                 f"({src.year})".split()),
                   doi=src.doi, pmid=src.pmid, url=src.url)
    return out
