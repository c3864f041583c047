"""Runs the collector registry over a folder of Python code → AnalysisResult(metrics, file_tree, errors).

The engine knows nothing of uploads, jobs or the database. Two phases: every file's per-file sections
in a pool of worker processes (read and parsed once per file), then every collector's project step in
parallel threads, each within EngineSettings.collector_timeout_s. Nothing the engine analyses is ever
imported or executed.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibe8_core.collectors import registry
from vibe8_core.collectors.authorship import AuthorshipMetrics
from vibe8_core.collectors.base import Collector, CollectorResult, EarlyStart, FileRecord, ProjectContext
from vibe8_core.collectors.cache import ResultCache
from vibe8_core.collectors.churn import ChurnMetrics
from vibe8_core.collectors.cyclomatic import CyclomaticMetrics
from vibe8_core.collectors.dead_code import DeadCodeMetrics
from vibe8_core.collectors.deps import DepsMetrics
from vibe8_core.collectors.docs import DocsMetrics
from vibe8_core.collectors.dupes import DupesMetrics
from vibe8_core.collectors.files import decode_source, discover_python_files, within_size
from vibe8_core.collectors.lint import LintMetrics
from vibe8_core.collectors.mi import MiMetrics
from vibe8_core.collectors.security import SecurityMetrics
from vibe8_core.collectors.size import SizeMetrics
from vibe8_core.collectors.workers import WorkerPool, analyse_file
from vibe8_core.config import EngineSettings
from vibe8_core.findings import Finding, line_text
from vibe8_core.jsonrecord import copy_with
from vibe8_core.run_data import FileEntry, FileTree, RunMetrics
from vibe8_core.scored_run import score_run

log = logging.getLogger(__name__)
MAX_NAMED_FILES = 20  # an error about many files names this many


@dataclass(frozen=True)
class Progress:
    step: str  # "scanning", "per-file metrics", a collector's name, "done"
    files_done: int
    files_total: int


@dataclass
class AnalysisResult:
    """What an analysis stores, as the stored JSON (read it with RunMetrics / FileTree.from_json)."""

    metrics: dict[str, Any]
    file_tree: dict[str, Any]
    errors: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"metrics": self.metrics, "file_tree": self.file_tree, "errors": list(self.errors)}


class NoPythonFilesError(ValueError):
    """The folder holds no Python file to analyse."""


ProgressCallback = Callable[[Progress], None]


def _ignore_progress(progress: Progress) -> None:
    return None


def analyze_folder(
    root: Path,
    *,
    settings: EngineSettings | None = None,
    churn: bool = True,
    progress: ProgressCallback | None = None,
) -> AnalysisResult:
    """Analyse every Python file under `root` with the registry's collectors; scoring.py scores the result."""
    settings = settings or EngineSettings()
    report = progress or _ignore_progress
    root = Path(root).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"{root} is not a folder.")
    report(Progress("scanning", 0, 0))
    paths = discover_python_files(root)
    if not paths:
        raise NoPythonFilesError("The folder holds no Python files to analyse.")
    errors: list[str] = []
    started = time.perf_counter()
    cache = ResultCache(settings)
    keys = {path: cache.key_for(root / path) for path in paths} if cache.enabled else {}
    threads = ThreadPoolExecutor(max_workers=len(registry.collectors()), thread_name_prefix="vibe8-early")
    try:
        with WorkerPool(settings.workers, settings.process_max_mb) as pool:
            small = within_size(root, paths, settings.max_file_mb * 2**20)  # the same bound for cross-file tools
            starting = EarlyStart(root, small, pool.submit, threads.submit, settings, churn)
            early = _start_early_steps(starting, cache, [(path, keys.get(path)) for path in paths])
            records, complete = _per_file_phase(pool, root, paths, settings, report, errors, cache, keys)
            log.debug("per-file phase: %d files in %.2f s", len(paths), time.perf_counter() - started)
            tree_keys: list[tuple[str, str | None]] = (
                [(path, keys.get(path)) for path in paths] if complete else [("", None)]
            )
            results = _project_phase(pool, root, records, settings, churn, report, cache, tree_keys, early)
    finally:  # a step past its time limit (or a stopped analysis) leaves its thread to finish alone
        threads.shutdown(wait=False, cancel_futures=True)
    cache.evict()
    collectors = registry.collectors()
    for collector in collectors:
        errors.extend(results[collector.name].errors)
    measured = RunMetrics({c.name: results[c.name].metrics or c.empty_metrics() for c in collectors})
    tree_started = time.perf_counter()
    scored = score_run(measured, build_file_tree(root, records, results, settings.max_findings_per_file))
    file_tree = scored.file_tree.to_json() if scored.file_tree is not None else {}
    log.debug(
        "file tree in %.2f s; analysis in %.2f s", time.perf_counter() - tree_started, time.perf_counter() - started
    )
    report(Progress("done", len(paths), len(paths)))
    return AnalysisResult(scored.metrics.to_json(), file_tree, errors)


