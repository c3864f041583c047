"""authorship: how many lines of each file AI tools wrote, by the commits git blame names (see blame.py).

Every line goes to the commit that last changed it (`git blame -w` at the analysed commit); each commit
is ai, automation or human by the declared signals of signals.py. Lines not yet committed count as
human. A folder without history (an upload) leaves every figure null. Blame starts in a worker beside
the per-file phase; `collect` classifies the commits and adds up lines per file, tool and model. The
join with blocks and findings (which other collectors produce) happens when the file tree is built:
`annotate_entry` reads the file's `ai_ranges`.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    EarlyStart,
    FileFields,
    MetricsSection,
    ProjectContext,
    file_field,
    measure,
)
from vibe8_core.collectors.blame import blame_repository
from vibe8_core.collectors.cyclomatic import Block, CyclomaticFileFields
from vibe8_core.collectors.signals import Attribution, CommitInfo, classify, load_signals
from vibe8_core.config import EngineSettings
from vibe8_core.findings import DupeDetails, Finding
from vibe8_core.jsonrecord import copy_with

if TYPE_CHECKING:
    from vibe8_core.run_data import FileEntry

MAX_NAMED_FILES = 10
SECURITY_LEVELS = ("high", "medium", "low")
# The marks annotate_entry stores beside other collectors' records: a block's AI-written lines, a finding's
# "is its line AI-written" (null without history). block_ai_lines / finding_by_ai read them back.
BLOCK_MARK, FINDING_MARK = "ai_lines", "ai"


def _cache_dir(settings: EngineSettings) -> str | None:
    return str(settings.cache_dir) if settings.cache_max_mb > 0 else None


def _margin(timeout_s: float) -> float:
    """Blame gets most of the collector's time, so that its partial result arrives before the deadline."""
    return max(0.5, timeout_s * 0.9 - 1.0)


@dataclass(frozen=True)
class AuthorshipMetrics(MetricsSection):
    ai_lines: int | None = measure("neither", "sum")
    human_lines: int | None = measure("neither", "sum")
    automation_lines: int | None = measure("neither", "sum")
    ai_share_pct: float | None = measure("neither", "ratio")
    commits: int | None = measure("neither", "count")
    ai_commits: int | None = measure("neither", "count")
    tools: Mapping[str, int] | None = measure("neither", "list")  # AI-written lines per tool, most first
    models: Mapping[str, int] | None = measure("neither", "list")  # AI-written lines per model, most first


@dataclass(frozen=True)
class AuthorshipFileFields(FileFields):
    """Null (empty) when the file has no history."""

    ai_lines: int | None = file_field(None, "AI lines")
    human_lines: int | None = file_field(None)
    automation_lines: int | None = file_field(None)
    ai_tools: tuple[str, ...] = file_field((), kind="list")
    ai_ranges: tuple[Sequence[int], ...] = file_field((), kind="list")  # [[first, last], ...] AI-written lines
    ai_finding_counts: Mapping[str, int] | None = file_field(None, kind="mapping")  # see finding_counts

    @property
    def ai_share(self) -> float | None:
        """The share of the file's attributed lines AI tools wrote, in percent (None: no history or no lines)."""
        if self.ai_lines is None:
            return None
        attributed = self.ai_lines + (self.human_lines or 0) + (self.automation_lines or 0)
        return round(100.0 * self.ai_lines / attributed, 1) if attributed > 0 else None


