"""Data shaping with pandas: runs into one history row each, exports and run comparisons
(file trees are shaped in `trees`).

Everything reads the stored JSON defensively (`.get`), because old runs and newer engines differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from vibe8_core.run_summary import RAW_MEASURES
from vibe8_core.scoring import grade_for_score, score_specs
from vibe8_core.store import RunHeader, RunSummaryRecord
from vibe8_core.store.history import sort_keys

RAW_COLUMNS = [measure.column for measure in RAW_MEASURES]


# -- runs ------------------------------------------------------------------------------------------
def author_label(author_type: str | None, author_model: str | None) -> str:
    kind = {"human": "Human", "ai": "AI"}.get(author_type or "", "Unknown")
    return f"{kind} · {author_model}" if author_model else kind


HEADER_COLUMNS = [
    "run_id",
    "created_at",
    "project",
    "source",
    "submission_type",
    "author_type",
    "author_model",
    "author",
    "study",
]


def score_columns() -> list[str]:
    """A history column per score the registry declares."""
    return [f"score_{spec.key}" for spec in score_specs()]


def run_number_columns() -> list[str]:
    return ["files", "sloc", "overall", "security_high", "ai_share_pct", *score_columns(), *RAW_COLUMNS]


def run_columns() -> list[str]:
    return [*HEADER_COLUMNS, "files", "sloc", "overall", "grade", "security_high", "errors", *run_number_columns()[4:]]


def _header_columns(runs: Sequence[RunHeader]) -> dict[str, list[Any]]:
    """Who analysed what, and when, as history columns (built column by column: a history of 20,000
    runs is shaped in a few hundredths of a second, where a dict per row took a quarter of a second)."""
    return {
        "run_id": [str(run.run_id) for run in runs],
        "created_at": [run.created_at for run in runs],
        "project": [run.project_name or "(unnamed)" for run in runs],
        "source": [run.source_label for run in runs],
        "submission_type": [run.submission_type for run in runs],
        "author_type": [run.author_type or "unknown" for run in runs],
        "author_model": [run.author_model or "unknown" for run in runs],
        "author": [author_label(run.author_type, run.author_model) for run in runs],
        "study": [run.study for run in runs],
    }


def headers_frame(runs: Iterable[RunHeader]) -> pd.DataFrame:
    """Runs as who/what/when only (for run pickers), newest first (the repositories' order is kept)."""
    return _history_frame(_header_columns(list(runs)), HEADER_COLUMNS)


def runs_frame(runs: Iterable[RunSummaryRecord]) -> pd.DataFrame:
    """Runs as a DataFrame, one row per run: who/what/when, the scores, the overall grade and the raw
    measures from its stored summary, newest first (the repositories' order is kept)."""
    records = list(runs)
    summaries = [run.summary for run in records]
    columns = _header_columns(records)
    for name in ("files", "sloc", "overall", "security_high", "errors", "ai_share_pct"):
        columns[name] = [getattr(summary, name) for summary in summaries]
    columns["grade"] = [grade_for_score(summary.overall) for summary in summaries]
    for spec in score_specs():
        columns[f"score_{spec.key}"] = [summary.scores.get(spec.key) for summary in summaries]
    for raw in RAW_COLUMNS:
        columns[raw] = [summary.raw.get(raw) for summary in summaries]
    frame = _history_frame(columns, run_columns())
    numbers = run_number_columns()
    frame[numbers] = frame[numbers].apply(pd.to_numeric, errors="coerce").astype("float64")
    return frame


def _history_frame(columns: dict[str, list[Any]], order: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({name: columns[name] for name in order}, columns=order)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


def sort_labels() -> dict[str, str]:
    """The history's sort keys (the store's, in its order) with the labels the page shows."""
    named = {"created_at": "Date", "project": "Project", "author": "Author", "source": "Source",
             "overall": "Overall score", "sloc": "SLOC", "files": "Files"}  # fmt: skip
    scores = {f"score_{spec.key}": f"{spec.label} score" for spec in score_specs()}
    return {key: named.get(key) or scores[key] for key in sort_keys()}


def history_export_columns() -> list[str]:
    return [
        "run_id", "created_at", "project", "source", "author_type", "author_model", "study", "files", "sloc",
        "overall", "grade", "ai_share_pct", *score_columns(), *RAW_COLUMNS,
    ]  # fmt: skip


EXPORT_COUNT_COLUMNS = ("files", "sloc")  # counts: exported as whole numbers, not 12.0


def _export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[history_export_columns()].astype(dict.fromkeys(EXPORT_COUNT_COLUMNS, "Int64"))


def export_csv(frame: pd.DataFrame) -> bytes:
    text: str = _export_frame(frame).to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    return text.encode()


def export_json(frame: pd.DataFrame) -> bytes:
    records = _export_frame(frame).to_dict(orient="records")
    for record in records:
        record["created_at"] = record["created_at"].isoformat()
        for key, value in record.items():
            if value is pd.NA or (isinstance(value, float) and pd.isna(value)):
                record[key] = None
            elif key in EXPORT_COUNT_COLUMNS:
                record[key] = int(value)
    return json.dumps(records, indent=2).encode()


# -- comparing two runs ------------------------------------------------------------------------------
def score_deltas(base: Mapping[str, float | None], other: Mapping[str, float | None]) -> pd.DataFrame:
    """Per score: before, after and the change (positive = better)."""
    rows = []
    for spec in score_specs():
        before, after = base.get(spec.key), other.get(spec.key)
        change = None if before is None or after is None else round(after - before, 1)
        rows.append({"score": spec.label, "before": before, "after": after, "change": change})
    frame = pd.DataFrame.from_records(rows, columns=["score", "before", "after", "change"])
    return frame.astype({"before": "float64", "after": "float64", "change": "float64"})


def runs_by_id(frame: pd.DataFrame) -> dict[str, str]:
    """run id → "project · date · author", for select boxes (newest first)."""
    if frame.empty:
        return {}
    labels = frame["project"] + " · " + frame["created_at"].dt.strftime("%Y-%m-%d %H:%M") + " · " + frame["author"]
    return dict(zip(frame["run_id"], labels, strict=True))


def default_pair(runs: pd.DataFrame) -> tuple[str, str] | None:
    """(before, after) to compare by default: the newest run of the most recently analyzed project
    that has two runs, and that project's run before it; None when no project has two runs (two
    unrelated projects are never compared unasked)."""
    for project in runs["project"]:  # newest first
        same = runs[runs["project"] == project]
        if len(same) >= 2:
            return str(same["run_id"].iloc[1]), str(same["run_id"].iloc[0])
    return None


def ordered_unique(values: Sequence[str]) -> list[str]:
    return sorted({value for value in values if value})