def _named(paths: list[str]) -> str:
    more = len(paths) - MAX_NAMED_FILES
    return ", ".join(paths[:MAX_NAMED_FILES]) + (f" and {more} more" if more > 0 else "")


def _start_early_steps(
    starting: EarlyStart, cache: ResultCache, tree_keys: list[tuple[str, str | None]]
) -> dict[str, Future[Any]]:
    """Start the cross-file work that needs only the files (vulture, git blame) beside the per-file phase,
    unless cached."""
    started = {}
    for collector in registry.collectors():
        key = cache.tree_key(collector.name, tree_keys) if collector.spec.project_cacheable else None
        if key is not None and cache.read(key, project=True) is not None:
            continue
        future = collector.start(starting)
        if future is not None:
            started[collector.name] = future
    return started


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # analyse_file reports it


def _per_file_phase(
    pool: WorkerPool,
    root: Path,
    paths: list[str],
    settings: EngineSettings,
    report: ProgressCallback,
    errors: list[str],
    cache: ResultCache,
    keys: dict[str, str | None],
) -> tuple[list[FileRecord], bool]:
    """Every file's record (from the cache or a worker), and whether all of them were measured cleanly."""
    records: dict[str, FileRecord] = {}
    for path in paths:
        cached = cache.get(keys.get(path), path)
        if cached is not None:
            records[path] = FileRecord.from_dict(cached)

    def on_result(path: str, data: dict[str, Any]) -> None:
        records[path] = FileRecord.from_dict(data)
        cache.put(keys.get(path), data)
        report(Progress("per-file metrics", len(records), len(paths)))

    task = functools.partial(
        analyse_file, str(root), timeout_s=settings.file_timeout_s, max_bytes=settings.max_file_mb * 2**20
    )
    report(Progress("per-file metrics", len(records), len(paths)))
    log.debug("per-file phase: %d of %d files from the cache", len(records), len(paths))
    deadline = time.monotonic() + settings.collector_timeout_s
    # Largest first: the pool then ends on small files, not waiting on one big file while a core idles.
    to_analyse = sorted((path for path in paths if path not in records), key=lambda path: -_size(root / path))
    failed, unfinished = pool.map_files(task, to_analyse, deadline, on_result) if to_analyse else ([], [])
    for path, reason in failed:
        records[path] = FileRecord(path, reason, {})
    if unfinished:
        errors.append(
            f"per-file metrics ran past the {settings.collector_timeout_s:g} s limit; "
            f"{len(unfinished)} files were not analysed: {_named(sorted(unfinished))}."
        )
        records.update({path: FileRecord(path, None, {}) for path in unfinished})
    ordered = [records[path] for path in paths]
    for record in ordered:
        if record.parse_error:
            errors.append(f"{record.path}: {record.parse_error}.")
        errors.extend(record.errors)
    complete = not failed and not unfinished and not any(record.errors for record in ordered)
    return ordered, complete


