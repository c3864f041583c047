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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileFields,
    MetricsSection,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)

COMMIT_MARK = "\x1ecommit "
SAFE_CONFIG = (
    "core.fsmonitor=", "core.hooksPath=/dev/null", "core.pager=cat", "diff.external=", "core.sshCommand=",
    "protocol.allow=never", "log.showSignature=false", "diff.renames=false", "core.quotePath=false",
)  # fmt: skip


def git_env(root: Path) -> dict[str, str]:
    """No inherited GIT_* variables, no system or global config, and no repository above `root`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    env["GIT_CEILING_DIRECTORIES"] = str(root.resolve().parent)
    return env


def git_command_line(args: list[str]) -> list[str]:
    """`git --no-pager -c ...safe settings... ARGS`: how every git on an analysed folder is started."""
    command = ["git", "--no-pager"]
    for setting in SAFE_CONFIG:
        command += ["-c", setting]
    return [*command, *args]


def run_git(
    root: Path, args: list[str], timeout: float, stdin_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git in `root` with the safe settings and environment; output decoded as UTF-8, undecodable
    bytes as surrogates (as the discovered paths are)."""
    return subprocess.run(
        git_command_line(args),
        cwd=root,
        env=git_env(root),
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

    def collect(self, project: ProjectContext) -> CollectorResult:
        if not project.churn or not is_git_checkout(project.root, project.time_left()):
            return CollectorResult(metrics=self.empty_metrics())
        commits, history = read_history(project.root, project.settings.churn_max_commits, project.time_left())
        result = CollectorResult()
        for record in project.files:
            entry = history.get(record.path, {"commits": 0, "lines_added": 0, "lines_deleted": 0, "last_change": None})
            result.files[record.path] = ChurnFileFields(**entry)
        result.metrics = ChurnMetrics(
            total_commits=commits,
            total_churn=sum(entry["lines_added"] + entry["lines_deleted"] for entry in history.values()),
        )
        return result
