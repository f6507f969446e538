"""Export knowledge-base trials as CTML, MatchMiner's YAML trial format.

What maps (docs/trials.md has the full table):

* diagnosis criteria (facts ``entity``, ``site``, ``site_group``, ``gep``,
  ``differentiation``, ``morphology``) -> ``clinical.oncotree_primary_diagnosis``:
  the OncoTree codes of the knowledge base's sites whose site/entity combination
  satisfies every diagnosis criterion, as names where known (an ``or`` when more
  than one);
* ``age`` -> ``clinical.age_numerical`` (``">=18"``), ``sex`` -> ``clinical.gender``,
  ``tmb`` -> ``clinical.tmb_numerical``;
* ``msi`` -> ``genomic.ms_status`` (``MSI-H`` / ``MSS``);
* ``alterations`` / ``altered_genes`` -> ``genomic`` nodes (``hugo_symbol``,
  ``protein_change``, ``variant_category``, ``cnv_call``);
* ``all`` / ``any`` -> ``and`` / ``or``; ``not`` of a clinical value -> ``"!value"``.

Everything else (SSTR imaging, IHC such as DLL3, prior therapies, line, ECOG,
stage, Ki-67 limits, ...) has no CTML field. Such criteria are listed under
``_nenboard.unmapped_criteria``; within an ``all`` an unmappable part is dropped
(so the CTML match is broader than the trial: necessary, not sufficient), while
an ``any`` or ``not`` with an unmappable part is dropped whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nenboard.errors import InputError
from nenboard.knowledge.compile import compile_condition, facts_read
from nenboard.knowledge.conditions import AllOf, AnyOf, Condition, FactTest, Truth
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.knowledge.schema import Trial

DIAGNOSIS_FACTS = frozenset({"entity", "site", "site_group", "gep", "differentiation",
                             "morphology"})
NUMERIC_OPS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
CTML_STATUS = {"recruiting": "Open to Accrual"}
CLOSED_STATUS = "Closed to Accrual"
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
PROTEIN_CHANGE = re.compile(r"^(p\.)?[A-Z*]\d+[A-Za-z*]*$")
CNV_CALLS = {"amplification": ("Copy Number Variation", "High Amplification"),
             "deletion": ("Copy Number Variation", "Homozygous Deletion"),
             "loss": ("Copy Number Variation", "Homozygous Deletion")}
STRUCTURAL = {"fusion", "rearrangement", "translocation"}
MSI = {"high": "MSI-H", "stable": "MSS"}


@lru_cache(maxsize=1)
def oncotree_names() -> dict[str, str]:
    path = Path(__file__).with_name("oncotree_names.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def ctml_phase(phase: str | None) -> str | None:
    if not phase:
        return None
    tokens = re.findall(r"\d", phase)
    return "/".join(ROMAN.get(t, t) for t in dict.fromkeys(tokens)) or phase


@dataclass
class _Mapping:
    unmapped: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _leaf(test: FactTest) -> tuple[dict[str, Any] | None, str | None]:
    """One fact test -> a CTML node, or (None, reason)."""
    ops = dict(test.operators())
    fact = test.fact
    if fact in ("age", "tmb") and ops and set(ops) <= set(NUMERIC_OPS):
        key = "age_numerical" if fact == "age" else "tmb_numerical"
        nodes = [{"clinical": {key: f"{NUMERIC_OPS[op]}{_num(v)}"}} for op, v in ops.items()]
        return (nodes[0] if len(nodes) == 1 else {"and": nodes}), None
    if fact == "sex" and set(ops) <= {"eq", "ne"} and len(ops) == 1:
        op, v = next(iter(ops.items()))
        word = str(v).capitalize()
        return {"clinical": {"gender": word if op == "eq" else f"!{word}"}}, None
    if fact == "msi" and len(ops) == 1 and set(ops) <= {"eq", "ne"}:
        op, v = next(iter(ops.items()))
        if v in MSI:
            return {"genomic": {"ms_status": MSI[v] if op == "eq" else f"!{MSI[v]}"}}, None
    if fact in ("alterations", "altered_genes") and len(ops) == 1:
        op, v = next(iter(ops.items()))
        values = [v] if op == "contains" else list(v) if op == "contains_any" else None
        if values is not None:
            nodes = [_genomic(fact, str(x)) for x in values]
            return (nodes[0] if len(nodes) == 1 else {"or": nodes}), None
    return None, f"no CTML field for fact {fact!r}"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _genomic(fact: str, value: str) -> dict[str, Any]:
    if fact == "altered_genes":
        return {"genomic": {"hugo_symbol": value.upper(), "variant_category": "Any Variation"}}
    gene, _, change = value.partition(" ")
    node: dict[str, Any] = {"hugo_symbol": gene.upper()}
    low = change.strip().lower()
    if low in CNV_CALLS:
        node["variant_category"], node["cnv_call"] = CNV_CALLS[low]
    elif low in STRUCTURAL:
        node["variant_category"] = "Structural Variation"
    elif PROTEIN_CHANGE.match(change.strip()):
        pc = change.strip()
        node["variant_category"] = "Mutation"
        node["protein_change"] = pc if pc.startswith("p.") else f"p.{pc}"
    else:
        node["variant_category"] = "Any Variation"
    return {"genomic": node}


def condition_to_ctml(cond: Condition) -> tuple[dict[str, Any] | None, list[str]]:
    """A condition -> (CTML node or None, reasons for what did not map)."""
    if isinstance(cond, FactTest):
        node, reason = _leaf(cond)
        return node, [reason] if reason else []
    if isinstance(cond, AllOf):
        parts, reasons = [], []
        for c in cond.all:
            node, why = condition_to_ctml(c)
            reasons += why
            if node is not None:
                parts.append(node)
        if not parts:
            return None, reasons
        return (parts[0] if len(parts) == 1 else {"and": parts}), reasons
    if isinstance(cond, AnyOf):
        parts, reasons = [], []
        for c in cond.any:
            node, why = condition_to_ctml(c)
            if node is None or why:  # a dropped branch would make the 'or' narrower
                return None, [*reasons, *why, "an 'any' with an unmappable branch"]
            parts.append(node)
        return (parts[0] if len(parts) == 1 else {"or": parts}), []
    inner, why = condition_to_ctml(cond.not_)
    if inner is not None and not why and "clinical" in inner and len(inner["clinical"]) == 1:
        key, value = next(iter(inner["clinical"].items()))
        if isinstance(value, str) and not value.startswith(("!", "<", ">")):
            return {"clinical": {key: f"!{value}"}}, []
    return None, [*why, "a 'not' CTML cannot express"]


def _diagnosis_codes(conds: list[Condition], kb: KnowledgeBase) -> list[str]:
    """OncoTree codes of the site/entity combinations that satisfy every diagnosis criterion."""
    tests = [compile_condition(c) for c in conds]
    codes: list[str] = []
    for site in sorted(kb.sites.values(), key=lambda s: s.id):
        for key, code in site.oncotree.items():
            entity = "NEC" if key.startswith("NEC") else key
            if entity == "NEC":
                morphologies = ["small_cell"] if key == "NEC_small_cell" else (
                    ["large_cell"] if "NEC_small_cell" in site.oncotree
                    else ["small_cell", "large_cell"])
            else:
                morphologies = [None]
            for morph in morphologies:
                facts = {"entity": entity, "site": site.id, "site_group": site.group,
                         "gep": site.gep, "morphology": morph,
                         "differentiation": "well" if entity == "NET" else "poor"}
                if all(t(facts) is Truth.MET for t in tests):
                    if code not in codes:
                        codes.append(code)
                    break
    return codes


def trial_to_ctml(trial: Trial, kb: KnowledgeBase) -> dict[str, Any]:
    """One trial as a CTML document (plain data)."""
    info = _Mapping()
    diagnosis: list[Condition] = []
    others: list[dict[str, Any]] = []
    mapped_ids: list[str] = []
    for crit in trial.eligibility:
        reads = set(facts_read(crit.condition))
        if reads and reads <= DIAGNOSIS_FACTS:
            diagnosis.append(crit.condition)
            mapped_ids.append(crit.id)
            continue
        node, why = condition_to_ctml(crit.condition)
        if node is not None:
            others.append(node)
            mapped_ids.append(crit.id)
        if why:
            info.unmapped.append({"id": crit.id, "criterion": " ".join(crit.text.split()),
                                  "mapped": "partly" if node is not None else "no",
                                  "reason": "; ".join(dict.fromkeys(why))})
    nodes: list[dict[str, Any]] = []
    if diagnosis:
        codes = _diagnosis_codes(diagnosis, kb)
        names = oncotree_names()
        unnamed = [c for c in codes if c not in names]
        if unnamed:
            info.notes.append(f"OncoTree codes without a known name exported as codes: "
                              f"{', '.join(unnamed)}")
        dx = [{"clinical": {"oncotree_primary_diagnosis": names.get(c, c)}} for c in codes]
        if not dx:
            info.notes.append("no knowledge-base site/entity satisfies the diagnosis criteria")
        elif len(dx) == 1:
            nodes.append(dx[0])
        else:
            nodes.append({"or": dx})
    nodes += others
    match: list[dict[str, Any]] = []
    if nodes:
        match = [nodes[0] if len(nodes) == 1 else {"and": nodes}]
    if trial.uncurated or not trial.eligibility:
        info.notes.append("criteria not yet structured in the knowledge base")
    arms = trial.arms or []
    suspended = "N" if trial.status == "recruiting" else "Y"
    ctml_arms = [{
        "arm_code": arm.name,
        "arm_description": arm.name,
        "arm_internal_id": i,
        "arm_suspended": suspended,
        "match": match,
    } for i, arm in enumerate(arms, 1)] or [{
        "arm_code": "all", "arm_description": "all patients", "arm_internal_id": 1,
        "arm_suspended": suspended, "match": match}]
    drugs = list(dict.fromkeys(
        (kb.therapy(t).name if kb.therapy(t) else t) for a in arms for t in a.therapies))
    doc: dict[str, Any] = {
        "protocol_no": trial.id,
        "nct_id": trial.nct[0] if trial.nct else None,
        "long_title": trial.name,
        "short_title": trial.name,
        "phase": ctml_phase(trial.phase),
        "status": CTML_STATUS.get(trial.status, CLOSED_STATUS),
        "drug_list": {"drug": [{"drug_name": d} for d in drugs]},
        "treatment_list": {"step": [{"step_internal_id": 1, "step_code": "1", "arm": ctml_arms}]},
        "_nenboard": {
            "trial": trial.id,
            "nct_ids": list(trial.nct),
            "status": trial.status,
            "kb_version": kb.version,
            "mapped_criteria": mapped_ids,
            "unmapped_criteria": info.unmapped,
            "notes": info.notes,
        },
    }
    return doc


def export_ctml(kb: KnowledgeBase, only: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """CTML documents for every trial (or only the given ids / NCT numbers), by trial id."""
    trials = sorted(kb.trials.values(), key=lambda t: t.id)
    if only is not None:
        wanted = [w.strip() for w in only if w.strip()]
        chosen: list[Trial] = []
        for w in wanted:
            hit = kb.trials.get(w) or kb.trials.get(w.lower()) or next(
                (t for t in trials if w.upper() in t.nct), None)
            if hit is None:
                raise InputError.single("--trial", "no trial with this id or NCT number", w)
            if hit not in chosen:
                chosen.append(hit)
        trials = chosen
    return [trial_to_ctml(t, kb) for t in trials]


class _Dumper(yaml.SafeDumper):
    """Plain YAML: arms share one match tree, but CTML readers expect no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dumps_ctml(docs: list[dict[str, Any]]) -> str:
    """All documents as one multi-document YAML stream."""
    return yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         width=100, explicit_start=True)


def write_ctml(docs: list[dict[str, Any]], folder: Path) -> list[Path]:
    """One ``<protocol_no>.yaml`` per trial in ``folder`` (created if needed)."""
    if folder.exists() and not folder.is_dir():
        raise InputError.single(str(folder), "exists and is not a directory")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in docs:
        path = folder / f"{doc['protocol_no']}.yaml"
        path.write_text(yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                  width=100), encoding="utf-8")
        paths.append(path)
    return paths
