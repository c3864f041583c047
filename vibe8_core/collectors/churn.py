"""churn: commits and lines added/deleted per Python file, from `git log --numstat` of the folder.

git runs without a shell, with system and global configuration switched off and every repository
setting that could run a program (fsmonitor, hooks, pager, textconv, external diff) neutralised: the
analysed `.git` comes from an upload and is not trusted. Only commits touching a `*.py` file inside
the analysed folder count; binary changes ('-') count as 0 lines; renames count as delete + add.
Only a folder that is itself a checkout counts: git may not look above it (GIT_CEILING_DIRECTORIES), so
an upload stored inside some other repository never reports that repository's history.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import tempfile
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    EarlyStart,
    FileFields,
    MetricsSection,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)
from vibe8_core.config import EngineSettings

log = logging.getLogger(__name__)
COMMIT_MARK = "\x1ecommit "
CHURN_FORMAT = "vibe8-churn-1"
SAFE_CONFIG = (
    "core.fsmonitor=", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=", "core.sshCommand=",
    "protocol.allow=never", "log.showSignature=false", "diff.renames=false", "core.quotePath=false",
)  # fmt: skip


def git_env(root: Path, alternates: Path | None = None) -> dict[str, str]:
    """No inherited GIT_* variables, no system or global config, and no repository above `root`;
    `alternates`: an object folder of Vibe8's own that git reads besides the repository's (commit_graph.py)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    env["GIT_CEILING_DIRECTORIES"] = str(root.resolve().parent)
    if alternates is not None:
        env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = str(alternates)
    return env


def git_command_line(args: list[str]) -> list[str]:
    """`git --no-pager -c ...safe settings... ARGS`: how every git on an analysed folder is started."""
    command = ["git", "--no-pager"]
    for setting in SAFE_CONFIG:
        command += ["-c", setting]
    return [*command, *args]


def run_git(
    root: Path, args: list[str], timeout: float, stdin_text: str | None = None, alternates: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git in `root` with the safe settings and environment; output decoded as UTF-8, undecodable
    bytes as surrogates (as the discovered paths are)."""
    return subprocess.run(
        git_command_line(args),
        cwd=root,
        env=git_env(root, alternates),
        input=stdin_text,
        stdin=None if stdin_text is not None else subprocess.DEVNULL,
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",  # paths that are not UTF-8 come back as the discovered paths do
        timeout=timeout,
        check=False,
    )


def is_git_checkout(root: Path, timeout: float) -> bool:
    probe = run_git(root, ["rev-parse", "--is-inside-work-tree"], timeout)
    return probe.returncode == 0 and probe.stdout.strip() == "true"


Change = tuple[str, int, int]  # path, lines added, lines deleted ('-' for binary: 0)
Commit = tuple[int, list[Change]]  # commit time (Unix seconds), the Python files it changed
NUMSTAT_ARGS = ["--numstat", "--no-renames", "--no-textconv", "--no-ext-diff", "--relative", "--no-color",
                "--format=%x1ecommit %H %ct"]  # fmt: skip


def parse_commits(output: str) -> dict[str, Commit]:
    """sha -> (time, changes) from our log format, in the log's order."""
    commits: dict[str, Commit] = {}
    changes: list[Change] = []
    for line in output.split("\n"):  # not splitlines(): it also splits on the \x1e marker
        if line.startswith(COMMIT_MARK):
            sha, when = line[len(COMMIT_MARK) :].split()[:2]
            changes = []
            commits[sha] = (int(when), changes)
            continue
        parts = line.split("\t", 2)
        if len(parts) == 3:
            added, deleted, path = parts
            changes.append((path, int(added) if added.isdigit() else 0, int(deleted) if deleted.isdigit() else 0))
    return commits


def fold(order: list[str], commits: dict[str, Commit]) -> tuple[int, dict[str, dict[str, Any]]]:
    """(commit count, per-file {commits, lines_added, lines_deleted, last_change}) over `order`, newest first."""
    files: dict[str, dict[str, Any]] = {}
    for sha in order:
        when, changes = commits[sha]
        stamp = datetime.fromtimestamp(when, UTC).isoformat()
        for path, added, deleted in changes:
            entry = files.setdefault(path, {"commits": 0, "lines_added": 0, "lines_deleted": 0, "last_change": stamp})
            entry["commits"] += 1
            entry["lines_added"] += added
            entry["lines_deleted"] += deleted
    return len(order), files


def parse_numstat(output: str) -> tuple[int, dict[str, dict[str, Any]]]:
    """(commit count, per-file {commits, lines_added, lines_deleted, last_change}) from our log format."""
    commits = parse_commits(output)
    return fold(list(commits), commits)


def _git_or_fail(root: Path, args: list[str], timeout: float, stdin_text: str | None = None) -> str:
    completed = run_git(root, args, timeout, stdin_text)
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "git failed")
    return completed.stdout


