"""Which commit last changed each line: `git blame --incremental -w` per file, cached, within a deadline.

git does the blaming; this module only runs it (as the churn collector runs git: no hooks, no
configuration, no programs from the repository), in a few threads at once, and reads its output.
`.git-blame-ignore-revs` is honoured when the analysed folder has one (its commits are checked first:
a stale or hostile line would otherwise make git refuse the whole blame). git reads a commit-graph with
changed-path Bloom filters that Vibe8 keeps outside the repository (commit_graph.py), which makes each
blame several times cheaper on a long history. A file's blame is reused from an earlier analysed commit
of the same repository when no newer commit changed it (blame_cache.py says when that is exact).
"""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibe8_core.collectors.blame_cache import BlameCache, FileState, Run
from vibe8_core.collectors.churn import git_command_line, git_env, is_git_checkout, run_git
from vibe8_core.collectors.commit_graph import commit_graph, graph_home, repository_key

log = logging.getLogger(__name__)
BLAME_FORMAT = "vibe8-blame-1"
IGNORE_REVS_FILE = ".git-blame-ignore-revs"
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_GROUP = re.compile(r"([0-9a-f]{40}(?:[0-9a-f]{24})?) \d+ (\d+) (\d+)")


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


def blame_key(path: str, digest: str, commit: str, ignored: list[str]) -> str:
    """The key of `path`'s blame at `commit`, its bytes hashing to `digest`, with `ignored` revisions."""
    hashed = hashlib.sha256(BLAME_FORMAT.encode())
    for part in (path.encode("utf-8", "surrogatepass"), digest.encode(), commit.encode(), ",".join(ignored).encode()):
        hashed.update(b"\0" + part)
    return hashed.hexdigest()


def committed_paths(root: Path, timeout: float) -> set[str] | None:
    """The paths under `root` in HEAD's tree (a file never committed has no blame); None if git failed."""
    listed = run_git(root, ["ls-tree", "-r", "-z", "--name-only", "HEAD"], timeout)
    return set(listed.stdout.split("\0")) - {""} if listed.returncode == 0 else None


def reusable_across_commits(root: Path, timeout: float) -> bool:
    """False for a shallow history or one with replaced objects: their blames depend on more than commits."""
    shallow = run_git(root, ["rev-parse", "--is-shallow-repository"], timeout).stdout.strip() == "true"
    replaced = run_git(root, ["for-each-ref", "--count=1", "refs/replace/"], timeout)
    return not shallow and replaced.returncode == 0 and not replaced.stdout.strip()


def earlier_states(
    root: Path, cache: BlameCache, repository: str | None, head: str, ignored: str, timeout: float
) -> tuple[dict[str, list[str]], set[str]]:
    """The file states of the newest remembered commit that is HEAD or an ancestor of it, with the same
    ignored revisions, and the paths (under `root`) that commits since then changed against any parent."""
    for item in cache.heads(repository) if repository else ():
        base, files = item.get("head"), item.get("files")
        if item.get("ignored") != ignored or not isinstance(base, str) or not isinstance(files, dict):
            continue
        if base == head:
            return files, set()
        if not _SHA.fullmatch(base) or run_git(root, ["merge-base", "--is-ancestor", base, head], timeout).returncode:
            continue
        args = ["log", "-m", "--no-renames", "--relative", "--format=", "--name-only", "-z", f"{base}..{head}"]
        changed = run_git(root, args, timeout)
        if changed.returncode == 0:
            return files, set(changed.stdout.split("\0")) - {""}
    return {}, set()


