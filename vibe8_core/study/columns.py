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


def _metric(section: str, key: str, kind: Kind, meaning: str) -> Column:
    return Column(f"{section}_{key}", kind, meaning, _path("metrics", section, key))


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
    _metric("size", "files", "int", "Python files analysed."),
    _metric("size", "sloc", "int", "Source lines of code (radon raw)."),
    _metric("size", "loc", "int", "Physical lines."),
    _metric("size", "lloc", "int", "Logical lines."),
    _metric("size", "comments", "int", "Comment lines."),
    _metric("size", "blank", "int", "Blank lines."),
    _metric("lint", "total", "int", "Ruff findings."),
    _metric("lint", "noqa_comments", "int", "`# noqa` comments in the code."),
    _metric("cyclomatic", "avg_cc", "float", "Mean cyclomatic complexity of a block (radon)."),
    _metric("cyclomatic", "max_cc", "int", "Highest cyclomatic complexity of any block."),
    _metric("cyclomatic", "blocks", "int", "Functions, methods and classes measured."),
    _metric("docs", "documented", "int", "Definitions with a docstring."),
    _metric("docs", "documentable", "int", "Modules, classes and functions that could have one."),
    _metric("dead_code", "unused_symbols", "int", "Unused symbols reported by vulture."),
    _metric("deps", "total_modules", "int", "Distinct modules imported."),
    _metric("mi", "mi_avg", "float", "Mean maintainability index of a file (radon, 0-100)."),
    _metric("dupes", "duplicate_lines", "int", "Lines inside duplicated blocks."),
    _metric("security", "high", "int", "Bandit findings of high severity."),
    _metric("security", "medium", "int", "Bandit findings of medium severity."),
    _metric("security", "low", "int", "Bandit findings of low severity."),
    _metric("security", "nosec_comments", "int", "`# nosec` comments in the code."),
    _metric("churn", "total_commits", "int", "Commits in the analysed history (GitHub runs)."),
    _metric("churn", "totalChurn", "int", "Lines added plus deleted over that history."),
    _metric("authorship", "ai_lines", "int", "Lines last changed by a commit that an AI tool declared "
            "(from git history; empty without history)."),
    _metric("authorship", "human_lines", "int", "Lines last changed by a person (from git history)."),
    _metric("authorship", "automation_lines", "int", "Lines last changed by a non-AI bot (from git history)."),
    _metric("authorship", "ai_share_pct", "float", "AI-written share of attributed lines, in percent."),
    _metric("authorship", "ai_commits", "int", "Commits an AI tool declared."),
)  # fmt: skip


def _file(key: str, kind: Kind, meaning: str) -> Column:
    return Column(key, kind, meaning, _path("file", key))


FILE_MEASURES: tuple[Column, ...] = (
    _file("path", "str", "The file's path inside the project."),
    _file("sloc", "int", "Source lines of code."),
    _file("loc", "int", "Physical lines."),
    _file("lloc", "int", "Logical lines."),
    _file("comments", "int", "Comment lines."),
    _file("blank", "int", "Blank lines."),
    _file("avg_cc", "float", "Mean cyclomatic complexity of the file's blocks."),
    _file("max_cc", "int", "Highest cyclomatic complexity of any block in the file."),
    _file("mi", "float", "Maintainability index (radon, 0-100)."),
    _file("mi_rank", "str", "Radon's maintainability rank, A (best) to C."),
    _file("doc_covered", "int", "Definitions with a docstring."),
    _file("doc_total", "int", "Definitions that could have one."),
    _file("lint_count", "int", "Ruff findings in the file."),
    _file("security_count", "int", "Bandit findings in the file."),
    _file("dead_code_count", "int", "Vulture findings in the file."),
    _file("duplicate_lines", "int", "Lines of the file inside duplicated blocks."),
    _file("commits", "int", "Commits that changed the file (GitHub runs)."),
    _file("noqa_comments", "int", "`# noqa` comments."),
    _file("nosec_comments", "int", "`# nosec` comments."),
    _file("severity", "float", "Vibe8's per-file severity (0-100, higher is worse; docs/METRICS.md)."),
    _file("grade", "str", "The file's grade, A to E."),
    _file("parse_error", "str", "Why the file could not be parsed; empty when it parsed."),
    *(
        Column(
            f"{name}_per_ksloc",
            "float",
            f"{tool} findings per 1,000 SLOC of the file.",
            _per_ksloc(_path("file", f"{name}_count"), _path("file", "sloc")),
        )
        for name, tool in (("lint", "Ruff"), ("security", "Bandit"), ("dead_code", "Vulture"))
    ),
    _file("ai_lines", "int", "Lines last changed by an AI-declared commit (from git history; empty without)."),
    _file("human_lines", "int", "Lines last changed by a person (from git history; empty without)."),
)


def _block(key: str, kind: Kind, meaning: str) -> Column:
    return Column(key, kind, meaning, _path("block", key))


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
