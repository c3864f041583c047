"""Peak memory and time of one analysis of the hostile corpus (docs/RELIABILITY.md).

Run by hand (not part of `make test`):
    .venv/bin/python benchmarks/hostile_memory.py [--huge-mb 9]

It writes the corpus into a temporary folder (the huge `a = 1` file of issue 12, NUL and surrogate
payloads, a utf-7 cookie, names that are not UTF-8 or that hold escape sequences, deep nesting,
thousands of findings in one file), analyses it in a fresh Python process with the default engine
settings, samples the RSS of that process and of every process below it, and prints the peak of the
largest single process, the peak of the whole tree, the wall time and the errors the analysis named.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
from pathlib import Path
from vibe8_core.analysis import analyze_folder
from vibe8_core.config import EngineSettings
result = analyze_folder(Path(sys.argv[1]), settings=EngineSettings(package_index_url="http://127.0.0.1:9/pypi",
                        cache_max_mb=0), churn=False)
print(json.dumps({"errors": result.errors, "bytes": len(json.dumps(result.to_dict()))}))
"""


def write_corpus(root: Path, huge_mb: int) -> None:
    files: dict[bytes, bytes] = {
        b"huge.py": b"a = 1\n" * (huge_mb * 2**20 // 6),
        b"bandit_nul.py": b'password = "a\\x00b"\n',
        b"utf7.py": b"# -*- coding: utf-7 -*-\nx = '+AAA-'\n",
        b"caf\xe9.py": b"x = 1\n",
        b"\x1b[31mred\x07.py": b"y = 2\n",
        b"[click](https:evil.example).py": b"z = 3\n",
        b"deep.py": b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n",
        b"many.py": b"".join(b"import module_%d\n" % i for i in range(5000)),
        b"pyproject.toml": b'[project]\nname = "x"\ndependencies = ["\\u0000evil"]\n',
    }
    for name, data in files.items():
        (Path(os.fsdecode(root)) / os.fsdecode(name)).write_bytes(data)


def tree_rss(pid: int) -> tuple[int, int]:
    """(largest single RSS, sum of RSS) in bytes over `pid` and its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            parents[int(entry.name)] = int(fields["PPid"])
            rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    tree, pending = {pid}, [pid]
    while pending:
        current = pending.pop()
        for child, parent in parents.items():
            if parent == current and child not in tree:
                tree.add(child)
                pending.append(child)
    sizes = [rss.get(member, 0) for member in tree]
    return max(sizes), sum(sizes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--huge-mb", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        write_corpus(Path(folder), args.huge_mb)
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", PROBE, folder], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        peaks = [0, 0]

        def sample() -> None:
            while process.poll() is None:
                single, total = tree_rss(process.pid)
                peaks[0], peaks[1] = max(peaks[0], single), max(peaks[1], total)
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output, _ = process.communicate()
        sampler.join()
        elapsed = time.monotonic() - started
    result = json.loads(output.strip().splitlines()[-1])
    stored_mb = result["bytes"] / 2**20
    print(f"load average: {os.getloadavg()[0]:.1f}; wall time {elapsed:.0f} s; stored result {stored_mb:.1f} MB")
    print(f"peak RSS of the largest process: {peaks[0] / 2**20:.0f} MiB; of the whole tree: {peaks[1] / 2**20:.0f} MiB")
    for error in result["errors"]:
        print(f"  - {error[:160]}")


if __name__ == "__main__":
    main()
