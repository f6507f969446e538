"""One Report in any of its published formats (CLI and API share this)."""

from __future__ import annotations

from typing import Literal

from nenboard.knowledge.loader import KnowledgeBase
from nenboard.report.model import Report

ReportFormat = Literal["json", "html", "pdf"]
MEDIA_TYPES: dict[str, str] = {"json": "application/json", "html": "text/html",
                               "pdf": "application/pdf"}


def render_report(report: Report, kb: KnowledgeBase, fmt: ReportFormat) -> str | bytes:
    """JSON text, self-contained HTML, or PDF bytes rendered from that same HTML."""
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    from nenboard.report.html import render_html

    html = render_html(report, kb)
    if fmt == "html":
        return html
    from nenboard.report.pdf import html_to_pdf

    return html_to_pdf(html)
