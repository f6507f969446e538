"""Board benchmarks: one case end to end, CLI start-up, batch throughput.

Run: python benchmarks/bench_board.py [--cases N] [--batch N]
Targets (issue 8): median <= 5 ms per case in-process (no pathway simulation, no
rendering); CLI start-up to first output <= 1 s; batch >= 2,000 cases/s on 2 cores.

The batch is measured twice: `run_batch` (workers started, cases read, one summary
row per case back in the parent) and the whole `nenboard board --batch ... -f csv`
command (interpreter start-up, knowledge-base load, CSV and summary written).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nenboard.board import evaluate
from nenboard.board.batch import run_batch
from nenboard.board.synthetic import synthetic_cases
from nenboard.case.read import case_from_data
from nenboard.knowledge import default_kb


def one_case(n: int) -> dict[str, float]:
    kb = default_kb()
    cases = [case_from_data(c, kb) for c in synthetic_cases(n, seed=1)]
    evaluate(cases[0], kb)  # warm caches (compiled trials, KB indices)
    times = []
    for case in cases:
        start = time.perf_counter()
        evaluate(case, kb)
        times.append(time.perf_counter() - start)
    times.sort()
    return {"median_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * times[int(0.95 * len(times)) - 1]}


def cli_startup(repeats: int = 5) -> dict[str, float]:
    cmd = [sys.executable, "-m", "nenboard.cli", "--version"]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    example = Path(__file__).resolve().parents[1] / "examples" / "cases" / "si_net_naive.yaml"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nenboard.cli", "classify", str(example)],
                   check=True, capture_output=True)
    return {"version_median_s": statistics.median(times),
            "classify_s": time.perf_counter() - start}


def batch(n: int, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in synthetic_cases(n, seed=3)))
        start = time.perf_counter()
        rows = sum(1 for _ in run_batch(path, workers=workers))
        elapsed = time.perf_counter() - start
    return {"cases": rows, "seconds": elapsed, "cases_per_s": rows / elapsed}


def batch_cli(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.jsonl"
        path.write_text("".join(json.dumps(c) + "\n" for c in synthetic_cases(n, seed=3)))
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nenboard.cli", "board", "--batch", str(path),
                        "-f", "csv", "-o", str(Path(tmp) / "out.csv")],
                       check=True, capture_output=True)
        elapsed = time.perf_counter() - start
    return {"cases": n, "seconds": elapsed, "cases_per_s": n / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    print("one case end to end:", one_case(args.cases))
    print("CLI start-up:", cli_startup())
    print("batch, 2 workers:", batch(args.batch, 2))
    print("batch, whole CLI command to CSV:", batch_cli(args.batch))


if __name__ == "__main__":
    main()
