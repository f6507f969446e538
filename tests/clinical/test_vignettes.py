"""Clinical vignettes written from the three reviews (issue 13 "Done when").

Each vignette in ``vignettes/*.yaml`` is a patient (a valid nenboard case) with a list of
expectations; every expectation cites the review line it comes from. This module turns each
expectation into one pytest case, id ``<vignette-id>::<n>`` (n counts from 1), and checks it
through the Python APIs (planner, classification, molecular tiering, trial matcher, pathway
genotype reader).

The interpretation of every expectation kind lives in ``CHECKS`` below and nowhere else, so
that a change of field names (e.g. applied cautions, plan-level ``differential`` and
``no_guidance``) is adapted in one place. Expectations that do not hold yet are listed in
``known_failures.txt``; they run as ``xfail(strict=True)``, so an expectation that starts
holding fails until its line is removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from nenboard.case.read import case_from_data
from nenboard.knowledge import default_kb

HERE = Path(__file__).resolve().parent
VIGNETTES = HERE / "vignettes"
KNOWN_FAILURES = HERE / "known_failures.txt"
SEED_FILES = {"000_ed059868281264b1.txt", "003_7063078c8ccfe278.txt", "004_7c0b90b815a0ed8e.txt"}
META_KEYS = {"cite", "note"}


# --------------------------------------------------------------------------- loading

def load_vignettes() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(VIGNETTES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for v in doc if isinstance(doc, list) else [doc]:
            v["_file"] = path.name
            out.append(v)
    return out


def known_failures() -> set[str]:
    if not KNOWN_FAILURES.exists():
        return set()
    lines = KNOWN_FAILURES.read_text(encoding="utf-8").splitlines()
    return {ln.split("#", 1)[0].strip() for ln in lines if ln.split("#", 1)[0].strip()}


def seeds_dir() -> Path | None:
    """The review texts: ``shared/seeds`` next to the checkout or any of its parents."""
    for parent in HERE.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


VIGNETTE_LIST = load_vignettes()
BY_ID = {v["id"]: v for v in VIGNETTE_LIST}


@cache
def kb():
    return default_kb()


@cache
def case_of(vid: str):
    data = dict(BY_ID[vid]["case"])
    data.setdefault("id", vid)
    return case_from_data(data, kb(), name=vid)


@cache
def plan_of(vid: str):
    from nenboard.therapy.planner import plan

    return plan(case_of(vid), kb())


@cache
def classification_of(vid: str):
    try:  # the full classification (with flags) lives with the fact deriver
        from nenboard.facts import classify
    except ImportError:  # older layout
        from nenboard.pathology import classify

    return classify(case_of(vid), kb())


@cache
def profile_of(vid: str):
    from nenboard.genomics import annotate_case

    return annotate_case(case_of(vid), kb())


@cache
def trial_matches_of(vid: str):
    from nenboard.trials import match_trials

    return match_trials(case_of(vid), kb())


# --------------------------------------------------------------------------- field access
# Everything that depends on the plan's field names is in this section.

def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


def _text(obj: Any) -> str:
    """All human-readable text of a (nested) result object, for regex matching."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):  # values only: a key name such as "anti_secretory" is no evidence
        return " | ".join(_text(v) for v in obj.values())
    if isinstance(obj, (list, tuple, set)):
        return " | ".join(_text(x) for x in obj)
    if hasattr(obj, "model_dump"):
        return _text(obj.model_dump(mode="json"))
    return str(obj)


def resolve(name: str) -> str:
    return kb().resolve_therapy(name) or name


def _drug_names() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for did, drug in kb().drugs.items():
        names = {did, drug.name, *(getattr(drug, "synonyms", None) or [])}
        words = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) > 3)
        out.append((did, re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)))
    return out


DRUG_NAMES = None


def option_drugs(option: Any) -> set[str]:
    """The drugs an option stands for: its regimen's components, else the drug itself, plus
    any drug the option names (``name`` contains the drug names by contract)."""
    global DRUG_NAMES
    if DRUG_NAMES is None:
        DRUG_NAMES = _drug_names()
    explicit = _get(option, "drugs") or _get(option, "regimen_drugs")
    if explicit:
        return {resolve(d) for d in explicit}
    therapy = option.therapy
    drugs = set(kb().components_of(therapy)) or ({therapy} if therapy in kb().drugs else set())
    name = re.sub(r"\((?:matched to|for|with)[^)]*\)", "", option.name, flags=re.IGNORECASE)
    drugs |= {did for did, rx in DRUG_NAMES if rx.search(name)}
    return drugs


