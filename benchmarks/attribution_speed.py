"""Attribution speed: Vibe8's full analysis with line attribution against the reference tools plus a
sequential `git blame -w` of every analysed file, on a real repository with a long AI-assisted history.

Run by hand (not part of `make test`), on a checkout you made yourself, e.g. of the aider repository:
    git clone https://github.com/Aider-AI/aider /tmp/aider
    .venv/bin/python benchmarks/attribution_speed.py --repo /tmp/aider --rounds 3

The checkout is copied to a temporary folder (it is never changed, and its code never enters this
repository). Each round, alternating: Vibe8 cold (a fresh result and blame cache, churn and attribution
on), then the reference — the seven commands of analysis_speed.py and `git blame -w` of every file
Vibe8 analyses, one after another — then one new commit that changes one file, and Vibe8 again on the
same cache (the re-analysis). Each round's ratios are taken against that round's reference (the machine's
load drifts between rounds); the median of them is the figure. Prints Markdown for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis_speed import ROOT, reference_commands, sloc, timed, vibe8_env

sys.path.insert(0, str(ROOT))
from vibe8_core.collectors.files import discover_python_files  # noqa: E402

VIBE8_RUN = (
    "import sys; from pathlib import Path; from vibe8_core.analysis import analyze_folder, render_summary; "
    "from vibe8_core.config import load_settings; "
    "print(render_summary(analyze_folder(Path(sys.argv[1]), settings=load_settings().engine, churn=True)))"
)
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Bench",
           "GIT_AUTHOR_EMAIL": "bench@example.com", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def sequential_blame(root: Path, paths: list[str]) -> float:
    """`git blame -w` of every file, one after another (output discarded): the reference's blame."""
    start = time.perf_counter()
    for path in paths:
        subprocess.run(["git", "blame", "-w", "--", path], cwd=root, env={**os.environ, **GIT_ENV},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
    return time.perf_counter() - start


def one_new_commit(root: Path, path: str, round_no: int) -> None:
    """Append a line to `path` and commit it on HEAD's branch. Plumbing, through a scratch index, so that a
    checkout lacking some large blobs (a partial mirror) can still take the commit."""
    with (root / path).open("a", encoding="utf-8") as handle:
        handle.write(f"\nBENCHMARK_ROUND_{round_no} = {round_no}\n")
    index = root / ".git" / "vibe8-bench-index"
    env = {**os.environ, **GIT_ENV, "GIT_INDEX_FILE": str(index)}
    steps = (["read-tree", "HEAD"], ["update-index", "--add", "--", path], ["write-tree", "--missing-ok"])
    tree = ""
    for step in steps:
        tree = subprocess.run(["git", *step], cwd=root, env=env, capture_output=True, text=True, check=True).stdout
    commit = git(root, "commit-tree", tree.strip(), "-p", "HEAD", "-m", f"benchmark round {round_no}").strip()
    git(root, "update-ref", "HEAD", commit)
    index.unlink()


def run(root: Path, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"vibe8 cold": [], "vibe8 after one commit": [], "reference": [],
                                     "tools": [], "git blame -w, sequential": [], "peak_mb": []}  # fmt: skip
    paths = discover_python_files(root)
    commands = reference_commands(root)
    command = [sys.executable, "-c", VIBE8_RUN, str(root)]
    for round_no in range(1, rounds + 1):
        cache = Path(tempfile.mkdtemp(prefix="vibe8-bench-cache-"))
        env = vibe8_env(cache)
        try:
            cold, peak = timed(command, env)
            tools = sum(timed(reference)[0] for _, reference in commands)
            blame = sequential_blame(root, paths)
            one_new_commit(root, paths[round_no % len(paths)], round_no)
            again, _ = timed(command, env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        for name, value in (("vibe8 cold", cold), ("vibe8 after one commit", again), ("tools", tools),
                            ("git blame -w, sequential", blame), ("reference", tools + blame),
                            ("peak_mb", peak / 1024)):  # fmt: skip
            times[name].append(value)
        print(f"round {round_no}: cold {cold:.2f}s, after one commit {again:.2f}s, tools {tools:.2f}s, "
              f"blame {blame:.2f}s", file=sys.stderr)  # fmt: skip
    return times


def report(root: Path, label: str, times: dict[str, list[float]], load: float) -> None:
    med = {name: statistics.median(values) for name, values in times.items()}
    commits = git(root, "rev-list", "--count", "HEAD").strip()
    print(f"\n### {label} ({len(discover_python_files(root))} files, {sloc(root):,} SLOC, {commits} commits), "
          f"{len(times['reference'])} rounds, medians\n")  # fmt: skip
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average before: {load:.2f}.\n")  # fmt: skip
    print("| command | seconds |\n|---|---:|")
    for name in ("tools", "git blame -w, sequential", "reference", "vibe8 cold", "vibe8 after one commit"):
        print(f"| {name} | {med[name]:.2f} |")
    cold = [vibe8 / reference for vibe8, reference in zip(times["vibe8 cold"], times["reference"], strict=True)]
    again = [vibe8 / reference for vibe8, reference in zip(times["vibe8 after one commit"], times["reference"],
                                                           strict=True)]  # fmt: skip
    print(f"\nRatios of each round (Vibe8 / that round's reference): cold {', '.join(f'{r:.3f}' for r in cold)}; "
          f"after one new commit {', '.join(f'{r:.3f}' for r in again)}.")  # fmt: skip
    print(f"\nMedian ratio cold: **{statistics.median(cold):.3f}** (target ≤ 0.35); after one new commit: "
          f"**{statistics.median(again):.3f}** (target ≤ 0.10); ratio of the medians: "
          f"{med['vibe8 cold'] / med['reference']:.3f} and {med['vibe8 after one commit'] / med['reference']:.3f}; "
          f"Vibe8 peak RSS (process tree): **{med['peak_mb']:.0f} MB**; "
          f"load average after: {os.getloadavg()[0]:.2f}.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="a git checkout with a long history")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="vibe8-bench-repo-") as scratch:
        root = Path(scratch) / args.repo.resolve().name
        shutil.copytree(args.repo, root, symlinks=True)
        report(root, args.repo.resolve().name, run(root, args.rounds), load)


if __name__ == "__main__":
    main()
