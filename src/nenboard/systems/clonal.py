"""Clonal resistance model of a tumour under a therapy sequence, vectorised over patients.

Each patient's burden is a sensitive clone S plus one resistant clone per resistance
class R_c (Greene, Gevertz & Sontag 2019: resistance arises spontaneously at all
times and is induced by the drug while it is given). All clones share Gompertz
growth r N ln(K/N) (Monro & Gaffney 2009). A cytostatic therapy slows the growth of
the clones it acts on by a fraction; a cytotoxic one kills them at a rate while it
is given. Progression is RECIST-like: the sum of diameters (burden^(1/3)) grows
>= 20% over its nadir on the current line; the next line then starts.

Pure numpy: inputs are arrays and parameters, output is event times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

KIND_NONE, KIND_CYTOSTATIC, KIND_CYTOTOXIC = 0, 1, 2
KIND_CODES = {"none": KIND_NONE, "cytostatic": KIND_CYTOSTATIC, "cytotoxic": KIND_CYTOTOXIC}


@dataclass(frozen=True)
class Line:
    """One therapy line with its calibrated effect."""

    therapy: str
    kind: int
    effect: float                 # cytostatic: growth fraction removed; cytotoxic: kill /month
    treatment_months: float       # how long the drug is given (inf: until progression)
    decay_months: float           # cytotoxic: e-folding time of the effect after the last dose
    resistance_class: int         # index into classes, -1 for none
    induced_per_month: float


@dataclass(frozen=True)
class Classes:
    """Resistance classes present in the sequence."""

    names: tuple[str, ...]
    spontaneous_per_month: np.ndarray  # (C,)
    reversion_per_month: np.ndarray    # (C,), applied while no drug of that class is given


@dataclass(frozen=True)
class Cohort:
    """Per-patient parameters (n patients, L lines, C classes)."""

    growth_rate: np.ndarray   # (n,) Gompertz r per month
    sensitivity: np.ndarray   # (n, L) multiplier of each line's effect
    resistant0: np.ndarray    # (n, C) resistant fraction of the burden at start

    @property
    def n(self) -> int:
        return int(self.growth_rate.shape[0])


@dataclass(frozen=True)
class Outcome:
    """Per line: time on line (months) and whether it ended by progression."""

    duration: np.ndarray  # (n, L), nan if the line was never started
    progressed: np.ndarray  # (n, L) bool
    horizon_months: float


def draw_normals(n: int, lines: int, classes: int, seed: int) -> tuple[np.ndarray, ...]:
    """Standard normal draws (fixed per seed: common random numbers for calibration)."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n), rng.standard_normal((n, lines)),
            rng.standard_normal((n, classes)))


def make_cohort(
    normals: tuple[np.ndarray, ...],
    growth_median: float,
    sigma_growth: float,
    sigma_effect: float,
    resistant_median: float,
    sigma_resistant: float,
) -> Cohort:
    """Lognormal inter-patient variability around the medians."""
    zr, zs, zf = normals
    res = np.minimum(resistant_median * np.exp(sigma_resistant * zf), 0.5)
    return Cohort(
        growth_rate=growth_median * np.exp(sigma_growth * zr),
        sensitivity=np.exp(sigma_effect * zs - 0.5 * sigma_effect**2),
        resistant0=res,
    )


