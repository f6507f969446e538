"""What a reader sees: the summary on one A4 page, a typical case in <= 8 pages, figures whose
labels do not overlap, and no rendering warnings."""

from __future__ import annotations

import io
import itertools
import warnings

import pytest

from nenboard.board import evaluate
from nenboard.case import read_case
from nenboard.report import figures
from nenboard.report.html import _figure_panels, render_html
from tests.conftest import EXAMPLES

STAMP = "2026-01-01T00:00:00+00:00"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
TYPICAL = ("si_net_after_ssa", "nec_after_platinum", "pannet_after_ssa")


@pytest.fixture(scope="module")
def reports(kb):
    return {p.stem: evaluate(read_case(p, kb), kb, timestamp=STAMP, pathway=False)
            for p in EXAMPLE_FILES}


def _pdf(html: str):
    pdfium = pytest.importorskip("pypdfium2")
    from nenboard.report.pdf import html_to_pdf

    try:
        return pdfium.PdfDocument(io.BytesIO(html_to_pdf(html)))
    except RuntimeError as exc:  # Pango missing: .ci/run installs it
        pytest.skip(str(exc))


def _page_text(doc, i: int) -> str:
    return doc[i].get_textpage().get_text_range()


def _text_boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_window_extent"))
             if t.get_visible() and t.get_text().strip()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts]


def _overlaps(fig) -> list[tuple[str, str]]:
    boxes = _text_boxes(fig)
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def test_comparison_figures_have_no_overlapping_labels(reports):
    drawn = 0
    for name, report in reports.items():
        for option in report.options:
            panels = _figure_panels(option)
            if option.category not in ("standard", "alternative") or not panels:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                fig = figures.comparison_figure(panels)
                assert _overlaps(fig) == [], (name, option.therapy)
            labels = [t for t, _ in _text_boxes(fig)]
            printed = " ".join(labels)
            for c in panels:  # every panel names its trial and source, values printed
                assert c.trial_name in printed and c.source_names[0] in printed
                for arm in c.arms:
                    assert any(figures.value_text(arm) == t for t in labels)
            figures.plt.close(fig)
            drawn += 1
    assert drawn >= 10


def test_the_overlap_check_catches_overlapping_labels():
    fig, ax = figures.plt.subplots()
    ax.text(0.5, 0.5, "first label")
    ax.text(0.5, 0.5, "second label")
    assert _overlaps(fig)
    figures.plt.close(fig)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_FILES])
def test_rendering_emits_no_warnings(reports, kb, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render_html(reports[name], kb)


def test_board_summary_fits_the_first_a4_page(reports, kb):
    # the example with the most summary lines
    name = max(reports, key=lambda n: len(reports[n].summary.options) + len(reports[n].summary.tests)
               + len(reports[n].summary.trials) + sum(len(o.cautions) for o in
                                                      reports[n].summary.options))
    doc = _pdf(render_html(reports[name], kb))
    width, height = doc[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    first, second = _page_text(doc, 0), _page_text(doc, 1)
    assert "Board summary" in first and "does not replace" in first and "Details:" in first
    assert "Board summary" not in second and second.lstrip().startswith("Case")


@pytest.mark.parametrize("name", TYPICAL)
def test_typical_case_pdf_is_at_most_eight_pages(reports, kb, name):
    doc = _pdf(render_html(reports[name], kb))
    assert len(doc) <= 8, f"{name}: {len(doc)} pages"
