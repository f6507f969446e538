"""Figures: pathway time courses, network coloured by activity, Kaplan-Meier curves."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from nenboard.systems.pathway import DISCLAIMER, PathwayResult

# node -> (x, y, readout used for its colour); edges: (from, to, inhibitory?)
NODES = {
    "IGF1R/IR": (0.5, 0.95, None),
    "IRS1/PI3K": (0.5, 0.78, "IRS1_active"),
    "AKT T308": (0.3, 0.6, "pAKT_T308"),
    "AKT S473": (0.1, 0.6, "pAKT_S473"),
    "mTORC2": (0.1, 0.78, "mTORC2_activity"),
    "TSC1/2": (0.3, 0.43, None),
    "AMPK": (0.05, 0.3, "pAMPK"),
    "mTORC1": (0.3, 0.26, "mTORC1_activity"),
    "S6K": (0.3, 0.08, "pS6K"),
    "RAS": (0.75, 0.65, "pERK"),
    "RAF": (0.75, 0.5, "pERK"),
    "MEK": (0.75, 0.35, "pERK"),
    "ERK": (0.75, 0.2, "pERK"),
}
EDGES = [
    ("IGF1R/IR", "IRS1/PI3K", False), ("IRS1/PI3K", "AKT T308", False),
    ("mTORC2", "AKT S473", False), ("AKT T308", "AKT S473", False),
    ("AKT T308", "TSC1/2", True), ("TSC1/2", "mTORC1", True), ("AMPK", "mTORC1", True),
    ("mTORC1", "S6K", False), ("S6K", "IRS1/PI3K", True), ("IRS1/PI3K", "RAS", False),
    ("RAS", "RAF", False), ("RAF", "MEK", False), ("MEK", "ERK", False), ("ERK", "RAS", True),
    ("IGF1R/IR", "mTORC2", False),
]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def pathway_figure(result: PathwayResult, title: str = "") -> bytes:
    """Time courses (baseline vs treated) and the network coloured by fold change."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    t = result.time_min
    for i, k in enumerate(("pAKT_S473", "pAKT_T308", "pS6K", "pERK")):
        color = f"C{i}"
        ax1.plot(t, result.baseline_course[k], color=color, ls="--", lw=1.2)
        ax1.plot(t, result.treated_course[k], color=color, lw=2, label=k)
    ax1.set_xlabel("minutes after ligand stimulation")
    ax1.set_ylabel("active fraction (dashed: untreated)")
    ax1.legend(fontsize=8)
    ax1.set_title(title or "pathway time course")
    fc = result.fold_change
    cmap = plt.get_cmap("coolwarm")
    for a, b, inhib in EDGES:
        (x1, y1, _), (x2, y2, _) = NODES[a], NODES[b]
        ax2.annotate("", xy=(x2, y2), xytext=(x1, y1),
                     arrowprops={"arrowstyle": "-[" if inhib else "->",
                                 "color": "firebrick" if inhib else "0.3", "lw": 1.2,
                                 "shrinkA": 14, "shrinkB": 14})
    import math
    for name, (x, y, readout) in NODES.items():
        v = fc.get(readout, 1.0) if readout else 1.0
        v = v if (v is not None and math.isfinite(v)) else 1.0
        level = min(max(0.5 + 0.5 * math.log2(max(v, 1e-3)) / 2, 0.0), 1.0)
        ax2.scatter([x], [y], s=1500, color=cmap(level), edgecolors="k", zorder=3)
        ax2.text(x, y, f"{name}\n{v:.2f}x" if readout else name, ha="center", va="center",
                 fontsize=7, zorder=4)
    ax2.set_xlim(-0.1, 1.0)
    ax2.set_ylim(-0.05, 1.05)
    ax2.axis("off")
    ax2.set_title("fold change treated / untreated (blue down, red up)")
    fig.text(0.5, -0.02, DISCLAIMER, ha="center", fontsize=8, style="italic")
    return _png(fig)


def km_figure(summary: dict, title: str = "") -> bytes:
    """Kaplan-Meier curves per line and for time to last progression."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    curves = [*summary["lines"], summary["time_to_last_progression"]]
    for i, c in enumerate(curves):
        med = c["median_months"]
        label = f"{c['label']} (median {med if med is not None else 'NR'} mo)"
        ax.step(c["curve"]["months"], c["curve"]["survival"], where="post", label=label,
                color=f"C{i}", lw=2 if i == len(curves) - 1 else 1.3)
    ax.set_xlabel("months")
    ax.set_ylabel("progression-free (fraction)")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7)
    ax.set_title(title or f"virtual trial: {' -> '.join(summary['sequence'])} "
                 f"(n={summary['patients']})")
    fig.text(0.5, -0.03, DISCLAIMER, ha="center", fontsize=8, style="italic")
    return _png(fig)
