"""Calibrate the clonal model to trial medians (data in calibration.yaml).

Per trial, the control arm fixes the population's median Gompertz growth rate;
per therapy, one effect parameter is fitted to its trial arm(s) (jointly, by least
squares on log scale, when a therapy has several trials). Common random numbers
(one seeded cohort) make the objective smooth and the result deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from nenboard.systems import clonal
from nenboard.systems.data import SystemsData
from nenboard.systems.records import Arm, Therapy

CALIBRATION_PATIENTS = 3000
CALIBRATION_SEED = 20240601
TOLERANCE = 0.10  # stated calibration tolerance (relative error of a fitted target)
EFFECT_BOUNDS = {clonal.KIND_CYTOSTATIC: (0.0, 1.5), clonal.KIND_CYTOTOXIC: (0.0, 3.0)}


@dataclass
class Calibration:
    growth_median: dict[str, float]           # trial id -> median r (per month)
    effects: dict[str, float]                 # therapy id -> effect parameter
    report: list[dict[str, object]] = field(default_factory=list)
    patients: int = CALIBRATION_PATIENTS
    seed: int = CALIBRATION_SEED

    def max_error(self) -> float:
        errs = [abs(r["relative_error"]) for r in self.report if r.get("fitted")]
        return max(errs) if errs else 0.0


def resistance_classes(therapies: Sequence[Therapy]) -> clonal.Classes:
    names: list[str] = []
    spont: list[float] = []
    rev: list[float] = []
    for t in therapies:
        if t.resistance and t.resistance.klass not in names:
            names.append(t.resistance.klass)
            spont.append(t.resistance.spontaneous_per_month)
            rev.append(t.resistance.reversion_per_month if t.resistance.reversible else 0.0)
    return clonal.Classes(tuple(names), np.array(spont, dtype=float), np.array(rev, dtype=float))


def make_lines(
    therapies: Sequence[Therapy], effects: dict[str, float], classes: clonal.Classes
) -> list[clonal.Line]:
    lines = []
    for t in therapies:
        cls = classes.names.index(t.resistance.klass) if t.resistance else -1
        lines.append(clonal.Line(
            therapy=t.id,
            kind=clonal.KIND_CODES[t.kind],
            effect=effects.get(t.id, 0.0),
            treatment_months=t.treatment_months or math.inf,
            decay_months=t.effect_decay_months or 1e-9,
            resistance_class=cls,
            induced_per_month=t.resistance.induced_per_month if t.resistance else 0.0,
        ))
    return lines


class _Runner:
    """Simulates one-line arms of a trial population with fixed random numbers."""

    def __init__(self, data: SystemsData, n: int, seed: int) -> None:
        self.data = data
        self.spec = data.clonal
        self.n = n
        self.seed = seed

    def outcome(self, therapy: Therapy, effect: float, growth: float,
                horizon: float, stop: float | None) -> clonal.Outcome:
        classes = resistance_classes([therapy])
        lines = make_lines([therapy], {therapy.id: effect}, classes)
        v = self.spec.variability
        normals = clonal.draw_normals(self.n, 1, max(len(classes.names), 1), self.seed)
        normals = (normals[0], normals[1], normals[2][:, : len(classes.names)])
        cohort = clonal.make_cohort(normals, growth, v.growth_rate, v.drug_effect,
                                    self.spec.initial_resistant_fraction, v.resistant_fraction)
        return clonal.simulate(lines, classes, cohort, self.spec.gompertz_capacity,
                               self.spec.progression_diameter_growth, self.spec.dt_months,
                               horizon, stop)

    def median(self, therapy: Therapy, effect: float, growth: float, hint: float) -> float:
        out = self.outcome(therapy, effect, growth, max(60.0, 4.0 * hint), 0.5)
        return clonal.median_time(out.duration[:, 0], out.progressed[:, 0])

    def rate(self, therapy: Therapy, effect: float, growth: float, at: float) -> float:
        out = self.outcome(therapy, effect, growth, at + self.spec.dt_months, None)
        return clonal.survival_at(out.duration[:, 0], out.progressed[:, 0], at)


def _fit_growth(run: _Runner, placebo: Therapy, target: float) -> float:
    def f(log_r: float) -> float:
        return math.log(run.median(placebo, 0.0, math.exp(log_r), target)) - math.log(target)

    return math.exp(brentq(f, math.log(1e-4), math.log(2.0), xtol=1e-4))


def _first_root(f, lo: float, hi: float, grid: int = 16) -> float:
    """Smallest effect meeting the target: scan a grid, then brentq in the first bracket.

    The response can be non-monotone (a deep cytotoxic nadir lets resistant clones
    reach the RECIST threshold sooner), so a plain bracket on [lo, hi] is unsafe.
    If no bracket exists the grid point closest to the target is returned.
    """
    xs = np.linspace(lo, hi, grid)
    ys = [f(x) for x in xs]
    for i in range(grid - 1):
        if ys[i] == 0:
            return float(xs[i])
        if ys[i] * ys[i + 1] < 0:
            return float(brentq(f, xs[i], xs[i + 1], xtol=1e-5))
    return float(xs[int(np.argmin(np.abs(ys)))])


def _arm_metric(run: _Runner, therapy: Therapy, arm: Arm, effect: float, growth: float
                ) -> tuple[float, float]:
    """(simulated, target) for the arm's fitted endpoint."""
    if arm.median_months is not None:
        return run.median(therapy, effect, growth, arm.median_months), arm.median_months
    assert arm.rate is not None
    return run.rate(therapy, effect, growth, arm.rate.at_months), arm.rate.value