class AuthorshipCollector(Collector):
    spec = CollectorSpec(
        name="authorship",
        label="Authorship",
        order=10,  # after the seed's ten; not a quality measure, so no score
        optional_section=True,  # runs stored before attribution have no authorship section
        metrics=AuthorshipMetrics,
        files=AuthorshipFileFields,
    )

    def empty_metrics(self) -> AuthorshipMetrics:
        return AuthorshipMetrics(tools={}, models={})

    def start(self, early: EarlyStart) -> Future[Any] | None:
        """git blame is the slow step: it starts at once beside the per-file phase, in a thread here (git's
        own processes do the work, so no worker process is held)."""
        if not early.history:
            return None
        settings = early.settings
        timeout = _margin(settings.collector_timeout_s)
        return early.in_thread(blame_repository, str(early.root), early.paths, _cache_dir(settings), timeout,
                               settings.workers)  # fmt: skip

    def collect(self, project: ProjectContext) -> CollectorResult:
        if not project.churn:
            return CollectorResult(metrics=self.empty_metrics())
        paths = [record.path for record in project.files]
        blamed = self._blamed(project, paths)
        if not blamed["history"]:
            return CollectorResult(metrics=self.empty_metrics())
        signals = load_signals(project.settings.authorship_signals)
        owners = {sha: classify(CommitInfo(*details), signals) for sha, details in blamed["commits"].items()}
        result = CollectorResult(errors=list(blamed["errors"]))
        totals = Totals()
        for path, runs in blamed["files"].items():
            if runs is not None:
                result.files[path] = totals.add_file(runs, owners)
        result.metrics = totals.metrics(owners)
        result.errors += _partial_notes(blamed, project.settings.collector_timeout_s)
        return result

    def _blamed(self, project: ProjectContext, paths: list[str]) -> dict[str, Any]:
        started: dict[str, Any] | None = project.started_result(self.name)
        if started is not None:
            return started
        settings = project.settings
        timeout = _margin(project.time_left())
        return blame_repository(str(project.root), paths, _cache_dir(settings), timeout, settings.workers)

    def finish_entry(self, entry: FileEntry, findings: Sequence[Finding]) -> FileEntry:
        """Blocks and findings come from other collectors: they learn who wrote their lines here."""
        fields = entry.of(AuthorshipFileFields)
        if fields.ai_lines is not None:
            fields = copy_with(fields, ai_finding_counts=finding_counts(findings, fields.ai_ranges))
        return annotate_entry(entry, fields)


def _partial_notes(blamed: dict[str, Any], timeout_s: float) -> list[str]:
    notes = []
    unfinished = sorted(blamed["unfinished"])
    if unfinished:
        named = ", ".join(unfinished[:MAX_NAMED_FILES]) + (" and more" if len(unfinished) > MAX_NAMED_FILES else "")
        notes.append(
            f"authorship: git blame ran past the {timeout_s:g} s limit, so the attribution is partial; "
            f"{len(unfinished)} files are not attributed: {named}."
        )
    if blamed["shallow"]:
        notes.append(
            "authorship: the history is shallow, so the attribution is partial: lines older than the oldest "
            "fetched commit count as that commit's."
        )
    return notes


class Totals:
    """Lines per owner kind, tool and model over the attributed files, and the commits that own them."""

    def __init__(self) -> None:
        self.lines = {"ai": 0, "human": 0, "automation": 0}
        self.tools: dict[str, int] = {}
        self.models: dict[str, int] = {}
        self.commits: set[str] = set()

    def add_file(self, runs: list[list[Any]], owners: dict[str, Attribution]) -> AuthorshipFileFields:
        """The file's fields: its lines by kind, the AI tools in it, and its AI-written line ranges."""
        lines = {"ai": 0, "human": 0, "automation": 0}
        tools: set[str] = set()
        ranges: list[list[int]] = []
        for start, count, sha in runs:
            owner = owners.get(sha, Attribution("human"))
            lines[owner.kind] += count
            if sha.strip("0"):
                self.commits.add(sha)
            if owner.kind != "ai":
                continue
            tool = owner.tool or "unknown"
            tools.add(tool)
            self.tools[tool] = self.tools.get(tool, 0) + count
            if owner.model:
                self.models[owner.model] = self.models.get(owner.model, 0) + count
            if ranges and ranges[-1][1] + 1 == start:
                ranges[-1][1] = start + count - 1
            else:
                ranges.append([start, start + count - 1])
        for kind, count in lines.items():
            self.lines[kind] += count
        return AuthorshipFileFields(
            lines["ai"], lines["human"], lines["automation"], tuple(sorted(tools)), tuple(ranges)
        )

    def metrics(self, owners: dict[str, Attribution]) -> AuthorshipMetrics:
        total = sum(self.lines.values())
        return AuthorshipMetrics(
            ai_lines=self.lines["ai"],
            human_lines=self.lines["human"],
            automation_lines=self.lines["automation"],
            ai_share_pct=round(100.0 * self.lines["ai"] / total, 2) if total else None,
            commits=len(self.commits),
            ai_commits=sum(1 for sha in self.commits if owners.get(sha, Attribution("human")).kind == "ai"),
            tools=dict(sorted(self.tools.items(), key=lambda item: -item[1])),
            models=dict(sorted(self.models.items(), key=lambda item: -item[1])),
        )


