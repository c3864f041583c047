"""Report speed: `analyze --format sarif` (and json) against the plain `analyze`, on the same tree.

Run by hand (not part of `make test`):
    .venv/bin/python benchmarks/report_speed.py --package django==5.2.8 --subdir django --rounds 3

The sdist comes from analysis_speed.py's cache (`pip download`, once). Each round runs every format
cold (a fresh, empty result cache) and then warm (the same cache again), in a rotating order so that
no format always goes first, each as the command line a CI job runs (`python -m vibe8_core analyze
PATH --no-churn [--format F --output FILE]`). It prints the medians and the ratio of each format to
the plain text report, with the load average before and after, as Markdown for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from analysis_speed import fetch, timed, unpack, vibe8_env

FORMATS: dict[str, list[str]] = {"text": [], "json": ["--format", "json"], "sarif": ["--format", "sarif"]}


def command(root: Path, fmt: str, out: Path) -> list[str]:
    extra = [*FORMATS[fmt], "--output", str(out / f"report.{fmt}")] if FORMATS[fmt] else []
    return [sys.executable, "-m", "vibe8_core", "analyze", str(root), "--no-churn", *extra]


def run(root: Path, rounds: int, names: list[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {f"{fmt} {state}": [] for fmt in names for state in ("cold", "warm")}
    for round_no in range(rounds):
        order = names[round_no % len(names) :] + names[: round_no % len(names)]
        for fmt in order:
            cache, out = Path(tempfile.mkdtemp(prefix="vibe8-bench-")), Path(tempfile.mkdtemp(prefix="vibe8-out-"))
            try:
                env = vibe8_env(cache)
                times[f"{fmt} cold"].append(timed(command(root, fmt, out), env)[0])
                times[f"{fmt} warm"].append(timed(command(root, fmt, out), env)[0])
                size = sum(path.stat().st_size for path in out.iterdir())
            finally:
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
            print(f"round {round_no + 1} {fmt}: cold {times[f'{fmt} cold'][-1]:.2f}s, "
                  f"warm {times[f'{fmt} warm'][-1]:.2f}s, report {size / 2**20:.1f} MB", file=sys.stderr)  # fmt: skip
    return times


def report(label: str, times: dict[str, list[float]], load_before: float) -> None:
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n### {label}, {len(times['text cold'])} rounds, medians\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after.\n")  # fmt: skip
    print("| format | cold (s) | warm (s) | cold / text | warm / text |\n|---|---:|---:|---:|---:|")
    for fmt in [name for name in FORMATS if f"{name} cold" in times]:
        cold, warm = med[f"{fmt} cold"], med[f"{fmt} warm"]
        print(f"| {fmt} | {cold:.2f} | {warm:.2f} | {cold / med['text cold']:.3f} | {warm / med['text warm']:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==5.2.8")
    parser.add_argument("--subdir", default="django", help="folder inside the sdist to analyse")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default="text,json,sarif", help="comma-separated; text is always included")
    args = parser.parse_args()
    names = ["text", *(name for name in args.formats.split(",") if name in FORMATS and name != "text")]
    root = unpack(fetch(args.package), args.subdir)
    load = os.getloadavg()[0]
    report(f"{args.package} {args.subdir}/", run(root, args.rounds, names), load)


if __name__ == "__main__":
    main()