def _key(therapy: str) -> frozenset[str]:
    t = resolve(therapy)
    return frozenset(kb().components_of(t)) or frozenset({t})


def therapy_matches(option_therapy: str, wanted: str) -> bool:
    return option_therapy == resolve(wanted) or _key(option_therapy) == _key(wanted)


def option_classes(option: Any) -> set[str]:
    return set(option.classes or []) | set(kb().classes_of(option.therapy))


def select_options(plan: Any, spec: dict[str, Any]) -> list[Any]:
    out = []
    for o in plan.options:
        if "therapy" in spec and not therapy_matches(o.therapy, spec["therapy"]):
            continue
        if "class" in spec and spec["class"] not in option_classes(o):
            continue
        if "category" in spec and o.category not in _as_list(spec["category"]):
            continue
        if "origin" in spec and o.origin not in _as_list(spec["origin"]):
            continue
        if "rationale_matches" in spec and not _rx(spec["rationale_matches"]).search(
                _text([o.name, o.rationale, o.notes])):
            continue
        out.append(o)
    return out


def _as_list(x: Any) -> list[Any]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _describe(options: Iterable[Any]) -> str:
    return "; ".join(f"{o.category}:{o.therapy}" for o in options) or "none"


STATUS_ALIASES = {"unknown": "to_check", "to check": "to_check"}


def _status(item: Any) -> str | None:
    s = _get(item, "status")
    return STATUS_ALIASES.get(s, s) if s else None


def _item_text(item: Any) -> str:
    return item if isinstance(item, str) else _text(item)


def to_complete_texts(plan: Any) -> list[str]:
    return [_text(t) for t in plan.to_complete]


def plan_field_text(plan: Any, field: str) -> str:
    return _text(_get(plan, field))


def resistance_entries(plan: Any, therapy: str) -> list[Any]:
    return [r for r in plan.resistance if therapy_matches(r.therapy, therapy)]


# --------------------------------------------------------------------------- checks
# Each check takes (vignette id, spec) and returns None when the expectation holds, else a
# message saying what was seen.

Check = Callable[[str, Any], str | None]


def check_option(vid: str, spec: dict[str, Any]) -> str | None:
    plan = plan_of(vid)
    found = select_options(plan, spec)
    if not found:
        return f"no option matching {spec}; options: {_describe(plan.options)}"
    return None


def check_no_option(vid: str, spec: dict[str, Any]) -> str | None:
    found = select_options(plan_of(vid), spec)
    return f"offered: {_describe(found)}" if found else None


def check_not_standard(vid: str, spec: dict[str, Any]) -> str | None:
    return check_no_option(vid, {**spec, "category": ["standard"]})


def check_every_option_mentions(vid: str, spec: dict[str, Any]) -> str | None:
    """Every option of the therapy (if any is offered) says ``matches`` in its name,
    rationale or notes (e.g. a re-offer after a toxicity stop names the toxicity)."""
    rx = _rx(spec["matches"])
    silent = [o for o in select_options(plan_of(vid), {k: v for k, v in spec.items()
                                                        if k != "matches"})
              if not rx.search(_text([o.name, o.rationale, o.notes]))]
    return f"options not saying /{rx.pattern}/: {[(o.category, o.name) for o in silent]}" \
        if silent else None


def check_excluded(vid: str, spec: dict[str, Any]) -> str | None:
    plan = plan_of(vid)
    rx = _rx(spec.get("reason_matches", "."))
    hits = [e for e in plan.excluded if therapy_matches(e.therapy, spec["therapy"])]
    if any(rx.search(e.reason) for e in hits):
        return None
    return (f"no exclusion of {spec['therapy']} with reason /{rx.pattern}/; "
            f"exclusions of it: {[e.reason for e in hits]}")


def check_to_complete(vid: str, pattern: str) -> str | None:
    texts = to_complete_texts(plan_of(vid))
    return None if any(_rx(pattern).search(t) for t in texts) else f"to_complete: {texts}"


def check_to_complete_first(vid: str, pattern: str) -> str | None:
    texts = to_complete_texts(plan_of(vid))
    if texts and _rx(pattern).search(texts[0]):
        return None
    return f"first to_complete item: {texts[:1]}"


def check_no_to_complete(vid: str, pattern: str) -> str | None:
    texts = [t for t in to_complete_texts(plan_of(vid)) if _rx(pattern).search(t)]
    return f"still asked: {texts}" if texts else None


