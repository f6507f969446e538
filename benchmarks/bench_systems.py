"""Benchmarks of the systems module (prints figures; run with the project venv).

    python benchmarks/bench_systems.py [--workers 2] [--sims 4000] [--patients 100000]

Targets (issue 7): >= 1,000 pathway simulations/s on 2 cores; 100,000 virtual
patients through a 3-therapy sequence in <= 10 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from nenboard.systems import calibration, model
from nenboard.systems import data as sysdata
from nenboard.systems.ensemble import dask_map
from nenboard.systems.trial import run_sequence, summarise


class _Sim:
    def __call__(self, p: dict[str, float]) -> float:
        return model.end_of_window(p)["pAKT_S473"]


def bench_pathway(sims: int, workers: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    params = [{"inh_mTORC1_allo": float(a), "inh_MEK": float(b)}
              for a, b in rng.random((sims, 2))]
    t = time.perf_counter()
    for p in params[: sims // 4]:
        model.end_of_window(p)
    serial = (sims // 4) / (time.perf_counter() - t)
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask_map(client, _Sim(), params[:workers * 8])  # warm up: compile per worker
        t = time.perf_counter()
        dask_map(client, _Sim(), params, chunks=workers * 4)
        parallel = sims / (time.perf_counter() - t)
    return {"serial_sims_per_s": serial, "parallel_sims_per_s": parallel}


def bench_cohort(patients: int) -> dict[str, float]:
    data = sysdata.load()
    t = time.perf_counter()
    cal = calibration.cached(data)
    t_cal = time.perf_counter() - t
    seq = [data.therapies[x] for x in ("ssa", "prrt", "everolimus")]
    t = time.perf_counter()
    res = run_sequence(seq, data, cal, patients, seed=1)
    t_sim = time.perf_counter() - t
    t = time.perf_counter()
    summary = summarise(res, cal)
    t_km = time.perf_counter() - t
    return {"calibration_s": t_cal, "simulate_s": t_sim, "km_summary_s": t_km,
            "median_total_months": summary["time_to_last_progression"]["median_months"],
            "max_calibration_error": cal.max_error()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sims", type=int, default=4000)
    ap.add_argument("--patients", type=int, default=100_000)
    a = ap.parse_args()
    p = bench_pathway(a.sims, a.workers)
    print(f"pathway: serial {p['serial_sims_per_s']:.0f} sims/s; dask {a.workers} workers "
          f"{p['parallel_sims_per_s']:.0f} sims/s (target >= 1000)")
    c = bench_cohort(a.patients)
    print(f"cohort: {a.patients} patients x 3 lines simulated in {c['simulate_s']:.2f} s "
          f"(+ KM {c['km_summary_s']:.2f} s, one-off calibration {c['calibration_s']:.2f} s; "
          f"target <= 10 s); median time to 3rd progression "
          f"{c['median_total_months']} months; max calibration error "
          f"{c['max_calibration_error']:.1%}")


if __name__ == "__main__":
    main()