def blame_file(
    root: Path, path: str, ignore_file: str | None, timeout: float, alternates: Path | None = None
) -> list[Run]:
    """`git blame --incremental -w` of the working-tree file `path` (as the analysis read it)."""
    ignore = ["--ignore-revs-file", ignore_file] if ignore_file else []
    args = ["blame", "--incremental", "-w", "--no-textconv", *ignore, "--", path]
    completed = run_git(root, args, timeout, alternates=alternates)
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
    """Every path's blame runs (None: never committed), the commits they name, and what failed.

    Returns {"history": False} when `root` is not a checkout with a commit. Files not blamed by the
    deadline are listed in "unfinished" (their attribution is missing, so the result is partial).
    """
    folder = Path(root)
    deadline = time.monotonic() + timeout_s
    head = run_git(folder, ["rev-parse", "-q", "--verify", "HEAD^{commit}"], timeout_s)
    committed = committed_paths(folder, timeout_s) if head.returncode == 0 else None
    if committed is None or not is_git_checkout(folder, timeout_s):
        return {"history": False}
    revision = _Revision(head.stdout.strip(), ignored_revisions(folder, timeout_s))
    repository = repository_key(folder, timeout_s)
    cache = BlameCache(cache_dir)
    reusable = repository if repository and reusable_across_commits(folder, timeout_s) else None
    with tempfile.TemporaryDirectory(prefix="vibe8-blame-") as scratch:
        home = graph_home(Path(cache_dir), repository) if cache_dir and repository else Path(scratch)
        graph = commit_graph(folder, home, timeout_s)
        earlier = earlier_states(folder, cache, reusable, revision.head, revision.ignored_key, timeout_s)
        ignore_file = None
        if revision.ignored:
            ignore_file = str(Path(scratch) / "ignore-revs")
            Path(ignore_file).write_text("\n".join(revision.ignored) + "\n", encoding="ascii")
        blamer = _Blamer(folder, ignore_file, graph, deadline, cache)
        files, states, errors, unfinished = blamer.blame_all(paths, committed, earlier, revision, threads)
    if reusable:
        cache.remember(reusable, revision.head, revision.ignored_key, states)
    shas = {sha for runs in files.values() if runs for _, _, sha in runs}
    shallow = run_git(folder, ["rev-parse", "--is-shallow-repository"], timeout_s).stdout.strip() == "true"
    commits = commit_details(folder, shas, max(1.0, deadline - time.monotonic()))
    blamed = {path: files[path] for path in paths if path in files and path not in unfinished}
    return {"history": True, "files": blamed, "commits": commits, "errors": errors, "unfinished": unfinished,
            "shallow": shallow}  # fmt: skip


@dataclass(frozen=True)
class _Revision:
    """The analysed commit and the revisions blame ignores."""

    head: str
    ignored: list[str]

    @property
    def ignored_key(self) -> str:
        return hashlib.sha256(",".join(self.ignored).encode()).hexdigest()


class _Blamer:
    """Blames files of one checkout, a few at a time, until a deadline."""

    def __init__(
        self, folder: Path, ignore_file: str | None, graph: Path | None, deadline: float, cache: BlameCache
    ) -> None:
        self.folder, self.ignore_file, self.graph = folder, ignore_file, graph
        self.deadline, self.cache = deadline, cache

    def one(self, path: str) -> tuple[str, list[Run] | str]:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            return path, "timeout"
        try:
            return path, blame_file(self.folder, path, self.ignore_file, remaining, self.graph)
        except subprocess.TimeoutExpired:
            return path, "timeout"
        except (RuntimeError, OSError) as exc:
            return path, str(exc)

    def _known(self, path: str, digest: str, earlier: dict[str, list[str]], changed: set[str]) -> FileState | None:
        """The state of a blame already in the cache that holds for this file now, if any."""
        state = earlier.get(path)
        if isinstance(state, list) and len(state) == 2 and path not in changed and state[0] == digest:
            return state[0], state[1]
        return None

    def blame_all(
        self,
        paths: list[str],
        committed: set[str],
        earlier: tuple[dict[str, list[str]], set[str]],
        revision: _Revision,
        threads: int,
    ) -> tuple[dict[str, list[Run] | None], dict[str, FileState], list[str], list[str]]:
        """(path -> runs, None for a file never committed), each file's state, errors, and the paths not
        blamed in time."""
        files: dict[str, list[Run] | None] = {path: None for path in paths if path not in committed}
        states: dict[str, FileState] = {}
        errors: list[str] = []
        for path in paths:
            if path not in committed:
                continue
            try:
                digest = hashlib.sha256((self.folder / path).read_bytes()).hexdigest()
            except OSError as exc:
                errors.append(f"authorship: {path}: not read ({exc.strerror}).")
                files[path] = None
                continue
            fresh = (digest, blame_key(path, digest, revision.head, revision.ignored))
            for state in (self._known(path, digest, *earlier), fresh):  # from an earlier commit, or this one
                runs = self.cache.read(state[1]) if state else None
                if state and runs is not None:
                    files[path], states[path] = runs, state
                    break
            else:
                states[path] = fresh
        to_blame = [path for path in states if path not in files]
        unfinished = []
        with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="vibe8-blame") as pool:
            for path, outcome in pool.map(self.one, to_blame):
                if outcome == "timeout":
                    unfinished.append(path)
                elif isinstance(outcome, str):
                    errors.append(f"authorship: {path}: git blame failed ({outcome}).")
                else:
                    files[path] = outcome
                    self.cache.write(states[path][1], outcome)
        return files, {path: states[path] for path in states if path in files}, errors, unfinished