def simulate(
    lines: Sequence[Line],
    classes: Classes,
    cohort: Cohort,
    capacity: float,
    diameter_growth: float = 0.20,
    dt: float = 0.25,
    horizon: float = 240.0,
    stop_when_progressed: float | None = None,
) -> Outcome:
    """Run every patient through `lines` until the last progression or the horizon.

    `stop_when_progressed`: stop early once this fraction has progressed on the last
    line (calibration only needs the median).
    """
    n, n_lines, n_cls = cohort.n, len(lines), len(classes.names)
    kind = np.array([ln.kind for ln in lines])
    effect = np.array([ln.effect for ln in lines])
    tx_months = np.array([ln.treatment_months for ln in lines])
    decay = np.array([ln.decay_months for ln in lines])
    rclass = np.array([ln.resistance_class for ln in lines])
    induced = np.array([ln.induced_per_month for ln in lines])
    spont = classes.spontaneous_per_month[None, :]
    revert = classes.reversion_per_month[None, :]
    cls_range = np.arange(n_cls)[None, :]
    log_thr = 3.0 * np.log1p(diameter_growth)  # burden ~ diameter^3
    log_k = np.log(capacity)

    ids = np.arange(n)
    res0 = cohort.resistant0.sum(axis=1)
    s = 1.0 - res0
    r = cohort.resistant0.copy()
    growth = cohort.growth_rate.copy()
    sens = cohort.sensitivity.copy()
    line = np.zeros(n, dtype=np.int64)
    t_start = np.zeros(n)
    log_nadir = np.zeros(n)
    log_n = np.zeros(n)
    duration = np.full((n, n_lines), np.nan)
    progressed = np.zeros((n, n_lines), dtype=bool)
    steps = int(np.ceil(horizon / dt))
    target = None if stop_when_progressed is None else stop_when_progressed * n
    done_last = 0

    for step in range(steps):
        t = step * dt
        k = kind[line]
        since_end = (t - t_start) - tx_months[line]
        on = since_end < 0
        e = effect[line] * np.take_along_axis(sens, line[:, None], axis=1)[:, 0]
        cyto = np.where(k == KIND_CYTOSTATIC, e, 0.0)
        lasting = np.exp(-np.maximum(since_end, 0.0) / decay[line])
        kill = np.where(k == KIND_CYTOTOXIC, e * lasting, 0.0)
        cls = rclass[line]
        resistant = cls_range == cls[:, None]  # (n, C) clone resists the current drug
        g = growth * np.maximum(log_k - log_n, 0.0)
        rate_s = g * (1.0 - cyto) - kill
        rate_r = np.where(resistant, g[:, None], (g * (1.0 - cyto) - kill)[:, None])
        drug_on = (k != KIND_NONE) & on
        ind = np.where(resistant & drug_on[:, None], induced[line][:, None], 0.0)
        to_r = s[:, None] * (spont + ind) * dt
        back = np.where(resistant & drug_on[:, None], 0.0, r * revert * dt)
        s = s * np.exp(rate_s * dt) - to_r.sum(axis=1) + back.sum(axis=1)
        r = r * np.exp(rate_r * dt) + to_r - back
        s = np.maximum(s, 0.0)
        log_new = np.log(s + r.sum(axis=1))
        log_nadir = np.minimum(log_nadir, log_new)
        crossed = log_new - log_nadir >= log_thr
        if crossed.any():
            c = np.nonzero(crossed)[0]
            level = log_nadir[c] + log_thr
            span = log_new[c] - log_n[c]
            frac = np.clip(np.where(span > 0, (level - log_n[c]) / np.where(span > 0, span, 1),
                                    1.0), 0.0, 1.0)
            t_cross = t + frac * dt
            duration[ids[c], line[c]] = t_cross - t_start[c]
            progressed[ids[c], line[c]] = True
            line[c] += 1
            t_start[c] = t_cross
            log_nadir[c] = log_new[c]
            finished = line >= n_lines
            if finished.any():
                done_last += int(finished.sum())
                keep = ~finished
                ids, s, r, growth, sens = ids[keep], s[keep], r[keep], growth[keep], sens[keep]
                line, t_start, log_nadir = line[keep], t_start[keep], log_nadir[keep]
                log_new = log_new[keep]
                if ids.size == 0:
                    break
                if target is not None and done_last >= target:
                    break
        log_n = log_new
    else:
        t = steps * dt
    t_end = min(t + dt, horizon) if ids.size else horizon
    if ids.size:
        duration[ids, line] = t_end - t_start  # censored on the current line
    return Outcome(duration=duration, progressed=progressed, horizon_months=float(t_end))


def _km_curve(duration: np.ndarray, progressed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Event times (sorted) and the Kaplan-Meier survival just after each."""
    mask = ~np.isnan(duration)
    times, events = duration[mask], progressed[mask]
    order = np.argsort(times, kind="stable")
    times, events = times[order], events[order]
    at_risk = np.arange(times.size, 0, -1)
    return times, np.cumprod(1.0 - events / at_risk)


def median_time(duration: np.ndarray, progressed: np.ndarray) -> float:
    """Kaplan-Meier median (inf if not reached) — fast version for calibration."""
    times, surv = _km_curve(duration, progressed)
    below = np.nonzero(surv <= 0.5)[0]
    return float(times[below[0]]) if below.size else float("inf")


def survival_at(duration: np.ndarray, progressed: np.ndarray, at: float) -> float:
    """Kaplan-Meier survival probability at time `at`."""
    times, surv = _km_curve(duration, progressed)
    idx = np.searchsorted(times, at, side="right") - 1
    return 1.0 if idx < 0 else float(surv[idx])
