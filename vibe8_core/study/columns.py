"""The research export's columns, declared once: name, type, meaning and where the value comes from.

The exporter builds its tables from these declarations and docs/DATA.md is generated from them
(`python -m vibe8_core.study.columns > docs/DATA.md`; a test checks the file is current), so the data
dictionary cannot drift from the data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vibe8_core.collectors import registry
from vibe8_core.collectors.authorship import BLOCK_MARK, AuthorshipFileFields, AuthorshipMetrics
from vibe8_core.collectors.base import FileFields, MetricsSection
from vibe8_core.collectors.churn import ChurnFileFields, ChurnMetrics
from vibe8_core.collectors.cyclomatic import Block, CyclomaticFileFields, CyclomaticMetrics
from vibe8_core.collectors.dead_code import DeadCodeFileFields, DeadCodeMetrics
from vibe8_core.collectors.deps import DepsMetrics
from vibe8_core.collectors.docs import DocsFileFields, DocsMetrics
from vibe8_core.collectors.dupes import DupesFileFields, DupesMetrics
from vibe8_core.collectors.lint import LintFileFields, LintMetrics
from vibe8_core.collectors.mi import MiFileFields, MiMetrics
from vibe8_core.collectors.security import SecurityFileFields, SecurityMetrics
from vibe8_core.collectors.size import SizeFileFields, SizeMetrics
from vibe8_core.jsonrecord import JsonRecord
from vibe8_core.run_data import ENTRY_KEYS
from vibe8_core.run_summary import RAW_MEASURES
from vibe8_core.scoring import score_specs

Kind = Literal["str", "int", "float", "bool", "datetime"]
Getter = Callable[[Mapping[str, Any]], Any]
LEVELS = ("run", "file", "function")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    get: Getter


def _path(*keys: str) -> Getter:
    """A getter that walks nested mappings and answers None where any step is missing."""

    def get(row: Mapping[str, Any]) -> Any:
        value: Any = row
        for key in keys:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    return get


def _per_ksloc(count: Getter, sloc: Getter) -> Getter:
    """count / sloc * 1000, None when either is missing or there are no lines."""

    def get(row: Mapping[str, Any]) -> float | None:
        count_value, sloc_value = count(row), sloc(row)
        return _ratio(count_value, sloc_value)

    return get


def _ratio(count: Any, sloc: Any) -> float | None:
    if not isinstance(count, int | float) or not isinstance(sloc, int | float) or sloc <= 0:
        return None
    return round(1000.0 * count / sloc, 3)


# Who and what: the first columns of every level (`row` holds the run's header fields by name).
IDENTITY: tuple[Column, ...] = (
    Column("run_id", "str", "The run's id (analysis_runs.run_id).", _path("run_id")),
    Column("study", "str", "The study a batch manifest put the run in; empty for single submissions.",
           _path("study")),
    Column("project", "str", "The project name given at submission.", _path("project_name")),
    Column("author_type", "str", "Who wrote the code, as labelled: human or ai.", _path("author_type")),
    Column("author_model", "str", "The AI model (or 'developer' for a person), as labelled.", _path("author_model")),
    Column("submission_type", "str", "upload or github.", _path("submission_type")),
    Column("source", "str", "The uploaded file's name, or the repository URL.", _path("source")),
    Column("git_branch", "str", "The analysed branch (GitHub runs).", _path("git_branch")),
    Column("git_commit_sha", "str", "The analysed commit (GitHub runs).", _path("git_commit_sha")),
    Column("created_at", "datetime", "When the run was stored (UTC).", _path("created_at")),
    Column("tool_versions", "str", "Versions of the measuring tools, 'tool=version' joined by ';' "
           "(empty for runs stored before versions were recorded).", _path("tool_versions")),
)  # fmt: skip


def declared_key(record: type[JsonRecord], key: str, *also: str) -> str:
    """`key`, once it is one the record declares (or one of `also`): a renamed key fails at import."""
    if key not in (*record.stored_keys(), *also):
        raise LookupError(f"{record.__name__} declares no key {key!r}")
    return key


def _metric(record: type[MetricsSection], key: str, kind: Kind, meaning: str) -> Column:
    section = next(collector.name for collector in registry.BUILT_IN if collector.spec.metrics is record)
    return Column(f"{section}_{key}", kind, meaning, _path("metrics", section, declared_key(record, key)))


def _run_measures() -> tuple[Column, ...]:
    """The run level's measures: the registry's scores, the raw measures, then the stored metrics."""
    return (*_score_columns(), *RUN_METRICS)


def _score_columns() -> tuple[Column, ...]:
    return (
        Column(
            "overall",
            "float",
            "Mean of the run's available scores (0-100, higher is better).",
            _path("summary", "overall"),
        ),
        *(
            Column(f"score_{s.key}", "float", f"{s.label} score: {s.meaning}", _path("summary", "scores", s.key))
            for s in score_specs()
        ),
        *(
            Column(m.column, "float", f"{m.meaning} ({m.better} is better)", _path("summary", "raw", m.column))
            for m in RAW_MEASURES
        ),
    )


RUN_METRICS: tuple[Column, ...] = (
    Column("security_high_per_ksloc", "float", "High-severity bandit findings per 1,000 SLOC.",
           _per_ksloc(_path("security_high"), _path("sloc"))),
    Column("errors", "int", "How many error entries the analysis left (a collector that failed).",
           _path("error_count")),
    _metric(SizeMetrics, "files", "int", "Python files analysed."),
    _metric(SizeMetrics, "sloc", "int", "Source lines of code (radon raw)."),
    _metric(SizeMetrics, "loc", "int", "Physical lines."),
    _metric(SizeMetrics, "lloc", "int", "Logical lines."),
    _metric(SizeMetrics, "comments", "int", "Comment lines."),
    _metric(SizeMetrics, "blank", "int", "Blank lines."),
    _metric(LintMetrics, "total", "int", "Ruff findings."),
    _metric(LintMetrics, "noqa_comments", "int", "`# noqa` comments in the code."),
    _metric(CyclomaticMetrics, "avg_cc", "float", "Mean cyclomatic complexity of a block (radon)."),
    _metric(CyclomaticMetrics, "max_cc", "int", "Highest cyclomatic complexity of any block."),
    _metric(CyclomaticMetrics, "blocks", "int", "Functions, methods and classes measured."),
    _metric(DocsMetrics, "documented", "int", "Definitions with a docstring."),
    _metric(DocsMetrics, "documentable", "int", "Modules, classes and functions that could have one."),
    _metric(DeadCodeMetrics, "unused_symbols", "int", "Unused symbols reported by vulture."),
    _metric(DepsMetrics, "total_modules", "int", "Distinct modules imported."),
    _metric(MiMetrics, "mi_avg", "float", "Mean maintainability index of a file (radon, 0-100)."),
    _metric(DupesMetrics, "duplicate_lines", "int", "Lines inside duplicated blocks."),
    _metric(SecurityMetrics, "high", "int", "Bandit findings of high severity."),
    _metric(SecurityMetrics, "medium", "int", "Bandit findings of medium severity."),
    _metric(SecurityMetrics, "low", "int", "Bandit findings of low severity."),
    _metric(SecurityMetrics, "nosec_comments", "int", "`# nosec` comments in the code."),
    _metric(ChurnMetrics, "total_commits", "int", "Commits in the analysed history (GitHub runs)."),
    _metric(ChurnMetrics, "totalChurn", "int", "Lines added plus deleted over that history."),
    _metric(AuthorshipMetrics, "ai_lines", "int", "Lines last changed by a commit that an AI tool declared "
            "(from git history; empty without history)."),
    _metric(AuthorshipMetrics, "human_lines", "int", "Lines last changed by a person (from git history)."),
    _metric(AuthorshipMetrics, "automation_lines", "int", "Lines last changed by a non-AI bot (from git history)."),
    _metric(AuthorshipMetrics, "ai_share_pct", "float", "AI-written share of attributed lines, in percent."),
    _metric(AuthorshipMetrics, "ai_commits", "int", "Commits an AI tool declared."),
)  # fmt: skip


def _file(record: type[FileFields] | None, key: str, kind: Kind, meaning: str) -> Column:
    """A file-level column: a key of a collector's FileFields, or (record None) of the entry itself."""
    stored = declared_key(FileFields, key, *ENTRY_KEYS) if record is None else declared_key(record, key)
    return Column(key, kind, meaning, _path("file", stored))


