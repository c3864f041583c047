"""Analysis speed: Vibe8's full analysis against the reference tools run back to back.

Run by hand (not part of `make test`):  make bench   or
    .venv/bin/python benchmarks/analysis_speed.py --package django==5.2.8 --subdir django --rounds 3
    .venv/bin/python benchmarks/analysis_speed.py --linearity --rounds 3

It fetches the sdist with `pip download` (cached under benchmarks/.cache), then, alternating within
each round: Vibe8 cold (a fresh result cache), Vibe8 warm (the same tree again on that cache), and
the seven reference commands one after another. It prints the medians, the ratios Vibe8 / reference
and Vibe8's peak memory (the RSS of its process tree, sampled), as Markdown for docs/PERFORMANCE.md.
Vibe8 runs as a fresh Python process that calls `analyze_folder` (churn off) and prints the summary:
what a job does, without the CLI's database imports.

`--linearity` times Vibe8 cold on requests, flask and django, and on generated files (a huge literal
table, one very long logical line) of doubling size, to show time growing with size and nothing more.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
BIN = Path(sys.executable).parent
ROOT = HERE.parent
LINT_RULES_PROBE = "from vibe8_core.collectors.lint import LINT_RULES; print(','.join(LINT_RULES))"


def fetch(spec: str) -> Path:
    """The sdist for `spec` (e.g. django==5.2.8), downloaded once."""
    CACHE.mkdir(exist_ok=True)
    name, _, version = spec.partition("==")
    found = sorted(CACHE.glob(f"{name.lower()}-{version}*.tar.gz"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", CACHE, spec],
            check=True,
        )
        found = sorted(CACHE.glob(f"{name.lower()}-{version}*.tar.gz"))
    return found[0]


def unpack(sdist: Path, subdir: str) -> Path:
    target = CACHE / sdist.name.removesuffix(".tar.gz")
    if not target.exists():
        with tarfile.open(sdist) as archive:
            archive.extractall(CACHE, filter="data")
    return target / subdir if subdir else target


def python_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*.py"))


def reference_commands(root: Path) -> list[tuple[str, list[str]]]:
    rules = subprocess.run([sys.executable, "-c", LINT_RULES_PROBE], cwd=ROOT, capture_output=True, text=True)
    select = rules.stdout.strip()
    return [
        ("ruff check", [str(BIN / "ruff"), "check", "--isolated", "--select", select, "--exit-zero", str(root)]),
        ("radon cc", [str(BIN / "radon"), "cc", "-a", str(root)]),
        ("radon mi", [str(BIN / "radon"), "mi", str(root)]),
        ("radon raw", [str(BIN / "radon"), "raw", str(root)]),
        ("vulture", [str(BIN / "vulture"), "--min-confidence", "60", str(root)]),
        ("bandit -r", [str(BIN / "bandit"), "-r", "-q", str(root)]),
        ("symilar", [str(BIN / "symilar"), *python_files(root)]),
    ]


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak tree RSS (kB) of one command; its output is discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code not in (0, 1, 3):  # bandit exits 1 and vulture 3 when they find something
        raise SystemExit(f"{command[0]} exited with {code}")
    return elapsed, peak


VIBE8_RUN = (
    "import sys; from pathlib import Path; from vibe8_core.analysis import analyze_folder, render_summary; "
    "from vibe8_core.config import load_settings; "
    "print(render_summary(analyze_folder(Path(sys.argv[1]), settings=load_settings().engine, churn=False)))"
)
LINEARITY_PACKAGES = (("requests==2.32.3", ""), ("flask==3.1.0", ""), ("django==5.2.8", "django"))


def vibe8_command(root: Path) -> list[str]:
    return [sys.executable, "-c", VIBE8_RUN, str(root)]


def vibe8_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "VIBE8_CACHE_DIR": str(cache), "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi"}


def vibe8_cold(root: Path) -> tuple[float, int]:
    """One Vibe8 run on a fresh, empty result cache: (seconds, peak tree RSS in kB)."""
    cache = Path(tempfile.mkdtemp(prefix="vibe8-bench-cache-"))
    try:
        return timed(vibe8_command(root), vibe8_env(cache))
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def run(root: Path, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"vibe8 cold": [], "vibe8 warm": [], "reference": [], "peak_mb": []}
    commands = reference_commands(root)
    for name, _ in commands:
        times[name] = []
    for round_no in range(1, rounds + 1):
        cache = Path(tempfile.mkdtemp(prefix="vibe8-bench-cache-"))
        env = vibe8_env(cache)
        try:
            cold, peak = timed(vibe8_command(root), env)
            warm, _ = timed(vibe8_command(root), env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        times["vibe8 cold"].append(cold)
        times["vibe8 warm"].append(warm)
        times["peak_mb"].append(peak / 1024)
        total = 0.0
        for name, command in commands:
            elapsed, _ = timed(command)
            times[name].append(elapsed)
            total += elapsed
        times["reference"].append(total)
        print(f"round {round_no}: vibe8 cold {cold:.2f}s warm {warm:.2f}s, reference {total:.2f}s", file=sys.stderr)
    return times


def sloc(root: Path) -> int:
    out = subprocess.run([str(BIN / "radon"), "raw", "-s", str(root)], capture_output=True, text=True).stdout
    for line in reversed(out.splitlines()):
        if line.strip().startswith("SLOC:"):
            return int(line.split()[1])
    return 0


def report(label: str, root: Path, times: dict[str, list[float]]) -> None:
    med = {name: statistics.median(values) for name, values in times.items()}
    files = len(python_files(root))
    print(f"\n### {label} ({files} files, {sloc(root):,} SLOC), {len(times['reference'])} rounds, medians\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.\n")
    print("| command | seconds |\n|---|---:|")
    for name in times:
        if name not in ("vibe8 cold", "vibe8 warm", "reference", "peak_mb"):
            print(f"| {name} | {med[name]:.2f} |")
    print(f"| **reference, back to back** | **{med['reference']:.2f}** |")
    print(f"| Vibe8 cold (all collectors, no cache) | {med['vibe8 cold']:.2f} |")
    print(f"| Vibe8 warm (unchanged tree, cached) | {med['vibe8 warm']:.2f} |")
    print(f"\nRatio cold: **{med['vibe8 cold'] / med['reference']:.3f}**; "
          f"ratio warm: **{med['vibe8 warm'] / med['reference']:.3f}**; "
          f"Vibe8 peak RSS (process tree): **{med['peak_mb']:.0f} MB**.")  # fmt: skip


def median_cold(root: Path, rounds: int) -> float:
    return statistics.median(vibe8_cold(root)[0] for _ in range(rounds))


def generated_trees(base: Path) -> list[tuple[str, Path, int]]:
    """(label, folder, bytes): one generated file each, a literal table and one long logical line, doubling."""
    trees = []
    for rows in (10_000, 20_000, 40_000):
        table = "TABLE = [\n" + "".join(f"    ({i}, 'name{i}', {i * 0.5}, None),\n" for i in range(rows)) + "]\n"
        trees.append((f"literal table, {rows:,} rows", table))
    for items in (50_000, 100_000, 200_000):
        line = "VALUES = [" + ", ".join(f"('k{i}', {i})" for i in range(items)) + "]\n"
        trees.append((f"one line, {items:,} tuples", line))
    found = []
    for number, (label, text) in enumerate(trees):
        folder = base / f"generated{number}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "generated.py").write_text(text)
        found.append((label, folder, len(text.encode())))
    return found


def linearity(rounds: int) -> None:
    """Vibe8 cold against size: real packages by SLOC, generated files by bytes."""
    start_tree = Path(tempfile.mkdtemp(prefix="vibe8-bench-one-"))
    (start_tree / "one.py").write_text('"""One small module."""\n\nVALUE = 1\n')
    fixed = median_cold(start_tree, rounds)
    print(f"\n### Linearity: Vibe8 cold, {rounds} rounds, medians\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average before: {os.getloadavg()[0]:.2f}. Fixed cost (a one-file tree): {fixed:.2f} s.\n")  # fmt: skip
    print("| tree | files | SLOC | seconds | (seconds − fixed) per 10k SLOC |\n|---|---:|---:|---:|---:|")
    for spec, subdir in LINEARITY_PACKAGES:
        root = unpack(fetch(spec), subdir)
        seconds, lines = median_cold(root, rounds), sloc(root)
        label = f"{spec} {subdir + '/' if subdir else '(whole sdist)'}"
        per_10k = (seconds - fixed) / lines * 1e4
        print(f"| {label} | {len(python_files(root))} | {lines:,} | {seconds:.2f} | {per_10k:.2f} |")
    print("\n| generated file (one round) | MB | seconds | (seconds − fixed) per MB |\n|---|---:|---:|---:|")
    for label, folder, size in generated_trees(start_tree):  # one round each: they are slow and steady
        seconds = median_cold(folder, 1)
        print(f"| {label} | {size / 2**20:.2f} | {seconds:.2f} | {(seconds - fixed) / (size / 2**20):.2f} |")
    shutil.rmtree(start_tree, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==5.2.8")
    parser.add_argument("--subdir", default="django", help="folder inside the sdist to analyse")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--linearity", action="store_true", help="time against size instead (see above)")
    args = parser.parse_args()
    if args.linearity:
        linearity(args.rounds)
        return
    root = unpack(fetch(args.package), args.subdir)
    load = os.getloadavg()[0]
    report(args.package, root, run(root, args.rounds))
    print(f"Load average before the run: {load:.2f}; after: {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
