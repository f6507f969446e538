"""Pathway predictions: baseline vs treated readouts, feedback escape, and ranking."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nenboard.systems import DISCLAIMER
from nenboard.systems.model import DEFAULT_WINDOW_MIN, READOUTS, simulate
from nenboard.systems.perturbations import (
    DosedDrug,
    drug_parameters,
    genotype_parameters,
    merged,
)
from nenboard.systems.records import Genotype

ESCAPE_THRESHOLD = 1.10  # a readout >10% above the untreated tumour counts as escape
RANK_READOUTS = ("pS6K", "pAKT_S473", "pERK")


def window_text(window_min: float) -> str:
    return (f"end of simulated window: {window_min:g} min after ligand (IGF/insulin) "
            "stimulation with drug present from t=0; not a steady state (the published "
            "core is a transient stimulation model)")


@dataclass
class PathwayResult:
    """Readouts of one genotype without and with drugs (dimensionless, 0..1)."""

    baseline: dict[str, float]
    treated: dict[str, float]
    wildtype: dict[str, float]
    time_min: list[float]
    baseline_course: dict[str, list[float]]
    treated_course: dict[str, list[float]]
    window_min: float
    parameters: dict[str, float]
    drugs: list[DosedDrug] = field(default_factory=list)
    genotypes: list[Genotype] = field(default_factory=list)

    @property
    def fold_change(self) -> dict[str, float]:
        return {k: _ratio(self.treated[k], self.baseline[k]) for k in READOUTS}

    @property
    def genotype_effect(self) -> dict[str, float]:
        return {k: _ratio(self.baseline[k], self.wildtype[k]) for k in READOUTS}

    @property
    def escape(self) -> dict[str, object]:
        """AKT/ERK rebound folds at window end and at the peak of the time course."""
        fc = self.fold_change
        peak = {}
        for k in ("pAKT_S473", "pERK"):
            b = np.asarray(self.baseline_course[k])
            t = np.asarray(self.treated_course[k])
            ok = b > 1e-9
            peak[k] = float(np.max(t[ok] / b[ok])) if ok.any() else float("nan")
        return {
            "akt_rebound_fold": fc["pAKT_S473"],
            "erk_rebound_fold": fc["pERK"],
            "akt_peak_fold": peak["pAKT_S473"],
            "erk_peak_fold": peak["pERK"],
            "akt_escape": fc["pAKT_S473"] > ESCAPE_THRESHOLD,
            "erk_escape": fc["pERK"] > ESCAPE_THRESHOLD,
            "threshold": ESCAPE_THRESHOLD,
        }

    def to_json(self) -> dict[str, object]:
        return {
            "readouts": {"baseline": _round(self.baseline), "treated": _round(self.treated)},
            "fold_change": _round(self.fold_change),
            "window": window_text(self.window_min),
            "window_min": self.window_min,
            "units": "dimensionless fraction of total protein in the active state (0..1)",
            "escape": {k: (round(v, 4) if isinstance(v, float) else v)
                       for k, v in self.escape.items()},
            "genotype": [g.id for g in self.genotypes],
            "genotype_effect": _round(self.genotype_effect),
            "wildtype_baseline": _round(self.wildtype),
            "drugs": [d.summary() for d in self.drugs],
            "parameters": _round(self.parameters),
            "time_course": {
                "time_min": self.time_min,
                "baseline": {k: _round_list(v) for k, v in self.baseline_course.items()},
                "treated": {k: _round_list(v) for k, v in self.treated_course.items()},
            },
            "model": "net_pathway (Dalle Pezze 2012 core + RAS/ERK + AMPK); see docs/systems.md",
            "disclaimer": DISCLAIMER,
        }


def _ratio(a: float, b: float) -> float:
    return a / b if b > 1e-12 else float("nan")


def _round(d: dict[str, float]) -> dict[str, float]:
    return {k: (round(v, 4) if math.isfinite(v) else None) for k, v in d.items()}


def _round_list(v: list[float]) -> list[float]:
    return [round(x, 5) for x in v]


def _course(arr: np.ndarray) -> dict[str, list[float]]:
    return {k: arr[:, i + 1].tolist() for i, k in enumerate(READOUTS)}


def _last(arr: np.ndarray) -> dict[str, float]:
    return {k: float(arr[-1, i + 1]) for i, k in enumerate(READOUTS)}


def predict(
    drugs: Sequence[DosedDrug],
    genotypes: Sequence[Genotype] = (),
    window_min: float = DEFAULT_WINDOW_MIN,
    points: int = 61,
) -> PathwayResult:
    """Simulate the tumour genotype without and with the drugs."""
    g_params = genotype_parameters(genotypes)
    t_params = merged(g_params, drug_parameters(drugs))
    base = simulate(merged(g_params), window_min, points)
    treated = simulate(t_params, window_min, points)
    wild = simulate({}, window_min, 2) if g_params else base
    return PathwayResult(
        baseline=_last(base),
        treated=_last(treated),
        wildtype=_last(wild),
        time_min=base[:, 0].tolist(),
        baseline_course=_course(base),
        treated_course=_course(treated),
        window_min=window_min,
        parameters=t_params,
        drugs=list(drugs),
        genotypes=list(genotypes),
    )


def suppression_score(treated: dict[str, float], baseline: dict[str, float]) -> float:
    """Mean residual output of pS6K, pAKT S473 and pERK relative to the untreated tumour.

    Lower is better. An arithmetic mean, so one unsuppressed branch (or feedback
    escape above baseline) counts fully and cannot be hidden by another at ~0.
    """
    return sum(treated[k] / max(baseline[k], 1e-9) for k in RANK_READOUTS) / len(RANK_READOUTS)


def rank_combinations(
    candidates: Sequence[DosedDrug],
    genotypes: Sequence[Genotype] = (),
    max_size: int = 2,
    window_min: float = DEFAULT_WINDOW_MIN,
    mapper: Callable[[Callable, list], list] | None = None,
) -> list[dict[str, object]]:
    """Rank single drugs and combinations (up to `max_size`) by pathway suppression.

    `mapper(fn, items)` lets the ensemble runner (dask) evaluate the candidates.
    """
    from nenboard.systems.model import end_of_window

    g_params = genotype_parameters(genotypes)
    baseline = end_of_window(merged(g_params), window_min)
    combos = [c for n in range(1, max_size + 1)
              for c in itertools.combinations(candidates, n)]
    param_sets = [merged(g_params, drug_parameters(c)) for c in combos]
    run = mapper or (lambda fn, items: [fn(x) for x in items])
    outs = run(_end_of_window_task(window_min), param_sets)
    rows = []
    for combo, out in zip(combos, outs, strict=True):
        rows.append({
            "drugs": [d.drug.id for d in combo],
            "names": " + ".join(d.drug.name for d in combo),
            "score": round(suppression_score(out, baseline), 4),
            "fold_change": {k: round(_ratio(out[k], baseline[k]), 4) for k in READOUTS},
            "akt_escape": _ratio(out["pAKT_S473"], baseline["pAKT_S473"]) > ESCAPE_THRESHOLD,
            "erk_escape": _ratio(out["pERK"], baseline["pERK"]) > ESCAPE_THRESHOLD,
            "nominal_only": all(e.evidence == "nominal" for d in combo for e in d.drug.effects),
        })
    rows.sort(key=lambda r: (r["score"], len(r["drugs"]), r["names"]))
    for i, row in enumerate(rows, 1):
        row["rank"] = i
    return rows


class _end_of_window_task:
    def __init__(self, window_min: float) -> None:
        self.window_min = window_min

    def __call__(self, params: dict[str, float]) -> dict[str, float]:
        from nenboard.systems.model import end_of_window

        return end_of_window(params, self.window_min)
