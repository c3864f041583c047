"""How long the Human vs AI statistics take over a large study (server time, no page drawing).

Builds the runs frame the page works on (one row per run: the ten scores and every raw measure) for
RUNS runs, half human and half AI, every project analysed both ways within one study, then times what
the page computes: groups, medians with 95% CIs, Mann-Whitney U, Cliff's delta and Holm for every
metric, the matched pairs and their Wilcoxon tests, and the two tables.

    .venv/bin/python benchmarks/study_stats.py [--runs 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def runs_frame(runs: int) -> pd.DataFrame:
    from vibe8_core.dashboard.frames import run_columns

    rng = np.random.default_rng(8)
    frame = pd.DataFrame({column: rng.gamma(2.0, 20.0, size=runs) for column in run_columns()})
    ai = np.arange(runs) % 2 == 1
    frame["author_type"] = np.where(ai, "ai", "human")
    frame["author_model"] = np.where(ai, "claude", "developer")
    frame["project"] = [f"task{index // 2}" for index in range(runs)]
    frame["study"] = "bench"
    frame["score_churn"] = np.nan  # uploads have no history, as in most studies
    return frame


def compute(frame: pd.DataFrame) -> tuple[int, int]:
    from vibe8_core.dashboard import compare

    shown = compare.prepare_groups(frame, "author_type")
    results = compare.two_group_results(shown, "Human", "AI")
    pairs = compare.matched_pairs(shown, "Human", "AI")
    paired = compare.paired_results(pairs)
    table = compare.comparison_table(results, "Human", "AI")
    compare.paired_table(paired, "Human", "AI")
    return len(table), len(pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = runs_frame(args.runs)
    compute(frame.head(40))  # imports and scipy's first-call costs are not part of the figure
    timings, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        metrics, pairs = compute(frame)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{args.runs:,} runs, {metrics} metrics, {pairs:,} matched projects over {args.repeat} runs: "
          f"wall median {statistics.median(timings):.3f} s (best {min(timings):.3f} s), "
          f"CPU median {statistics.median(cpu):.3f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