def read_history(
    root: Path, max_commits: int, timeout: float, cache: CommitCache | None = None
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Commits (newest first) touching Python files under `root`, with per-file numstat.

    With a cache, the walk lists the commits (`git rev-list`, the same walk as `git log`, no diffs) and
    only commits not seen before are diffed: a commit's numstat never changes."""
    if cache is None:
        return parse_numstat(_git_or_fail(root, ["log", *NUMSTAT_ARGS, f"--max-count={max_commits}", "--", "*.py"],
                                          timeout))  # fmt: skip
    order = _git_or_fail(root, ["rev-list", f"--max-count={max_commits}", "HEAD", "--", "*.py"], timeout).split()
    known = cache.load()
    missing = [sha for sha in order if sha not in known]
    if missing:
        args = ["log", *NUMSTAT_ARGS, "--no-walk=unsorted", "--stdin", "--", "*.py"]
        known.update(parse_commits(_git_or_fail(root, args, timeout, "\n".join(missing) + "\n")))
    if any(sha not in known for sha in order):  # git showed fewer commits than asked: walk as without a cache
        return read_history(root, max_commits, timeout)
    cache.save({sha: known[sha] for sha in order})
    return fold(order, known)


History = tuple[int, dict[str, dict[str, Any]]]  # commits, per-file numstat
NOT_A_CHECKOUT: History = (-1, {})


class CommitCache:
    """Each commit's numstat (under the analysed folder) for one repository, as JSON under
    `<cache dir>/churn`; a commit is immutable, so an entry never goes stale. Every failure is a miss."""

    def __init__(self, entry: Path) -> None:
        self.entry = entry

    @classmethod
    def of(cls, root: Path, settings: EngineSettings, timeout: float) -> CommitCache | None:
        """The cache of the repository at `root` (named by its root commits and the folder's place in it)."""
        if settings.cache_max_mb <= 0:
            return None
        roots = run_git(root, ["rev-list", "--max-parents=0", "HEAD"], timeout)
        prefix = run_git(root, ["rev-parse", "--show-prefix"], timeout)
        if roots.returncode or prefix.returncode or not roots.stdout.strip():
            return None
        name = "\n".join([CHURN_FORMAT, *sorted(roots.stdout.split()), prefix.stdout.strip()])
        key = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()
        return cls(Path(settings.cache_dir) / "churn" / key[:2] / f"{key}.json")

    def load(self) -> dict[str, Commit]:
        try:
            data = json.loads(self.entry.read_text(encoding="utf-8"))  # ASCII: json escapes odd paths
            return {
                sha: (int(when), [(str(path), int(added), int(deleted)) for path, added, deleted in changes])
                for sha, (when, changes) in data.items()
            }
        except (OSError, ValueError, TypeError):
            return {}

    def save(self, commits: dict[str, Commit]) -> None:
        try:
            self.entry.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.entry.parent, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(commits, separators=(",", ":")))
            os.replace(temporary, self.entry)
        except OSError as exc:
            log.warning("churn cache not written: %s", exc)


def _history_if_checkout(
    root: Path, settings: EngineSettings, timeout: float | None = None
) -> tuple[int, dict[str, dict[str, Any]]]:
    """read_history of `root` within `timeout` (default: the collector's), or NOT_A_CHECKOUT."""
    timeout = settings.collector_timeout_s if timeout is None else timeout
    if not is_git_checkout(root, timeout):
        return NOT_A_CHECKOUT
    return read_history(root, settings.churn_max_commits, timeout, CommitCache.of(root, settings, timeout))


@dataclass(frozen=True)
class ChurnMetrics(MetricsSection):
    """None throughout without git history."""

    total_commits: int | None = measure("neither", "count")
    total_churn: int | None = measure("lower", "sum", key="totalChurn")  # the seed's key
    churn_score: float | None = measure("higher", "score")
    hotspot_sloc: int | None = measure("lower", "score")  # made by scoring.py from the file tree


@dataclass(frozen=True)
class ChurnFileFields(FileFields):
    commits: int | None = file_field(None, "Commits")
    lines_added: int | None = file_field(None)
    lines_deleted: int | None = file_field(None)
    last_change: str | None = file_field(None, kind="text")  # ISO time of the last commit touching it


class ChurnCollector(Collector):
    spec = CollectorSpec(
        name="churn",
        label="Churn",
        order=9,
        metrics=ChurnMetrics,
        files=ChurnFileFields,
        score=ScoreDecl(
            "Churn hotspots",
            "Share of code outside files that change often and are complex; higher is better (needs git history).",
        ),
    )

    def start(self, early: EarlyStart) -> Future[Any] | None:
        """The history walk needs only the folder: it starts at once, in a thread (git does the work)."""
        if not early.history:
            return None
        return early.in_thread(_history_if_checkout, early.root, early.settings)

    def collect(self, project: ProjectContext) -> CollectorResult:
        if not project.churn:
            return CollectorResult(metrics=self.empty_metrics())
        read = project.started_result(self.name)
        if read is None:
            read = _history_if_checkout(project.root, project.settings, project.time_left())
        if read == NOT_A_CHECKOUT:
            return CollectorResult(metrics=self.empty_metrics())
        commits, history = read
        result = CollectorResult()
        for record in project.files:
            entry = history.get(record.path, {"commits": 0, "lines_added": 0, "lines_deleted": 0, "last_change": None})
            result.files[record.path] = ChurnFileFields(**entry)
        result.metrics = ChurnMetrics(
            total_commits=commits,
            total_churn=sum(entry["lines_added"] + entry["lines_deleted"] for entry in history.values()),
        )
        return result