def _option_items(vid: str, spec: dict[str, Any], field: str) -> tuple[list[Any], str | None]:
    options = select_options(plan_of(vid), {"therapy": spec["therapy"]})
    if not options and spec.get("if_offered"):
        return [], "not offered"
    if not options:
        return [], f"no option for {spec['therapy']}: {_describe(plan_of(vid).options)}"
    rx = _rx(spec.get("matches", "."))
    items = [i for o in options for i in (_get(o, field) or []) if rx.search(_item_text(i))]
    return items, None


def check_caution(vid: str, spec: dict[str, Any]) -> str | None:
    items, problem = _option_items(vid, spec, "cautions")
    if problem == "not offered":
        return None
    if problem:
        return problem
    want = spec.get("status")
    if want == "met":  # a met caution may also simply not be shown as a to-do
        pending = [i for i in items if _status(i) != "met"]
        return f"caution still pending: {[_text(i) for i in pending]}" if pending else None
    hits = [i for i in items if want is None or _status(i) == want]
    if not hits:
        return f"cautions matching: {[(_item_text(i), _status(i)) for i in items]}"
    if "triggered_by_matches" in spec:
        rx = _rx(spec["triggered_by_matches"])
        if not any(rx.search(_text([_get(i, "triggered_by"), _get(i, "facts")])) for i in hits):
            return f"triggering value not shown: {[_text(i) for i in hits]}"
    return None


def check_prerequisite(vid: str, spec: dict[str, Any]) -> str | None:
    items, problem = _option_items(vid, spec, "prerequisites")
    if problem == "not offered":
        return None
    if problem:
        return problem
    want = spec.get("status")
    if want == "met":  # already met: shown as met, or not repeated as a to-do
        pending = [i for i in items if _status(i) != "met"]
        return f"prerequisite repeated as a to-do: {[_item_text(i) for i in pending]}" \
            if pending else None
    hits = [i for i in items if want is None or _status(i) == want]
    return None if hits else \
        f"prerequisites matching: {[(_item_text(i), _status(i)) for i in items]}"


def check_resistance(vid: str, spec: dict[str, Any]) -> str | None:
    entries = resistance_entries(plan_of(vid), spec["therapy"])
    if not entries:
        return f"no resistance entry for {spec['therapy']}: " \
               f"{[r.therapy for r in plan_of(vid).resistance]}"
    for r in entries:
        if "kind" in spec and r.kind != spec["kind"]:
            continue
        if "symptomatic" in spec and r.symptomatic != spec["symptomatic"]:
            continue
        if "radiological" in spec and r.radiological != spec["radiological"]:
            continue
        if "anti_secretory" in spec and _anti_secretory(r) != spec["anti_secretory"]:
            continue
        if "mechanism_matches" in spec and not any(
                _rx(spec["mechanism_matches"]).search(_text([m.id, m.name, m.description]))
                for m in r.mechanisms):
            continue
        if "text_matches" in spec and not _rx(spec["text_matches"]).search(_text(r)):
            continue
        return None
    return "resistance entries: " + "; ".join(
        f"{r.therapy} kind={r.kind} symptomatic={r.symptomatic} radiological={r.radiological} "
        f"anti_secretory={_anti_secretory(r)} "
        f"mechanisms={[m.id for m in r.mechanisms]}" for r in entries)


def _anti_secretory(r: Any) -> bool | None:
    """Anti-secretory (hormonal) resistance: the plan's own flag when it has one."""
    flag = _get(r, "anti_secretory")
    return flag if flag is not None else None


def check_no_resistance(vid: str, spec: dict[str, Any]) -> str | None:
    entries = resistance_entries(plan_of(vid), spec["therapy"])
    return f"resistance recorded: {[(r.therapy, r.kind) for r in entries]}" if entries else None


def check_classify(vid: str, spec: dict[str, Any]) -> str | None:
    c = classification_of(vid)
    for key in ("entity", "grade"):
        if key in spec and _get(c, key) != spec[key]:
            return f"{key} is {_get(c, key)!r}, expected {spec[key]!r} ({c.who_label})"
    if "warning_matches" in spec:
        text = _text([c.warnings, c.flags])
        if not _rx(spec["warning_matches"]).search(text):
            return f"no warning /{spec['warning_matches']}/: {[w.code for w in c.warnings]}"
    return None


