"""Report figures as self-contained SVG data URIs (deterministic output)."""

from __future__ import annotations

import base64
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from nenboard.knowledge.schema import Grading
from nenboard.report.evidence import value_text
from nenboard.report.model import Comparison

plt.rcParams.update({"svg.hashsalt": "nenboard", "font.size": 9, "font.family": "DejaVu Sans"})
GRADE_COLOURS = {"G1": "#8fc9a8", "G2": "#f1d37a", "G3": "#e8927c"}


def _svg_uri(fig: plt.Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.04, metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue().encode()).decode()


def ki67_scale(ki67: float | None, grading: Grading, label: str) -> str:
    """The case's Ki-67 on the WHO 2019 grade scale (log axis so G1 is visible)."""
    fig, ax = plt.subplots(figsize=(6.4, 1.3))
    bounds = [0.3]
    for band in grading.bands[1:]:
        bounds.append(band.ki67.ge if band.ki67.ge is not None else band.ki67.gt)
    bounds.append(100)
    for band, lo, hi in zip(grading.bands, bounds, bounds[1:], strict=False):
        ax.axvspan(lo, hi, color=GRADE_COLOURS[band.grade], alpha=0.9)
        ax.text((lo * hi) ** 0.5, 0.5, band.grade, ha="center", va="center", weight="bold")
    marks = sorted({b.lower.gt or b.lower.ge for b in grading.ki67_bands
                    if (b.lower.gt or b.lower.ge)} - set(bounds))  # e.g. the 55% split
    for mark in marks:
        ax.axvline(mark, color="#555", ls=":", lw=1)
        ax.text(mark, 1.02, f"{mark:g}%", ha="center", va="bottom", fontsize=7,
                transform=ax.get_xaxis_transform())
    if ki67 is not None:
        x = max(ki67, 0.35)
        ax.plot([x], [0.5], marker="v", ms=14, color="#1f3b73")
        ax.text(x, 0.05, f"Ki-67 {ki67:g}%", ha="center", va="bottom", color="#1f3b73", weight="bold")
    ax.set_xscale("log")
    ax.set_xlim(0.3, 100)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ticks = sorted({0.5, 1, *bounds[1:], *marks})
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xlabel(f"Ki-67 index, % (WHO 2019 grade bands) - {label}")
    return _svg_uri(fig)


ARM_COLOUR, OTHER_COLOUR = "#1f5fae", "#a9b4c4"
FIG_WIDTH = 7.0        # inches: A4 text width (182 mm) and a laptop screen column
LABEL_WIDTH = 2.55     # inches reserved left of the bars for the arm names
RIGHT = 1.9            # inches right of the longest bar for its printed value
ROW = 0.27             # inches per arm
TITLE_LINE = 0.17      # inches per title line
GAP = 0.16             # inches between comparisons
TEXT_PT = 7.5


def _title(c: Comparison) -> list[str]:
    parts = [c.trial_name, c.label + (f" ({c.subgroup})" if c.subgroup else "")
             + (f" at {c.timepoint}" if c.timepoint else ""), ", ".join(c.source_names)]
    text = " · ".join(parts)
    if c.p:
        text += f" (p\u00a0{c.p})" if c.p[0] in "<>=" else f" (p\u00a0=\u00a0{c.p})"
    if c.disagrees:
        text += " - the reviews report different values"
    return textwrap.wrap(text, 100, break_long_words=False, break_on_hyphens=False)[:2]


def _rows(c: Comparison) -> list[tuple[str, float, str, bool, tuple[float, float] | None]]:
    """(label, value, value text, is this option's arm, CI) per drawn row."""
    if c.effect:
        e = c.effect
        label = f"{e.name} vs {c.comparator}" if c.comparator else e.name
        ci = (e.ci_low, e.ci_high) if e.ci_low is not None and e.ci_high is not None else None
        return [(label, e.value, value_text(e) if not ci else f"{value_text(e)}", True, ci)]
    return [(a.name, a.value, value_text(a), a.this_option, None) for a in c.arms]