def ai_lines_between(ranges: Sequence[Sequence[int]], first: int, last: int) -> int:
    """How many lines of [first, last] lie in the sorted, disjoint `ranges` of AI-written lines."""
    index = max(0, bisect.bisect_right(ranges, first, key=lambda span: span[0]) - 1)
    count = 0
    for start, end in ranges[index:]:
        if start > last:
            break
        count += max(0, min(end, last) - max(start, first) + 1)
    return count


def finding_counts(findings: Sequence[Finding], ranges: Sequence[Sequence[int]]) -> dict[str, int]:
    """One file's findings on each side ({lint,dead_code,security_LEVEL}_{ai,human}) and its duplicated
    lines on each side (duplicate_{ai,human}), over every finding (the stored list may be capped)."""
    counts: Counter[str] = Counter()
    for finding in findings:
        if finding.collector == "dupes":
            details = finding.details
            last = details.end_line if isinstance(details, DupeDetails) and details.end_line else finding.line
            ai = ai_lines_between(ranges, finding.line, last)
            counts["duplicate_ai"] += ai
            counts["duplicate_human"] += last - finding.line + 1 - ai
            continue
        side = "ai" if ai_lines_between(ranges, finding.line, finding.line) else "human"
        if finding.collector in ("lint", "dead_code"):
            counts[f"{finding.collector}_{side}"] += 1
        elif finding.collector == "security" and finding.severity in SECURITY_LEVELS:
            counts[f"security_{finding.severity}_{side}"] += 1
    return dict(sorted(counts.items()))


def annotate_entry(entry: FileEntry, fields: AuthorshipFileFields | None = None) -> FileEntry:
    """Give the entry's blocks `ai_lines` and its findings the mark `ai`, from its `ai_ranges` (null: no
    history), and set its authorship `fields` when given. Stored beside the blocks' and findings' own
    keys; they are authorship's figures."""
    fields = fields or entry.of(AuthorshipFileFields)
    attributed = fields.ai_lines is not None
    ranges = fields.ai_ranges
    complexity = entry.of(CyclomaticFileFields)
    blocks = tuple(
        block.with_values({BLOCK_MARK: ai_lines_between(ranges, block.line, block.end_line) if attributed else None})
        for block in complexity.blocks
    )
    findings = tuple(
        copy_with(
            finding,
            marks={
                **finding.marks,
                FINDING_MARK: ai_lines_between(ranges, finding.line, finding.line) > 0 if attributed else None,
            },
        )
        for finding in entry.findings
    )
    sections = {
        name: fields if isinstance(held, AuthorshipFileFields) else copy_with(complexity, blocks=blocks)
        if isinstance(held, CyclomaticFileFields) else held
        for name, held in entry.fields.items()
    }  # fmt: skip
    return copy_with(entry, fields=sections, findings=findings)


def block_ai_lines(block: Block) -> int | None:
    """How many lines of a block AI tools wrote, as annotate_entry marked it (None: no history)."""
    value = block.extra.get(BLOCK_MARK)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
