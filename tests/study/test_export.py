"""The research tables: exactly the documented columns with their types, whatever a run stored, and
docs/DATA.md generated from the same declarations."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pandas as pd
import pytest

from vibe8_core.collectors.churn import ChurnMetrics
from vibe8_core.collectors.size import SizeMetrics
from vibe8_core.config import PROJECT_ROOT
from vibe8_core.store import RunRecord
from vibe8_core.study.columns import columns, data_dictionary, declared_key
from vibe8_core.study.export import ExportError, encode, table

TREE = {
    "version": 1,
    "files": [
        {"path": "a.py", "sloc": 200, "lint_count": 3, "security_count": 1, "dead_code_count": 0, "ai_lines": 120,
         "blocks": [{"name": "f", "kind": "function", "line": 3, "end_line": 9, "complexity": 4, "rank": "A",
                     "cognitive": 2, "ai_lines": 7}]},
        {"path": "broken.py", "sloc": 0, "parse_error": "invalid syntax", "blocks": None},
        "not an entry",
    ],
}  # fmt: skip


def _run(**overrides) -> RunRecord:
    fields = dict(
        run_id=uuid.uuid4(), user_id=uuid.uuid4(), created_at=datetime(2026, 1, 2, tzinfo=UTC),
        submission_type="github", upload_filename=None, project_name="p", author_type="ai", author_model="claude",
        git_repo_url="https://github.com/o/r", git_branch="main", git_commit_sha="a" * 40, study="s",
        metrics={"size": {"sloc": 200, "files": 2}, "lint": {"total": 3}, "security": {"high": 1, "low": 0},
                 "authorship": {"ai_lines": 120, "human_lines": 80, "ai_share_pct": 60.0}},
        errors=["deps: offline"], file_tree=TREE, tool_versions={"ruff": "0.17.5", "radon": "6.0.1"},
    )  # fmt: skip
    fields.update(overrides)
    return RunRecord(**fields)


def test_docs_data_md_is_generated_from_the_declarations():
    assert (PROJECT_ROOT / "docs" / "DATA.md").read_text() == data_dictionary()


@pytest.mark.parametrize("level", ["run", "file", "function"])
def test_every_level_has_exactly_the_documented_columns_in_both_formats(level):
    frame = table(level, [_run(), _run(metrics={}, file_tree=None, tool_versions=None, study=None)])
    assert list(frame.columns) == [column.name for column in columns(level)]
    for fmt in ("csv", "parquet"):
        data = encode(frame, fmt)
        back = pd.read_parquet(io.BytesIO(data)) if fmt == "parquet" else pd.read_csv(io.BytesIO(data))
        assert list(back.columns) == list(frame.columns) and len(back) == len(frame)


def test_values_nulls_and_per_ksloc_figures():
    run = table("run", [_run(), _run(metrics={}, tool_versions=None)])
    first, empty = run.iloc[0], run.iloc[1]
    assert first["tool_versions"] == "radon=6.0.1;ruff=0.17.5" and first["authorship_ai_lines"] == 120
    assert first["lint_per_ksloc"] == 15.0 and first["security_high_per_ksloc"] == 5.0 and first["errors"] == 1
    assert pd.isna(empty["authorship_ai_lines"]) and pd.isna(empty["tool_versions"]) and pd.isna(empty["size_sloc"])
    files = table("file", [_run()])
    assert files["path"].tolist() == ["a.py", "broken.py"] and files["lint_per_ksloc"].iloc[0] == 15.0
    assert files["ai_lines"].iloc[0] == 120 and pd.isna(files["lint_per_ksloc"].iloc[1])
    functions = table("function", [_run()])
    assert functions[["name", "lines", "complexity", "ai_lines"]].iloc[0].tolist() == ["f", 7, 4, 7]
    assert str(functions["complexity"].dtype) == "Int64" and str(functions["created_at"].dtype).startswith("datetime")


def test_unknown_level_or_format_is_one_sentence():
    with pytest.raises(ExportError, match="The level must be one of run, file, function."):
        table("project", [])
    with pytest.raises(ExportError, match="The format must be one of csv, parquet."):
        encode(table("run", []), "xlsx")


def test_every_export_column_reads_a_key_its_record_declares() -> None:
    assert declared_key(SizeMetrics, "sloc") == "sloc" and declared_key(ChurnMetrics, "totalChurn") == "totalChurn"
    with pytest.raises(LookupError, match="SizeMetrics declares no key 'slocs'"):
        declared_key(SizeMetrics, "slocs")  # a renamed key fails when the columns are declared, at import