def comparison_figure(comparisons: list[Comparison]) -> plt.Figure | None:
    """One labelled panel per trial endpoint: arms named, values printed, source named.

    Positions are laid out in inches (no tight_layout, so no layout warnings and
    no label drawn over another panel): titles above, arm names left, bars or
    hazard-ratio points with their value to the right.
    """
    panels = [(c, _title(c), _rows(c)) for c in comparisons if _rows(c)]
    if not panels:
        return None
    heights = [len(t) * TITLE_LINE + len(r) * ROW + GAP for _, t, r in panels]
    total = sum(heights) + 0.05
    fig = plt.figure(figsize=(FIG_WIDTH, total))
    top = total
    for (c, title, rows), h in zip(panels, heights, strict=True):
        y_title = top - 0.02
        for k, line in enumerate(title):
            fig.text(0.04 / FIG_WIDTH, (y_title - k * TITLE_LINE) / total, line, fontsize=TEXT_PT,
                     weight="bold" if k == 0 else "normal", va="top", ha="left", color="#1d2430")
        ax_h = len(rows) * ROW
        ax_bottom = top - len(title) * TITLE_LINE - ax_h - 0.03
        ax = fig.add_axes((LABEL_WIDTH / FIG_WIDTH, ax_bottom / total,
                           (FIG_WIDTH - LABEL_WIDTH - RIGHT) / FIG_WIDTH, ax_h / total))
        _draw_panel(ax, c, rows)
        top -= h
    return fig


def _draw_panel(ax: plt.Axes, c: Comparison, rows: list) -> None:
    n = len(rows)
    ys = list(range(n))[::-1]
    colours = [ARM_COLOUR if mine else OTHER_COLOUR for _, _, _, mine, _ in rows]
    if c.effect:
        lo = min([0.5, *[r[4][0] for r in rows if r[4]], *[r[1] for r in rows]])
        hi = max([2.0, *[r[4][1] for r in rows if r[4]], *[r[1] for r in rows]])
        ax.set_xscale("log")
        ax.set_xlim(lo / 1.3, hi * 1.3)
        ax.axvline(1.0, color="#555", lw=0.8, ls="--")
        for y, (_, v, _, _, ci), col in zip(ys, rows, colours, strict=True):
            if ci:
                ax.plot(ci, [y, y], color=col, lw=1.6)
            ax.plot([v], [y], marker="D", color=col, ms=5)
        ax.annotate("1", (1.0, -0.6), xytext=(0, -1), textcoords="offset points", ha="center",
                    va="top", fontsize=TEXT_PT - 1.5, color="#555", annotation_clip=False)
    else:
        values = [r[1] for r in rows]
        xmax = max(values) * 1.02 or 1.0
        ax.barh(ys, values, color=colours, height=0.62)
        ax.set_xlim(0, xmax)
    for y, (_, v, text, _, _ci) in zip(ys, rows, strict=True):
        at = (1.0, y) if c.effect else (v, y)  # ratios: right of the axis, clear of the 1 line
        ax.annotate(text, at, xycoords=("axes fraction" if c.effect else "data", "data"),
                    xytext=(4, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=TEXT_PT, annotation_clip=False)
    ax.set_ylim(-0.6, n - 0.4)
    labels = ["\n".join(textwrap.wrap(r[0], 46, break_long_words=False)[:2]) for r in rows]
    ax.set_yticks(ys, labels, fontsize=TEXT_PT - 0.5 if any("\n" in x for x in labels)
                  else TEXT_PT)
    ax.tick_params(axis="y", length=0, pad=3)
    ax.set_xticks([])
    ax.minorticks_off()
    ax.spines[["top", "right", "bottom"]].set_visible(False)


def outcome_comparison(comparisons: list[Comparison]) -> str | None:
    """The comparison figure as an SVG data URI (None when there is nothing to draw)."""
    fig = comparison_figure(comparisons)
    return _svg_uri(fig) if fig is not None else None


def pathway_ranking(pathway: dict) -> str | None:
    """Predicted fold change of pS6K, pAKT S473 and pERK under each candidate drug."""
    rows = pathway.get("ranking") or []
    if not rows:
        return None
    readouts = ("pS6K", "pAKT_S473", "pERK")
    fig, ax = plt.subplots(figsize=(6.4, 0.6 + 0.45 * len(rows)))
    height = 0.8 / len(readouts)
    for j, key in enumerate(readouts):
        values = [r["fold_change"][key] for r in rows]
        ax.barh([i + j * height for i in range(len(rows))], values, height=height, label=key)
    ax.axvline(1.0, color="#333", lw=0.8, ls="--")
    ax.set_yticks([i + height for i in range(len(rows))], [r["names"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("fold change vs untreated tumor (end of window); >1 = feedback escape")
    ax.legend(fontsize=7, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(f"Genotype: {', '.join(pathway.get('genotype', []))} (research use only)",
                 fontsize=8)
    return _svg_uri(fig)
