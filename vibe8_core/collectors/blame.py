"""Which commit last changed each line: `git blame --incremental -w` per file, cached, within a deadline.

git does the blaming; this module only runs it (as the churn collector runs git: no hooks, no
configuration, no programs from the repository), in a few threads at once, and reads its output.
`.git-blame-ignore-revs` is honoured when the analysed folder has one (its commits are checked first:
a stale or hostile line would otherwise make git refuse the whole blame).

A file's blame at the analysed commit equals its blame at the last commit that touched it, so the
cache key is (path, the file's bytes, that commit, the ignored revisions): re-analysing a later commit
of the same repository blames again only the files a newer commit touched. Those last commits come
from one `git log --name-only` walk that stops as soon as every analysed file has been seen.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from vibe8_core.collectors.churn import git_command_line, git_env, is_git_checkout, run_git

log = logging.getLogger(__name__)
BLAME_FORMAT = "vibe8-blame-1"
IGNORE_REVS_FILE = ".git-blame-ignore-revs"
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_GROUP = re.compile(r"([0-9a-f]{40}(?:[0-9a-f]{24})?) \d+ (\d+) (\d+)")
_MARK = "\x1e"
Run = tuple[int, int, str]  # first line (1-based), number of lines, commit


class BlameCache:
    """Per-file blame runs stored as JSON under `<cache_dir>/blame`; every failure is a miss."""

    def __init__(self, cache_dir: str | None) -> None:
        self.directory = Path(cache_dir) / "blame" if cache_dir else None

    def _entry(self, key: str) -> Path | None:
        return None if self.directory is None else self.directory / key[:2] / f"{key}.json"

    def read(self, key: str) -> list[Run] | None:
        entry = self._entry(key)
        if entry is None:
            return None
        try:
            runs = json.loads(entry.read_text(encoding="utf-8"))
            os.utime(entry)
        except (OSError, ValueError):
            return None
        return [(int(start), int(count), str(sha)) for start, count, sha in runs]

    def write(self, key: str, runs: list[Run]) -> None:
        entry = self._entry(key)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(runs, separators=(",", ":")))
            os.replace(temporary, entry)
        except OSError as exc:
            log.warning("blame cache not written: %s", exc)


def parse_incremental(output: str) -> list[Run]:
    """(first line, count, commit) groups from `git blame --incremental`, in line order."""
    runs = [(int(match[2]), int(match[3]), match[1]) for match in map(_GROUP.fullmatch, output.split("\n")) if match]
    return sorted(runs)


def ignored_revisions(root: Path, timeout: float) -> list[str]:
    """The commits named in the folder's .git-blame-ignore-revs that exist here (full ids), in file order."""
    listed = root / IGNORE_REVS_FILE
    if listed.is_symlink() or not listed.is_file():
        return []
    try:
        text = listed.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    candidates = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    candidates = [item for item in candidates if re.fullmatch(r"[0-9a-fA-F]{4,64}", item)]
    if not candidates:
        return []
    checked = run_git(root, ["cat-file", "--batch-check"], timeout, "\n".join(candidates) + "\n")
    answers = [line.split() for line in checked.stdout.splitlines()]
    return [parts[0] for parts in answers if len(parts) == 3 and parts[1] == "commit"]


def last_commits(root: Path, paths: Iterable[str], timeout: float) -> dict[str, str]:
    """path -> the newest commit (in `git log` order from HEAD) that touched it; untracked paths are absent."""
    wanted = set(paths)
    found: dict[str, str] = {}
    stdin = "HEAD\n--\n" + "".join(f"{path}\n" for path in sorted(wanted))
    args = ["--literal-pathspecs", "log", "--stdin", "--format=%x1e%H", "--name-only", "--no-renames", "--no-color"]
    deadline = time.monotonic() + timeout
    with subprocess.Popen(
        git_command_line(args), cwd=root, env=git_env(root), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8", errors="surrogateescape",
    ) as process:  # fmt: skip
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(stdin)
            process.stdin.close()
            current = ""
            for line in process.stdout:
                line = line.rstrip("\n")
                if line.startswith(_MARK):
                    current = line[1:]
                    if time.monotonic() > deadline:
                        raise TimeoutError("the history walk ran out of time")
                elif line in wanted and line not in found:
                    found[line] = current
                    if len(found) == len(wanted):
                        break
        finally:
            process.kill()
    return found


def blame_key(path: str, data: bytes, last_commit: str, ignored: list[str]) -> str:
    digest = hashlib.sha256(BLAME_FORMAT.encode())
    for part in (path.encode("utf-8", "surrogatepass"), hashlib.sha256(data).digest(), last_commit.encode()):
        digest.update(b"\0" + part)
    digest.update(b"\0" + ",".join(ignored).encode())
    return digest.hexdigest()


