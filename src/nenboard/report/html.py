"""Render a Report as one self-contained, printable HTML page (Jinja2)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nenboard.board.evaluate import citation_key
from nenboard.knowledge.loader import KnowledgeBase
from nenboard.pathology.classify import grading
from nenboard.report import figures
from nenboard.report.model import Report

CATEGORY_ORDER = ("standard", "alternative", "trial", "investigational")


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("nenboard.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["cite_key"] = lambda c: citation_key(c if isinstance(c, dict) else dict(c))
    return env


def _summary(case: dict[str, Any]) -> list[tuple[str, str]]:
    t, p, img = case.get("tumor", {}), case.get("patient", {}), case.get("imaging", {})
    rows = [
        ("Patient", ", ".join(f"{k} {v}" for k, v in p.items()) or "not stated"),
        ("Primary site", t.get("primary_site", "not stated").replace("_", " / ")),
        ("Differentiation / morphology", f"{t.get('differentiation', '-')} / "
                                         f"{t.get('morphology', '-')}"),
        ("Ki-67 / mitoses", f"{t.get('ki67', '-')}% / {t.get('mitoses', '-')} per 2 mm²"),
        ("Extent", f"{t.get('stage', 'not stated')}; resectable: {t.get('resectable', '-')}; "
                   f"metastases: {', '.join(t.get('metastases', [])) or '-'}"),
        ("Functional / hereditary syndrome", f"{t.get('functional_syndrome', 'none stated')} / "
                                             f"{t.get('hereditary_syndrome', 'none stated')}"),
        ("Imaging", ", ".join(f"{k} {v}" for k, v in img.items()) or "not stated"),
    ]
    return rows


def _outcome_rows(report: Report, kb: KnowledgeBase) -> list[tuple[str, Any]]:
    rows = []
    for option in report.options:
        extra = option.model_extra or {}
        trial_ids = list(extra.get("trials", []) or [])
        evidence = option.evidence if isinstance(option.evidence, list) else []
        trial_ids += [e.get("trial") or e.get("id") for e in evidence if isinstance(e, dict)]
        for tid in dict.fromkeys(t for t in trial_ids if t):
            if tid in kb.trials:
                rows.append((option.name[:28], kb.trials[tid]))
    return rows


def render_html(report: Report, kb: KnowledgeBase) -> str:
    data = report.model_dump(mode="json")
    by_category = [(cat, [o for o in data["options"] if o["category"] == cat])
                   for cat in CATEGORY_ORDER]
    figs = {
        "ki67": figures.ki67_scale(report.case.get("tumor", {}).get("ki67"), grading(kb),
                                   report.classification.who_label),
        "outcomes": figures.outcome_comparison(_outcome_rows(report, kb)),
        "pathway": figures.pathway_ranking(report.pathway) if report.pathway else None,
    }
    numbers = {ref.key: i for i, ref in enumerate(report.references, start=1)}
    return _env().get_template("report.html.j2").render(
        r=data, summary=_summary(report.case), options_by_category=[c for c in by_category if c[1]],
        figures=figs, ref_numbers=numbers)