FILE_MEASURES: tuple[Column, ...] = (
    _file(None, "path", "str", "The file's path inside the project."),
    _file(SizeFileFields, "sloc", "int", "Source lines of code."),
    _file(SizeFileFields, "loc", "int", "Physical lines."),
    _file(SizeFileFields, "lloc", "int", "Logical lines."),
    _file(SizeFileFields, "comments", "int", "Comment lines."),
    _file(SizeFileFields, "blank", "int", "Blank lines."),
    _file(CyclomaticFileFields, "avg_cc", "float", "Mean cyclomatic complexity of the file's blocks."),
    _file(CyclomaticFileFields, "max_cc", "int", "Highest cyclomatic complexity of any block in the file."),
    _file(MiFileFields, "mi", "float", "Maintainability index (radon, 0-100)."),
    _file(MiFileFields, "mi_rank", "str", "Radon's maintainability rank, A (best) to C."),
    _file(DocsFileFields, "doc_covered", "int", "Definitions with a docstring."),
    _file(DocsFileFields, "doc_total", "int", "Definitions that could have one."),
    _file(LintFileFields, "lint_count", "int", "Ruff findings in the file."),
    _file(SecurityFileFields, "security_count", "int", "Bandit findings in the file."),
    _file(DeadCodeFileFields, "dead_code_count", "int", "Vulture findings in the file."),
    _file(DupesFileFields, "duplicate_lines", "int", "Lines of the file inside duplicated blocks."),
    _file(ChurnFileFields, "commits", "int", "Commits that changed the file (GitHub runs)."),
    _file(LintFileFields, "noqa_comments", "int", "`# noqa` comments."),
    _file(SecurityFileFields, "nosec_comments", "int", "`# nosec` comments."),
    _file(None, "severity", "float", "Vibe8's per-file severity (0-100, higher is worse; docs/METRICS.md)."),
    _file(None, "grade", "str", "The file's grade, A to E."),
    _file(None, "parse_error", "str", "Why the file could not be parsed; empty when it parsed."),
    *(
        Column(
            f"{name}_per_ksloc",
            "float",
            f"{tool} findings per 1,000 SLOC of the file.",
            _per_ksloc(_path("file", f"{name}_count"), _path("file", "sloc")),
        )
        for name, tool in (("lint", "Ruff"), ("security", "Bandit"), ("dead_code", "Vulture"))
    ),
    _file(
        AuthorshipFileFields,
        "ai_lines",
        "int",
        "Lines last changed by an AI-declared commit (from git history; empty without).",
    ),
    _file(
        AuthorshipFileFields, "human_lines", "int", "Lines last changed by a person (from git history; empty without)."
    ),
)


