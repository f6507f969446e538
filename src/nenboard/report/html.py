"""Render a Report as one self-contained, printable HTML page (Jinja2).

The board summary comes first and fits one A4 page; the details follow in
sections a reader can jump to (table of contents) and, on screen, fold away
(<details>). The PDF is rendered from this same HTML.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.pathology.classify import grading
from nenboard.report import figures
from nenboard.report.evidence import source_name
from nenboard.report.model import Comparison, Report
from nenboard.report.references import citation_key
from nenboard.report.summary import summarise

CATEGORY_ORDER = ("standard", "alternative", "investigational", "trial")
DETAILED = ("standard", "alternative", "investigational")
FIGURE_CATEGORIES = ("standard", "alternative")
FIGURE_ENDPOINTS = ("PFS", "TTP", "OS", "ORR", "DCR", "PFS_rate", "OS_rate")
MAX_PANELS = 2
SECTIONS = (("case", "Case"), ("classification", "Classification (WHO 2019)"),
            ("options", "Therapy options and evidence"), ("excluded", "Considered and not offered"),
            ("resistance", "Resistance analysis"), ("molecular", "Molecular profile"),
            ("trials", "Clinical trials"), ("to-complete", "Facts to complete"),
            ("pathway", "Pathway prediction"), ("references", "References"))


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("nenboard.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["cite_key"] = lambda c: citation_key(c if isinstance(c, dict) else dict(c))
    env.filters["words"] = lambda v: str(v if v is not None else "-").replace("_", " ")
    return env


def _figure_panels(option: Any) -> list[Comparison]:
    """The comparisons worth a picture: main endpoints, whole population first."""
    panels = [c for c in option.comparisons if c.endpoint in FIGURE_ENDPOINTS]
    panels.sort(key=lambda c: (c.subgroup is not None, FIGURE_ENDPOINTS.index(c.endpoint)))
    return panels[:MAX_PANELS]


def _cite_index(report: Report, kb: KnowledgeBase) -> dict[str, tuple[int, str]]:
    """In-text citation key -> (publication number, 'McClellan 2022 ref 27, 3.2')."""
    out = {}
    for n, ref in enumerate(report.references, start=1):
        name = source_name(ref.source, kb)
        for place in ref.cited:
            where = f"{name}" + (f" ref {place.ref}" if place.ref else "") + f", {place.locator}"
            out[place.key] = (n, where)
    return out


def _places(ref: Any) -> dict[str, list[tuple[str, str]]]:
    """A publication's cited places: locator -> its reference numbers, and the primary studies."""
    by_locator: dict[str, list[str]] = {}
    primary: dict[str, str] = {}
    for p in ref.cited:
        refs = by_locator.setdefault(p.locator, [])
        if p.ref and p.ref not in refs:
            refs.append(p.ref)
        if p.ref and p.primary:
            primary.setdefault(p.ref, p.primary)
    return {"locators": [(loc, ", ".join(refs)) for loc, refs in by_locator.items()],
            "primary": list(primary.items())}


def _strategy_seen(report: Report) -> list[set[str]]:
    """Per resistance entry, the strategies already listed under an earlier one."""
    seen: set[str] = set()
    out = []
    for r in report.resistance:
        here = {st.get("description", "") if isinstance(st, dict) else str(st)
                for st in r.strategies}
        out.append(here & seen)
        seen |= here
    return out


def render_html(report: Report, kb: KnowledgeBase) -> str:
    summary = report.summary or summarise(report)
    data = report.model_dump(mode="json")
    by_category = {cat: [o for o in data["options"] if o["category"] == cat]
                   for cat in CATEGORY_ORDER}
    option_figures = {}
    drawn = [c for c in FIGURE_CATEGORIES if any(o.category == c for o in report.options)][:1]
    for o in report.options:  # figures for the first tier offered (standard, else alternative)
        if o.category in drawn and (panels := _figure_panels(o)):
            option_figures[o.therapy] = figures.outcome_comparison(panels)
    figs = {
        "ki67": figures.ki67_scale(report.case.get("tumor", {}).get("ki67"), grading(kb),
                                   report.classification.who_label),
        "pathway": figures.pathway_ranking(report.pathway) if report.pathway else None,
    }
    present = {"excluded": bool(report.excluded), "resistance": bool(report.resistance),
               "to-complete": bool(report.to_complete), "pathway": bool(report.pathway)}
    toc = [(sid, title) for sid, title in SECTIONS if present.get(sid, True)]
    env = _env()
    env.filters["tname"] = lambda tid: getattr(kb.therapy(tid), "name", tid)
    return env.get_template("report.html.j2").render(
        r=data, s=summary.model_dump(mode="json"), facts=data["case_facts"],
        detailed=[(c, by_category[c]) for c in DETAILED if by_category[c]],
        trial_options=by_category["trial"], option_figures=option_figures, figures=figs,
        cite_index=_cite_index(report, kb), toc=toc, strategy_seen=_strategy_seen(report),
        references=[(ref.model_dump(mode="json"), _places(ref)) for ref in report.references])