def check_molecular(vid: str, spec: dict[str, Any]) -> str | None:
    alts = [a for a in profile_of(vid).alterations
            if a.observed.variant.gene.upper() == spec["gene"].upper()]
    if not alts:
        return f"{spec['gene']} not in the molecular profile"
    seen = []
    for a in alts:
        d = a.to_dict()
        seen.append((d["alteration"], d["tier"], d["drugs"]))
        if "tier_in" in spec and d["tier"] not in spec["tier_in"]:
            continue
        if "direction" in spec and d["direction"] != spec["direction"]:
            continue
        if "drugs_include" in spec and not set(map(resolve, spec["drugs_include"])) <= {
                resolve(x) for x in d["drugs"]}:
            continue
        if "drugs_exclude" in spec and set(map(resolve, spec["drugs_exclude"])) & {
                resolve(x) for x in d["drugs"]}:
            continue
        return None
    return f"{spec['gene']}: {seen}"


def check_regimen_option(vid: str, spec: dict[str, Any]) -> str | None:
    want = {resolve(d) for d in spec["drugs_all"]}
    options = select_options(plan_of(vid), {k: v for k, v in spec.items() if k == "category"})
    if any(want <= option_drugs(o) for o in options):
        return None
    return f"no option with all of {sorted(want)}: " + "; ".join(
        f"{o.therapy}={sorted(option_drugs(o))}" for o in options if option_drugs(o) & want)


def check_no_single_drug_option(vid: str, spec: dict[str, Any]) -> str | None:
    drug = resolve(spec["drug"])
    alone = [o for o in plan_of(vid).options if option_drugs(o) == {drug}]
    return f"offered alone: {_describe(alone)} ({[o.name for o in alone]})" if alone else None


def check_no_guidance(vid: str, expected: bool) -> str | None:
    plan = plan_of(vid)
    text = plan_field_text(plan, "no_guidance")
    if bool(text.strip()) == bool(expected):
        return None
    return f"no_guidance={text!r}; options: {_describe(plan.options)}"


def check_differential(vid: str, spec: dict[str, Any]) -> str | None:
    diff = _get(plan_of(vid), "differential")
    text = _text(diff)
    if not text.strip():
        return "the plan carries no differential"
    if _get(diff, "conflict") is False and spec.get("conflict", True):
        return f"differential without a conflict: {text[:300]}"
    rx = _rx(spec.get("matches", "."))
    return None if rx.search(text) else f"differential: {text[:300]}"


def check_genotype_agrees(vid: str, spec: dict[str, Any]) -> str | None:
    """`nenboard molecular` and `nenboard simulate --case` read the gene the same way, and
    both as ``spec['class']`` (loss | activating) when it is given."""
    from nenboard.systems import data as sysdata
    from nenboard.systems.case import genotypes_from_case_dict

    gene = spec["gene"].upper()
    molecular = molecular_class(vid, gene)
    case = case_of(vid).model_dump(mode="json", exclude_none=True)
    found, _unmapped = genotypes_from_case_dict(case, sysdata.load().genotypes)
    classes = {g.match.klass for g in found if g.gene.upper() == gene}
    simulate = next(iter(classes)) if classes else "wild_type"
    want = spec.get("class")
    if molecular == simulate and (want is None or want == molecular):
        return None
    return f"molecular reads {gene} as {molecular}, simulate as {simulate}" + \
        (f" (expected {want})" if want else "")


LOSS_WORDS = ("nonsense", "frameshift", "splice", "stop", "truncat", "loss", "deletion")


def molecular_class(vid: str, gene: str) -> str:
    """How `nenboard molecular` reads the gene: loss, activating (a recognised gain-type
    change), other, or absent."""
    for a in profile_of(vid).alterations:
        v = a.observed.variant
        if v.gene.upper() != gene:
            continue
        text = " ".join(str(x).lower() for x in (v.kind, v.consequence) if x)
        if any(w in text for w in LOSS_WORDS):
            return "loss"
        if v.problem is None and v.kind in ("mutation", "amplification", "gain", "fusion"):
            return "activating"
        return "other"
    return "absent"


def check_trial(vid: str, spec: dict[str, Any]) -> str | None:
    nct = spec["nct"]
    trial_ids = {t.id for t in kb().trials.values() if nct in (t.nct or [])}
    if not trial_ids:
        return f"{nct} is not in the knowledge base"
    offered = [o for o in plan_of(vid).options if o.origin == "trial_matcher"
               and any(f"trial {tid}" in o.notes or
                       any(e.trial == tid for e in o.evidence) for tid in trial_ids)]
    if "offered" in spec and bool(offered) != spec["offered"]:
        return f"{nct} offered={bool(offered)}, expected {spec['offered']}"
    if "eligibility_in" in spec:
        m = [m for m in trial_matches_of(vid) if m.trial.id in trial_ids]
        got = [x.eligibility for x in m]
        if not any(g in spec["eligibility_in"] for g in got):
            return f"{nct} eligibility {got}, expected one of {spec['eligibility_in']}"
    return None