def _block(key: str, kind: Kind, meaning: str) -> Column:
    return Column(key, kind, meaning, _path("block", declared_key(Block, key, BLOCK_MARK)))


def _block_lines(row: Mapping[str, Any]) -> int | None:
    block = row.get("block") or {}
    start, end = block.get("line"), block.get("end_line")
    return end - start + 1 if isinstance(start, int) and isinstance(end, int) and end >= start else None


FUNCTION_MEASURES: tuple[Column, ...] = (
    Column("path", "str", "The file the block is in.", _path("file", "path")),
    _block("name", "str", "The block's qualified name (Class.method)."),
    _block("kind", "str", "function, method or class."),
    _block("line", "int", "First line."),
    _block("end_line", "int", "Last line."),
    Column("lines", "int", "Lines from first to last, inclusive.", _block_lines),
    _block("complexity", "int", "Cyclomatic complexity (radon)."),
    _block("rank", "str", "Radon's complexity rank, A (simplest) to F."),
    _block("cognitive", "int", "Cognitive complexity (complexipy; empty for classes)."),
    _block("ai_lines", "int", "Lines of the block last changed by an AI-declared commit (from git history)."),
)


def columns(level: str) -> tuple[Column, ...]:
    """The columns of `level`, in order (scores follow the registry, so they are read at call time)."""
    measures = {"run": _run_measures(), "file": FILE_MEASURES, "function": FUNCTION_MEASURES}
    return (*IDENTITY, *measures[level])


_INTRO = """# Research export: data dictionary

Vibe8 exports a study (or the runs a page shows) as long-format tables, one row per run, per file or
per function (block), in CSV or Parquet:

```sh
python -m vibe8_core export --study NAME --format csv|parquet --level run|file|function --user EMAIL [--output FILE]
```

The same tables are offered on the History and Human vs AI pages. Every level starts with the run's
identity columns, so files and functions join back to their run by `run_id`. Empty cells (CSV) and
nulls (Parquet) mean "not measured": a run without git history has no authorship or churn figures, a
file that does not parse has no complexity. Counts are raw; `*_per_ksloc` columns divide by the
source lines of code of the run or file. Generated from `vibe8_core/study/columns.py`; do not edit by hand.
"""


def data_dictionary() -> str:
    """docs/DATA.md: one table per level, a row per column."""
    parts = [_INTRO]
    for level in LEVELS:
        found = columns(level)
        parts.append(f"\n## Level `{level}` ({len(found)} columns)\n\n| column | type | meaning |\n|---|---|---|\n")
        parts.extend(f"| `{column.name}` | {column.kind} | {column.meaning} |\n" for column in found)
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(data_dictionary())