def calibrate(data: SystemsData, n: int = CALIBRATION_PATIENTS,
              seed: int = CALIBRATION_SEED) -> Calibration:
    """Fit every population and therapy effect; report errors and bound checks."""
    run = _Runner(data, n, seed)
    placebo = data.therapies["placebo"]
    growth = {tid: _fit_growth(run, placebo, t.control.median_months)
              for tid, t in data.trials.items() if t.control.median_months}
    effects: dict[str, float] = {}
    for therapy in data.therapies.values():
        if not therapy.calibrated_by:
            continue
        trials = [data.trials[t] for t in therapy.calibrated_by]
        lo, hi = EFFECT_BOUNDS[clonal.KIND_CODES[therapy.kind]]

        def loss(x: float, trials=trials, therapy=therapy) -> float:
            total = 0.0
            for tr in trials:
                sim, target = _arm_metric(run, therapy, tr.active, x, growth[tr.id])
                total += (math.log(min(max(sim, 1e-9), 1e6)) - math.log(target)) ** 2
            return total

        if len(trials) == 1:
            tr = trials[0]

            def f(x: float, tr=tr, therapy=therapy) -> float:
                sim, target = _arm_metric(run, therapy, tr.active, x, growth[tr.id])
                return math.log(max(min(sim, 1e6), 1e-9)) - math.log(target)

            effects[therapy.id] = _first_root(f, lo, hi)
        else:
            effects[therapy.id] = float(minimize_scalar(
                loss, bounds=(lo, hi), method="bounded", options={"xatol": 1e-4}).x)
    cal = Calibration(growth, effects, patients=n, seed=seed)
    cal.report = _report(run, data, cal)
    return cal


def _report(run: _Runner, data: SystemsData, cal: Calibration) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    placebo = data.therapies["placebo"]
    for tid, trial in data.trials.items():
        g = cal.growth_median[tid]
        sim = run.median(placebo, 0.0, g, trial.control.median_months)
        rows.append(_row(trial.name, trial.control.therapy, "median_months",
                         trial.control.median_months, sim, True))
        therapy = data.therapies[trial.active.therapy]
        effect = cal.effects.get(therapy.id, 0.0)
        arm = trial.active
        fitted = tid in therapy.calibrated_by
        if arm.median_months is not None:
            sim = run.median(therapy, effect, g, arm.median_months)
            rows.append(_row(trial.name, therapy.id, "median_months", arm.median_months, sim,
                             fitted))
        if arm.rate is not None:
            sim = run.rate(therapy, effect, g, arm.rate.at_months)
            rows.append(_row(trial.name, therapy.id,
                             f"pfs_rate_at_{arm.rate.at_months:g}_months", arm.rate.value, sim,
                             fitted))
        if arm.median_lower_bound_months is not None:
            sim = run.median(therapy, effect, g, arm.median_lower_bound_months)
            rows.append({
                "trial": trial.name, "arm": therapy.id, "metric": "median_months",
                "target": f"> {arm.median_lower_bound_months:g} (not reached)",
                "simulated": round(sim, 2) if math.isfinite(sim) else "not reached",
                "fitted": False, "check_passed": sim > arm.median_lower_bound_months,
            })
    return rows


def _row(trial: str, arm: str, metric: str, target: float, sim: float, fitted: bool
         ) -> dict[str, object]:
    err = (sim - target) / target if math.isfinite(sim) else math.inf
    return {"trial": trial, "arm": arm, "metric": metric, "target": target,
            "simulated": round(sim, 3), "relative_error": round(err, 4), "fitted": fitted,
            "within_tolerance": abs(err) <= TOLERANCE}


_CACHE: dict[tuple[int, int, int], Calibration] = {}


def cached(data: SystemsData, n: int = CALIBRATION_PATIENTS,
           seed: int = CALIBRATION_SEED) -> Calibration:
    """Calibration memoised per process (data objects are themselves cached)."""
    key = (id(data), n, seed)
    if key not in _CACHE:
        _CACHE[key] = calibrate(data, n, seed)
    return _CACHE[key]