CHECKS: dict[str, Check] = {
    "option": check_option,
    "no_option": check_no_option,
    "not_standard": check_not_standard,
    "every_option_mentions": check_every_option_mentions,
    "excluded": check_excluded,
    "to_complete_matches": check_to_complete,
    "to_complete_first_matches": check_to_complete_first,
    "no_to_complete_matches": check_no_to_complete,
    "caution": check_caution,
    "prerequisite": check_prerequisite,
    "resistance": check_resistance,
    "no_resistance": check_no_resistance,
    "classify": check_classify,
    "molecular": check_molecular,
    "regimen_option": check_regimen_option,
    "no_single_drug_option": check_no_single_drug_option,
    "plan_explains_no_guidance": check_no_guidance,
    "differential": check_differential,
    "genotype_agrees": check_genotype_agrees,
    "trial": check_trial,
}


def kind_of(expectation: dict[str, Any]) -> str:
    kinds = [k for k in expectation if k not in META_KEYS]
    if len(kinds) != 1 or kinds[0] not in CHECKS:
        raise ValueError(f"expectation must have exactly one kind of {sorted(CHECKS)}: "
                         f"{expectation}")
    return kinds[0]


def evaluate(vid: str, expectation: dict[str, Any]) -> str | None:
    kind = kind_of(expectation)
    return CHECKS[kind](vid, expectation[kind])


# --------------------------------------------------------------------------- pytest

def _params() -> list[Any]:
    failing = known_failures()
    out = []
    for v in VIGNETTE_LIST:
        for n in range(1, len(v.get("expect") or []) + 1):
            pid = f"{v['id']}::{n}"
            marks = [pytest.mark.xfail(strict=True, reason="known failure (known_failures.txt)")] \
                if pid in failing else []
            out.append(pytest.param(v["id"], n, id=pid, marks=marks))
    return out


@pytest.mark.parametrize(("vid", "n"), _params())
def test_expectation(vid: str, n: int) -> None:
    expectation = BY_ID[vid]["expect"][n - 1]
    problem = evaluate(vid, expectation)
    assert problem is None, f"{vid}::{n} [{kind_of(expectation)}] {problem}"


def test_vignettes_well_formed() -> None:
    ids = [v["id"] for v in VIGNETTE_LIST]
    assert len(ids) == len(set(ids)), "duplicate vignette ids"
    for v in VIGNETTE_LIST:
        assert {"id", "title", "classes", "case", "expect"} <= set(v), v.get("id")
        assert v["expect"], f"{v['id']}: no expectations"
        case_of(v["id"])  # a valid case
        for e in v["expect"]:
            kind_of(e)
            cite = e.get("cite")
            assert cite and {"file", "line", "quote"} <= set(cite), f"{v['id']}: uncited {e}"
            assert cite["file"] in SEED_FILES, f"{v['id']}: unknown seed {cite['file']}"


def test_known_failures_exist() -> None:
    ids = {f"{v['id']}::{n}" for v in VIGNETTE_LIST for n in range(1, len(v["expect"]) + 1)}
    stale = known_failures() - ids
    assert not stale, f"known_failures.txt lists ids that do not exist: {sorted(stale)}"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip().lower()


@pytest.mark.parametrize("vid", [v["id"] for v in VIGNETTE_LIST])
def test_citations_verbatim(vid: str) -> None:
    """Each quote starts on the cited line of the seed text (whitespace normalised)."""
    seeds = seeds_dir()
    if seeds is None:
        pytest.skip("seed texts not found (expected shared/seeds next to the checkout)")
    for e in BY_ID[vid]["expect"]:
        cite = e["cite"]
        lines = (seeds / cite["file"]).read_text(encoding="utf-8").splitlines()
        line = int(cite["line"])
        assert 0 < line <= len(lines), f"{vid}: {cite['file']} has no line {line}"
        first = _norm(lines[line - 1])
        window = _norm(" ".join(lines[line - 1: line + 12]))
        quote = _norm(cite["quote"])
        at = window.find(quote)
        assert at >= 0, f"{vid}: quote not at {cite['file']}:{line}: {cite['quote']!r}"
        assert at <= len(first), f"{vid}: quote does not start on {cite['file']}:{line}"
