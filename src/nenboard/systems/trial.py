"""Virtual trials: a calibrated cohort through a therapy sequence, with KM summaries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nenboard.systems import clonal
from nenboard.systems.calibration import Calibration, make_lines, resistance_classes
from nenboard.systems.data import SystemsData
from nenboard.systems.records import Therapy

DISCLAIMER = "research use only; not a clinical recommendation"


@dataclass
class SequenceResult:
    therapies: list[Therapy]
    population: str
    outcome: clonal.Outcome
    seed: int

    @property
    def n(self) -> int:
        return int(self.outcome.duration.shape[0])

    def time_to_last_progression(self) -> tuple[np.ndarray, np.ndarray]:
        """Time from start to progression on the last line (censored at horizon)."""
        d = np.nan_to_num(self.outcome.duration, nan=0.0)
        return d.sum(axis=1), self.outcome.progressed[:, -1]


def km_summary(durations: np.ndarray, events: np.ndarray, label: str) -> dict[str, object]:
    """Kaplan-Meier median with 95% CI (lifelines) and the curve on a coarse grid."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    mask = ~np.isnan(durations)
    kmf = KaplanMeierFitter(label=label).fit(durations[mask], events[mask])
    ci = median_survival_times(kmf.confidence_interval_)
    grid = np.arange(0.0, float(np.nanmax(durations[mask])) + 1e-9, 3.0)
    surv = kmf.survival_function_at_times(grid).to_numpy()

    def num(x: float) -> float | None:
        return round(float(x), 2) if math.isfinite(float(x)) else None

    return {
        "label": label,
        "n": int(mask.sum()),
        "events": int(events[mask].sum()),
        "median_months": num(kmf.median_survival_time_),
        "ci95_months": [num(ci.iloc[0, 0]), num(ci.iloc[0, 1])],
        "curve": {"months": grid.round(2).tolist(), "survival": surv.round(4).tolist()},
    }


def run_sequence(
    therapies: Sequence[Therapy],
    data: SystemsData,
    calibration: Calibration,
    patients: int,
    seed: int = 1,
    population: str = "promid",
) -> SequenceResult:
    """Simulate `patients` virtual patients of `population` through the sequence."""
    spec = data.clonal
    classes = resistance_classes(therapies)
    lines = make_lines(therapies, calibration.effects, classes)
    v = spec.variability
    normals = clonal.draw_normals(patients, len(lines), max(len(classes.names), 1), seed)
    normals = (normals[0], normals[1], normals[2][:, : len(classes.names)])
    cohort = clonal.make_cohort(normals, calibration.growth_median[population], v.growth_rate,
                                v.drug_effect, spec.initial_resistant_fraction,
                                v.resistant_fraction)
    outcome = clonal.simulate(lines, classes, cohort, spec.gompertz_capacity,
                              spec.progression_diameter_growth, spec.dt_months,
                              spec.horizon_months)
    return SequenceResult(list(therapies), population, outcome, seed)


def summarise(result: SequenceResult, calibration: Calibration) -> dict[str, object]:
    """JSON-ready summary: per-line PFS and time to last progression, with KM and CIs."""
    o = result.outcome
    lines = [km_summary(o.duration[:, i], o.progressed[:, i], f"line {i + 1}: {t.id}")
             for i, t in enumerate(result.therapies)]
    total, ev = result.time_to_last_progression()
    return {
        "sequence": [t.id for t in result.therapies],
        "patients": result.n,
        "seed": result.seed,
        "population": result.population,
        "lines": lines,
        "time_to_last_progression": km_summary(total, ev, "time to progression on last line"),
        "calibration": {
            "effects": {k: round(v, 5) for k, v in calibration.effects.items()},
            "growth_median_per_month": {k: round(v, 6) for k, v in
                                        calibration.growth_median.items()},
            "max_relative_error": round(calibration.max_error(), 4),
            "report": calibration.report,
        },
        "horizon_months": o.horizon_months,
        "model": "clonal sensitive/resistant Gompertz model (Greene 2019, Monro 2009); "
                 "see docs/systems.md",
        "disclaimer": DISCLAIMER,
    }
