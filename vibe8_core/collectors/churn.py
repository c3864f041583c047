"""churn: commits and lines added/deleted per Python file, from `git log --numstat` of the folder.

git runs without a shell, with system and global configuration switched off and every repository
setting that could run a program (fsmonitor, hooks, pager, textconv, external diff) neutralised: the
analysed `.git` comes from an upload and is not trusted. Only commits touching a `*.py` file inside
the analysed folder count; binary changes ('-') count as 0 lines; renames count as delete + add.
Only a folder that is itself a checkout counts: git may not look above it (GIT_CEILING_DIRECTORIES), so
an upload stored inside some other repository never reports that repository's history.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    EarlyStart,
    FileField,
    Measure,
    ProjectContext,
    ScoreDecl,
)
from vibe8_core.config import EngineSettings

COMMIT_MARK = "\x1ecommit "
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


def parse_numstat(output: str) -> tuple[int, dict[str, dict[str, Any]]]:
    """(commit count, per-file {commits, lines_added, lines_deleted, last_change}) from our log format."""
    commits = 0
    files: dict[str, dict[str, Any]] = {}
    when = None
    for line in output.split("\n"):  # not splitlines(): it also splits on the \x1e marker
        if line.startswith(COMMIT_MARK):
            commits += 1
            when = datetime.fromtimestamp(int(line[len(COMMIT_MARK) :].split()[1]), UTC).isoformat()
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3:
            continue
        added, deleted, path = parts
        entry = files.setdefault(path, {"commits": 0, "lines_added": 0, "lines_deleted": 0, "last_change": when})
        entry["commits"] += 1
        entry["lines_added"] += int(added) if added.isdigit() else 0
        entry["lines_deleted"] += int(deleted) if deleted.isdigit() else 0
    return commits, files


def read_history(root: Path, max_commits: int, timeout: float) -> tuple[int, dict[str, dict[str, Any]]]:
    """Commits (newest first) touching Python files under `root`, with per-file numstat."""
    args = [
        "log", "--numstat", "--no-renames", "--no-textconv", "--no-ext-diff", "--relative", "--no-color",
        f"--max-count={max_commits}", "--format=%x1ecommit %H %ct", "--", "*.py",
    ]  # fmt: skip
    completed = run_git(root, args, timeout)
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "git failed")
    return parse_numstat(completed.stdout)


History = tuple[int, dict[str, dict[str, Any]]]  # commits, per-file numstat
NOT_A_CHECKOUT: History = (-1, {})


def _history_if_checkout(
    root: Path, settings: EngineSettings, timeout: float | None = None
) -> tuple[int, dict[str, dict[str, Any]]]:
    """read_history of `root` within `timeout` (default: the collector's), or NOT_A_CHECKOUT."""
    timeout = settings.collector_timeout_s if timeout is None else timeout
    if not is_git_checkout(root, timeout):
        return NOT_A_CHECKOUT
    return read_history(root, settings.churn_max_commits, timeout)


class ChurnCollector(Collector):
    spec = CollectorSpec(
        name="churn",
        label="Churn",
        order=9,
        measures=(
            Measure("total_commits", "neither", "count"),
            Measure("totalChurn", "lower", "sum"),
            Measure("churn_score", "higher", "score"),
            Measure("hotspot_sloc", "lower", "score"),  # made by scoring.py from the file tree
        ),
        file_fields=(
            FileField("commits", None, "Commits"),
            FileField("lines_added", None),
            FileField("lines_deleted", None),
            FileField("last_change", None, kind="text"),
        ),
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
        result = CollectorResult(metrics={})
        for record in project.files:
            entry = history.get(record.path, {"commits": 0, "lines_added": 0, "lines_deleted": 0, "last_change": None})
            result.files[record.path] = dict(entry)
        result.metrics = {
            "total_commits": commits,
            "totalChurn": sum(entry["lines_added"] + entry["lines_deleted"] for entry in history.values()),
        }
        return result
