"""Research export: runs, files or functions as one long-format table each, in CSV or Parquet.

Rows are built from the declarations in `columns`, so every table has exactly the documented columns
in the documented order and types, whatever a particular run stored (missing figures are nulls).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from vibe8_core.run_summary import summarize_run
from vibe8_core.store import Database, RunFilter, RunRecord
from vibe8_core.study.columns import LEVELS, Column, columns

if TYPE_CHECKING:  # pandas is imported when a table is made: the CLI's other commands start without it
    import pandas as pd

Format = Literal["csv", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "parquet")
MEDIA_TYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
_PANDAS_TYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}


class ExportError(ValueError):
    """The export cannot be made; the message is one sentence for the user."""


def _context(run: RunRecord) -> dict[str, Any]:
    """The run's fields as the column getters read them."""
    versions = run.tool_versions or {}
    summary = summarize_run(run.metrics or {}, run.errors or [])
    return {
        **{name: getattr(run, name) for name in ("run_id", "study", "project_name", "author_type", "author_model")},
        "submission_type": run.submission_type,
        "source": run.git_repo_url if run.submission_type == "github" else run.upload_filename,
        "git_branch": run.git_branch,
        "git_commit_sha": run.git_commit_sha,
        "created_at": run.created_at,
        "tool_versions": ";".join(f"{tool}={found}" for tool, found in sorted(versions.items())) or None,
        "metrics": run.metrics or {},
        "summary": {"overall": summary.overall, "scores": summary.scores, "raw": summary.raw},
        "security_high": summary.security_high,
        "sloc": summary.sloc,
        "error_count": len(run.errors or []),
    }


def _files(run: RunRecord) -> list[Mapping[str, Any]]:
    files = (run.file_tree or {}).get("files") if isinstance(run.file_tree, Mapping) else None
    return [entry for entry in files or [] if isinstance(entry, Mapping)]


def level_rows(level: str, runs: Iterable[RunRecord]) -> Iterator[dict[str, Any]]:
    """The raw rows of `level` (before typing): a run's context, plus its file and block where relevant."""
    for run in runs:
        context = _context(run)
        if level == "run":
            yield context
            continue
        for entry in _files(run):
            if level == "file":
                yield {**context, "file": entry}
                continue
            for block in entry.get("blocks") or []:
                if isinstance(block, Mapping):
                    yield {**context, "file": entry, "block": block}


def _cell(column: Column, row: Mapping[str, Any]) -> Any:
    value = column.get(row)
    if column.kind == "str":
        return None if value is None or value == "" else str(value)
    if column.kind in ("int", "float") and (isinstance(value, bool) or not isinstance(value, int | float)):
        return None
    if column.kind == "int" and isinstance(value, float):
        return round(value) if value.is_integer() else None
    return value


def table(level: str, runs: Iterable[RunRecord]) -> pd.DataFrame:
    """One typed DataFrame with exactly columns(level), one row per run, file or function."""
    if level not in LEVELS:
        raise ExportError(f"The level must be one of {', '.join(LEVELS)}.")
    declared = columns(level)
    rows = [[_cell(column, row) for column in declared] for row in level_rows(level, runs)]
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=[column.name for column in declared])
    for column in declared:
        if column.kind == "datetime":
            frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
        else:
            frame[column.name] = frame[column.name].astype(_PANDAS_TYPES[column.kind])
    return frame


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    """The table as CSV (UTF-8, ISO timestamps, empty cells for nulls) or Parquet (pyarrow)."""
    if fmt == "csv":
        text: str = frame.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S.%f%z")
        return text.encode()
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, engine="pyarrow", index=False)
        return buffer.getvalue()
    raise ExportError(f"The format must be one of {', '.join(FORMATS)}.")


def export_runs(
    db: Database,
    user_id: uuid.UUID,
    *,
    level: str,
    fmt: str,
    study: str | None = None,
    run_ids: Sequence[uuid.UUID] | None = None,
) -> bytes:
    """The user's runs of `study` (or exactly `run_ids`) at `level`, encoded as `fmt`."""
    if fmt not in FORMATS:
        raise ExportError(f"The format must be one of {', '.join(FORMATS)}.")
    with db.unit_of_work() as uow:
        if study is not None and not uow.runs.count_for_user(user_id, RunFilter(studies=(study,))):
            raise ExportError(f"You have no runs in a study named {study!r}.")
        runs = uow.runs.for_export(user_id, study=study, run_ids=run_ids, with_tree=level != "run")
        frame = table(level, runs)
    return encode(frame, fmt)


def file_name(stem: str, level: str, fmt: str) -> str:
    return f"{stem}-{level}s.{fmt}"