def _project_phase(
    pool: WorkerPool,
    root: Path,
    records: list[FileRecord],
    settings: EngineSettings,
    churn: bool,
    report: ProgressCallback,
    cache: ResultCache,
    tree_keys: list[tuple[str, str | None]],
    early: dict[str, Future[Any]],
) -> dict[str, CollectorResult]:
    deadline = time.monotonic() + settings.collector_timeout_s

    def run_isolated(function: Callable[..., Any], *args: Any) -> Any:
        return pool.run_isolated(max(0.1, deadline - time.monotonic()), function, *args)

    project = ProjectContext(root, records, settings, deadline, run_isolated, churn, early)
    results: dict[str, CollectorResult] = {}
    collectors = registry.collectors()
    threads = ThreadPoolExecutor(max_workers=len(collectors), thread_name_prefix="vibe8-collector")
    try:
        futures = {
            collector.name: threads.submit(_timed_collect, collector, project, cache, tree_keys)
            for collector in collectors
        }
        for collector in collectors:
            try:
                results[collector.name] = futures[collector.name].result(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                results[collector.name] = _failed(collector, f"ran past its {settings.collector_timeout_s:g} s limit")
            except Exception as exc:  # noqa: BLE001 - a collector's failure is an error entry, never fatal
                results[collector.name] = _failed(collector, f"failed ({type(exc).__name__}: {exc})")
            report(Progress(collector.name, len(records), len(records)))
    finally:
        threads.shutdown(wait=False, cancel_futures=True)
    return results


def _timed_collect(
    collector: Collector, project: ProjectContext, cache: ResultCache, tree_keys: list[tuple[str, str | None]]
) -> CollectorResult:
    """collector.collect(project), or its cached result when the step depends only on unchanged files."""
    started = time.perf_counter()
    key = cache.tree_key(collector.name, tree_keys) if collector.spec.project_cacheable else None
    stored = cache.read(key, project=True)
    if stored is not None:
        log.debug("project step of %s: from the cache", collector.name)
        return _result_from_dict(collector, stored)
    result = collector.collect(project)
    cache.write(key, _result_to_dict(result), project=True)
    log.debug("project step of %s: %.2f s", collector.name, time.perf_counter() - started)
    return result


def _result_to_dict(result: CollectorResult) -> dict[str, Any]:
    findings = {path: [finding.to_dict() for finding in found] for path, found in result.findings.items()}
    metrics = result.metrics.to_json() if result.metrics is not None else None
    files = {path: fields.to_json() for path, fields in result.files.items()}
    return {"metrics": metrics, "files": files, "findings": findings, "errors": result.errors}


def _result_from_dict(collector: Collector, data: dict[str, Any]) -> CollectorResult:
    spec = collector.spec
    findings = {path: [Finding.from_dict(item) for item in found] for path, found in data["findings"].items()}
    metrics = spec.section_type.from_json(data["metrics"]) if data["metrics"] is not None else None
    files = {path: spec.files_type.from_json(fields) for path, fields in data["files"].items()}
    return CollectorResult(metrics, files, findings, list(data["errors"]))


def _failed(collector: Collector, why: str) -> CollectorResult:
    message = f"{collector.name}: {why.splitlines()[0][:300]}; its figures are left empty."
    return CollectorResult(metrics=collector.empty_metrics(), errors=[message])


def _with_texts(root: Path, path: str, findings: list[Finding]) -> list[Finding]:
    """Fill in the offending line's text where the collector could not (it ran outside the file's worker)."""
    if all(finding.text for finding in findings):
        return findings
    try:
        text, _ = decode_source((root / path).read_bytes())
    except OSError:
        return findings
    lines = text.splitlines()
    return [f if f.text else dataclasses.replace(f, text=line_text(lines, f.line)) for f in findings]


def capped(findings: list[Finding], cap: int) -> tuple[list[Finding], int]:
    """The first `cap` findings of each collector (by line), and how many were left out."""
    kept: list[Finding] = []
    seen: dict[str, int] = {}
    for finding in findings:
        seen[finding.collector] = seen.get(finding.collector, 0) + 1
        if seen[finding.collector] <= cap:
            kept.append(finding)
    return kept, len(findings) - len(kept)


def build_file_tree(
    root: Path, records: list[FileRecord], results: dict[str, CollectorResult], max_findings: int = 200
) -> FileTree:
    """The file_tree of docs/METRICS.md: one entry per analysed file (scoring adds severity, grade).

    At most `max_findings` findings per file and collector are stored; the counts (lint_count, …) stay
    exact and `findings_not_stored` says how many were left out, so one generated file cannot make
    the stored result (and every page that reads it) huge."""
    entries = []
    for record in records:
        entry = FileEntry.empty(record.path, record.parse_error)
        fields = dict(entry.fields)
        findings: list[Finding] = []
        for name, result in results.items():
            if record.path in result.files:
                fields[name] = result.files[record.path]
            findings += result.findings.get(record.path, ())
        findings.sort(key=lambda finding: (finding.line, finding.column or 0, finding.collector))
        stored, left_out = capped(findings, max_findings)
        kept = tuple(_with_texts(root, record.path, stored))
        entry = copy_with(entry, fields=fields, findings=kept, findings_not_stored=left_out)
        for collector in registry.collectors():
            entry = collector.finish_entry(entry, findings)
        entries.append(entry)
    return FileTree(tuple(entries))


def _figure(value: Any, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value}{suffix}"


def _authorship_line(section: AuthorshipMetrics) -> str:
    if section.ai_share_pct is None:
        return "no history (attribution needs git)"
    tools = ", ".join(f"{tool} {lines:,}" for tool, lines in (section.tools or {}).items())
    total = (section.ai_lines or 0) + (section.human_lines or 0) + (section.automation_lines or 0)
    return (
        f"{section.ai_share_pct}% of lines AI-written as declared in git "
        f"({section.ai_lines or 0:,} of {total:,}{'; ' + tools if tools else ''})"
    )


def render_summary(result: AnalysisResult) -> str:
    """A readable multi-line summary of an analysis, for the CLI."""
    m = RunMetrics.from_json(result.metrics)
    size, lint, cc, sec, dupes = (
        m.of(SizeMetrics),
        m.of(LintMetrics),
        m.of(CyclomaticMetrics),
        m.of(SecurityMetrics),
        m.of(DupesMetrics),
    )
    churn, deps = m.of(ChurnMetrics), m.of(DepsMetrics)
    health = deps.package_health or ()
    lines = [
        f"Analysed {_figure(size.files)} Python files, {_figure(size.sloc)} source lines "
        f"(average {_figure(size.avg_file_sloc)} per file).",
        f"  lint           {_figure(lint.total)} issues, score {_figure(lint.linting_score)}",
        f"  complexity     average CC {_figure(cc.avg_cc)}, score {_figure(cc.complexity_score)}",
        f"  maintainability average MI {_figure(m.of(MiMetrics).mi_avg)}",
        f"  docstrings     {_figure(m.of(DocsMetrics).coverage_pct, '%')} covered",
        f"  dead code      {_figure(m.of(DeadCodeMetrics).unused_symbols)} unused symbols",
        f"  duplication    {_figure(dupes.duplicate_lines)} lines "
        f"({_figure(dupes.duplicate_pct, '%')}), score {_figure(dupes.duplication_score)}",
        f"  security       {_figure(sec.high)} high, {_figure(sec.medium)} medium, "
        f"{_figure(sec.low)} low, score {_figure(sec.security_score)}",
        f"  dependencies   {_figure(deps.total_modules)} modules imported, {len(health)} declared "
        f"({sum(1 for item in health if item.status != 'ok')} need attention)",
        f"  churn          {_figure(churn.total_commits)} commits, "
        f"{_figure(churn.total_churn)} lines changed, score {_figure(churn.churn_score)}",
        f"  authorship     {_authorship_line(m.of(AuthorshipMetrics))}",
    ]
    stored = [item for item in result.file_tree.get("files") or () if isinstance(item, dict)]
    stored.sort(key=lambda item: -float(item.get("severity") or 0.0))  # read only the five shown as records
    worst = [FileEntry.from_json(item) for item in stored[:5]]
    if worst:
        lines.append("Most severe files:")
        lines += [f"  {entry.grade} {entry.severity:5.1f}  {entry.path}" for entry in worst]
    if result.errors:
        lines.append(f"{len(result.errors)} errors:")
        lines += [f"  - {error}" for error in result.errors[:10]]
        if len(result.errors) > 10:
            lines.append(f"  ... and {len(result.errors) - 10} more")
    return "\n".join(lines)
