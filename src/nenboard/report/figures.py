"""Report figures as self-contained SVG data URIs (deterministic output)."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from nenboard.knowledge.schema import Grading, Trial

plt.rcParams.update({"svg.hashsalt": "nenboard", "font.size": 9, "font.family": "DejaVu Sans"})
GRADE_COLOURS = {"G1": "#8fc9a8", "G2": "#f1d37a", "G3": "#e8927c"}


def _svg_uri(fig: plt.Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
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


def outcome_comparison(rows: Iterable[tuple[str, Trial]]) -> str | None:
    """Median PFS (months) and ORR (%) of each option's supporting trials, side by side."""
    bars: list[tuple[str, str, float]] = []  # (label, metric, value)
    for option_name, trial in rows:
        for o in trial.outcomes:
            arm = next((a for a in trial.arms if a.id == o.arm), None)
            arm_name = arm.name if arm else o.arm
            bound = " (lower bound)" if o.qualifier in (">", ">=") else ""
            if o.endpoint in ("PFS", "TTP") and o.unit == "months":
                bars.append((f"{option_name}\n{trial.name}: {arm_name}{bound}", o.endpoint, o.value))
            elif o.endpoint == "ORR" and o.unit == "%":
                bars.append((f"{option_name}\n{trial.name}: {arm_name}", "ORR", o.value))
    if not bars:
        return None
    pfs = [b for b in bars if b[1] in ("PFS", "TTP")][:14]
    orr = [b for b in bars if b[1] == "ORR"][:14]
    panels = [p for p in ((pfs, "median PFS/TTP, months"), (orr, "ORR, %")) if p[0]]
    height = 0.9 + 0.42 * max(len(p[0]) for p in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(7.2, height), squeeze=False)
    for ax, (data, xlabel) in zip(axes[0], panels, strict=True):
        labels = [d[0] for d in data][::-1]
        values = [d[2] for d in data][::-1]
        ax.barh(range(len(values)), values, color="#5b8bd0")
        ax.set_yticks(range(len(values)), labels, fontsize=6.5)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:g}", va="center", fontsize=6.5)
        ax.set_xlabel(xlabel)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("Trial outcomes behind each option (as reported; not head-to-head)", fontsize=8)
    fig.tight_layout()
    return _svg_uri(fig)


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