def blame_file(root: Path, path: str, ignore_file: str | None, timeout: float) -> list[Run]:
    """`git blame --incremental -w` of the working-tree file `path` (as the analysis read it)."""
    ignore = ["--ignore-revs-file", ignore_file] if ignore_file else []
    completed = run_git(root, ["blame", "--incremental", "-w", "--no-textconv", *ignore, "--", path], timeout)
    if completed.returncode != 0:
        last = completed.stderr.strip().splitlines()[-1:] or ["git blame failed"]
        raise RuntimeError(last[0][:200])
    return parse_incremental(completed.stdout)


def commit_details(root: Path, shas: Iterable[str], timeout: float) -> dict[str, list[str]]:
    """sha -> [author name, author e-mail, committer name, committer e-mail, message] via `git cat-file --batch`."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    completed = subprocess.run(
        git_command_line(["cat-file", "--batch"]), cwd=root, env=git_env(root),
        input="\n".join(wanted).encode() + b"\n", capture_output=True, timeout=timeout, check=False,
    )  # fmt: skip
    details: dict[str, list[str]] = {}
    data, offset = completed.stdout, 0
    while offset < len(data):
        end = data.index(b"\n", offset)
        header = data[offset:end].decode("ascii", "replace").split()
        if len(header) != 3:  # "<name> missing"
            offset = end + 1
            continue
        size = int(header[2])
        body = data[end + 1 : end + 1 + size].decode("utf-8", "replace")
        offset = end + 1 + size + 1
        if header[1] == "commit":
            details[header[0]] = _parse_commit(body)
    return details


def _identity(value: str) -> tuple[str, str]:
    """'NAME <EMAIL> TIME ZONE' -> (NAME, EMAIL)."""
    name, _, rest = value.partition(" <")
    return name.strip(), rest.partition(">")[0].strip()


def _parse_commit(body: str) -> list[str]:
    headers, _, message = body.partition("\n\n")
    author = committer = ("", "")
    for line in headers.split("\n"):
        if line.startswith("author "):
            author = _identity(line[len("author ") :])
        elif line.startswith("committer "):
            committer = _identity(line[len("committer ") :])
    return [*author, *committer, message.strip()]


def blame_repository(
    root: str, paths: list[str], cache_dir: str | None, timeout_s: float, threads: int
) -> dict[str, Any]:
    """Run in a worker: every path's blame runs (None: never committed), the commits they name, and what failed.

    Returns {"history": False} when `root` is not a checkout with a commit. Files not blamed by the
    deadline are listed in "unfinished" (their attribution is missing, so the result is partial).
    """
    folder = Path(root)
    deadline = time.monotonic() + timeout_s
    head = run_git(folder, ["rev-parse", "-q", "--verify", "HEAD"], timeout_s)
    if not is_git_checkout(folder, timeout_s) or head.returncode != 0:
        return {"history": False}
    ignored = ignored_revisions(folder, timeout_s)
    last = last_commits(folder, paths, max(0.1, deadline - time.monotonic()))
    cache = BlameCache(cache_dir)
    files: dict[str, list[Run] | None] = {path: None for path in paths if path not in last}
    keys, errors, unfinished = {}, [], []
    for path in paths:
        if path in last:
            try:
                keys[path] = blame_key(path, (folder / path).read_bytes(), last[path], ignored)
            except OSError as exc:
                errors.append(f"authorship: {path}: not read ({exc.strerror}).")
                files[path] = None
                continue
            cached = cache.read(keys[path])
            if cached is not None:
                files[path] = cached
    to_blame = [path for path in keys if path not in files]
    with tempfile.TemporaryDirectory(prefix="vibe8-blame-") as scratch:
        ignore_file = None
        if ignored:
            ignore_file = str(Path(scratch) / "ignore-revs")
            Path(ignore_file).write_text("\n".join(ignored) + "\n", encoding="ascii")

        def one(path: str) -> tuple[str, list[Run] | str]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return path, "timeout"
            try:
                return path, blame_file(folder, path, ignore_file, remaining)
            except subprocess.TimeoutExpired:
                return path, "timeout"
            except (RuntimeError, OSError) as exc:
                return path, str(exc)

        with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="vibe8-blame") as pool:
            for path, outcome in pool.map(one, to_blame):
                if outcome == "timeout":
                    unfinished.append(path)
                elif isinstance(outcome, str):
                    errors.append(f"authorship: {path}: git blame failed ({outcome}).")
                else:
                    files[path] = outcome
                    cache.write(keys[path], outcome)
    shas = {sha for runs in files.values() if runs for _, _, sha in runs}
    shallow = run_git(folder, ["rev-parse", "--is-shallow-repository"], timeout_s).stdout.strip() == "true"
    commits = commit_details(folder, shas, max(1.0, deadline - time.monotonic()))
    blamed = {path: files[path] for path in paths if path in files and path not in unfinished}
    return {"history": True, "files": blamed, "commits": commits, "errors": errors, "unfinished": unfinished,
            "shallow": shallow}  # fmt: skip
