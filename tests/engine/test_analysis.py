"""analyze_folder: the JSON shape of the seed, the file_tree shape, progress, and failing collectors."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.analysis import AnalysisResult, NoPythonFilesError, Progress, analyze_folder, render_summary
from vibe8_core.collectors.base import CollectorResult, ProjectContext
from vibe8_core.collectors.deps import DepsCollector
from vibe8_core.collectors.docs import DocsCollector
from vibe8_core.config import EngineSettings

from .conftest import offline_settings, write_tree

# DATABASE.md, "Metrics JSONB Structure": the ten keys, their fields and the type of each.
SEED_METRICS: dict[str, dict[str, Any]] = {
    "lint": {"total": 0, "linting_score": 100.0},
    "cyclomatic": {"avg_cc": 0.0, "complexity_score": 100.0},
    "docs": {"coverage_pct": 0},
    "dead_code": {"unused_symbols": 0},
    "deps": {"total_modules": 0, "package_health": []},
    "mi": {"mi_avg": 0.0},
    "size": {"files": 0, "sloc": 0, "avg_file_sloc": 0},
    "dupes": {"duplicate_lines": 0, "duplicate_pct": 0.0, "duplication_score": 100.0},
    "security": {"high": 0, "medium": 0, "low": 0, "security_score": 100.0},
    "churn": {"total_commits": None, "totalChurn": None, "churn_score": None},
}
# Added after the seed's ten (issue 14): who wrote the lines; every figure null without history.
ADDED_METRICS: dict[str, dict[str, Any]] = {
    "authorship": {
        "ai_lines": None, "human_lines": None, "automation_lines": None, "ai_share_pct": None, "commits": None,
        "ai_commits": None, "tools": {}, "models": {},
    },
}  # fmt: skip
FILE_FIELDS: dict[str, tuple[type, ...]] = {
    "path": (str,), "sloc": (int,), "loc": (int,), "lloc": (int,), "comments": (int,), "multi": (int,),
    "blank": (int,), "avg_cc": (float, type(None)), "max_cc": (int, type(None)), "mi": (float, type(None)),
    "mi_rank": (str, type(None)), "doc_covered": (int,), "doc_total": (int,), "lint_count": (int,),
    "security_count": (int,), "dead_code_count": (int,), "duplicate_lines": (int,),
    "commits": (int, type(None)), "lines_added": (int, type(None)), "lines_deleted": (int, type(None)),
    "last_change": (str, type(None)), "severity": (float,), "grade": (str,), "parse_error": (str, type(None)),
    "blocks": (list,), "findings": (list,), "ai_lines": (int, type(None)), "human_lines": (int, type(None)),
    "ai_tools": (list,),
}  # fmt: skip
BLOCK_FIELDS = {"name", "kind", "line", "end_line", "complexity", "rank", "cognitive", "ai_lines"}
FINDING_FIELDS = {"collector", "code", "message", "line", "column", "severity", "text", "extra", "ai"}
SAMPLE = {
    "pkg/__init__.py": '"""Package."""\n',
    "pkg/core.py": """\
        import os
        import subprocess


        def run(command, verbose=False):
            if verbose and command:
                print(command)
            return subprocess.call(command, shell=True)


        class Unused:
            def method(self):
                return os.getcwd()
        """,
}


@pytest.fixture
def sample(tmp_path: Path, settings: EngineSettings) -> AnalysisResult:
    return analyze_folder(write_tree(tmp_path / "sample", SAMPLE), settings=settings, churn=False)


def test_metrics_have_the_seed_shape(sample: AnalysisResult) -> None:
    assert list(sample.metrics) == [*SEED_METRICS, *ADDED_METRICS]
    assert sample.metrics["authorship"] == ADDED_METRICS["authorship"]
    for key, fields in SEED_METRICS.items():
        for name, seed_value in fields.items():
            value = sample.metrics[key][name]
            if seed_value is None:
                assert value is None, (key, name)
            else:
                assert type(value) is type(seed_value), (key, name, value)


def test_file_tree_shape(sample: AnalysisResult) -> None:
    tree = sample.file_tree
    assert tree["version"] == 1
    assert [entry["path"] for entry in tree["files"]] == ["pkg/__init__.py", "pkg/core.py"]
    for entry in tree["files"]:
        for name, types in FILE_FIELDS.items():
            assert isinstance(entry[name], types), (entry["path"], name, entry[name])
        assert 0.0 <= entry["severity"] <= 100.0 and entry["grade"] in "ABCDE"
        for block in entry["blocks"]:
            assert set(block) == BLOCK_FIELDS
        for finding in entry["findings"]:
            assert set(finding) == FINDING_FIELDS
            assert finding["severity"] in ("high", "medium", "low", "info")
            assert len(finding["text"]) <= 300


def test_sample_figures(sample: AnalysisResult) -> None:
    core = sample.file_tree["files"][1]
    assert [(b["name"], b["complexity"]) for b in core["blocks"]] == [("run", 3), ("Unused", 2), ("Unused.method", 1)]
    assert (core["doc_covered"], core["doc_total"]) == (0, 4)
    by_code = {finding["code"]: finding for finding in core["findings"]}
    assert by_code["B602"]["severity"] == "high"
    assert by_code["B602"]["text"] == "return subprocess.call(command, shell=True)"
    assert core["security_count"] == 2 and sample.metrics["security"]["high"] == 1
    assert sample.metrics["size"]["files"] == 2
    assert sample.metrics["docs"]["coverage_pct"] == 20  # 1 of 5: the package docstring
    assert core["severity"] > sample.file_tree["files"][0]["severity"]


def test_progress_is_reported(tmp_path: Path, settings: EngineSettings) -> None:
    seen: list[Progress] = []
    analyze_folder(write_tree(tmp_path, SAMPLE), settings=settings, churn=False, progress=seen.append)
    steps = [p.step for p in seen]
    assert steps[0] == "scanning" and steps[-1] == "done"
    assert {"per-file metrics", "lint", "dead_code", "churn"} <= set(steps)
    assert Progress("per-file metrics", 2, 2) in seen


def test_no_python_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"README.md": "hi\n", ".venv/x.py": "x = 1\n"})
    with pytest.raises(NoPythonFilesError, match=r"^The folder holds no Python files to analyse\.$"):
        analyze_folder(tmp_path)


def test_a_failing_collector_leaves_nulls_and_an_error(
    tmp_path: Path, settings: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: DocsCollector, project: ProjectContext) -> CollectorResult:
        raise KeyError("broken on purpose")

    monkeypatch.setattr(DocsCollector, "collect", explode)
    result = analyze_folder(write_tree(tmp_path, SAMPLE), settings=settings, churn=False)
    assert result.metrics["docs"] == dict.fromkeys(("coverage_pct", "coverage_pct_exact", "documented", "documentable"))
    assert any(e.startswith("docs: failed (KeyError") for e in result.errors)
    assert "docstrings     n/a covered" in render_summary(result)
    assert result.metrics["dead_code"]["unused_symbols"] == 3, "the other nine still finish"  # run, Unused, method


def test_a_collector_past_its_time_limit_leaves_nulls(
    tmp_path: Path, settings: EngineSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def hang(self: DepsCollector, project: ProjectContext) -> CollectorResult:
        release.wait(30)
        return CollectorResult(metrics={})

    monkeypatch.setattr(DepsCollector, "collect", hang)
    fast = offline_settings(collector_timeout_s=3.0, package_index_url=settings.package_index_url)
    try:
        result = analyze_folder(write_tree(tmp_path, SAMPLE), settings=fast, churn=False)
    finally:
        release.set()
    assert result.metrics["deps"]["total_modules"] is None
    assert "deps: ran past its 3 s limit; its figures are left empty." in result.errors
    assert result.metrics["security"]["high"] == 1


def test_render_summary(sample: AnalysisResult) -> None:
    text = render_summary(sample)
    assert text.startswith("Analysed 2 Python files")
    assert "1 high" in text and "pkg/core.py" in text


def test_unchanged_files_come_from_the_per_file_cache(tmp_path: Path, settings: EngineSettings) -> None:
    cached = dataclasses.replace(settings, cache_dir=tmp_path / "cache", cache_max_mb=16)
    root = write_tree(tmp_path / "tree", SAMPLE)
    first = analyze_folder(root, settings=cached, churn=False)
    entries = sorted((tmp_path / "cache" / "per-file").glob("*/*.json"))
    assert len(entries) == 2
    # Tamper with the stored result of pkg/core.py: a second run must show it, proving it was read.
    for entry in entries:
        data = json.loads(entry.read_text())
        if data["sections"]["size"]["sloc"] > 1:
            data["sections"]["mi"]["mi"] = 12.5
            entry.write_text(json.dumps(data))
    second = analyze_folder(root, settings=cached, churn=False)
    core = second.file_tree["files"][1]
    assert core["path"] == "pkg/core.py" and core["mi"] == 12.5
    assert second.metrics["size"] == first.metrics["size"] and second.metrics["lint"] == first.metrics["lint"]
    # A changed file is analysed afresh.
    (root / "pkg" / "core.py").write_text((root / "pkg" / "core.py").read_text() + "\nVALUE = 1\n")
    third = analyze_folder(root, settings=cached, churn=False)
    assert third.file_tree["files"][1]["mi"] != 12.5
    assert third.file_tree["files"][1]["sloc"] == first.file_tree["files"][1]["sloc"] + 1


def test_the_cache_is_trimmed_to_its_limit(tmp_path: Path) -> None:
    from vibe8_core.collectors.cache import ResultCache

    cache = ResultCache(offline_settings(cache_dir=tmp_path, cache_max_mb=1))
    record = {"path": "x.py", "parse_error": None, "sections": {"blob": "x" * 200_000}, "errors": []}
    for number in range(8):
        cache.put(
            cache.key_for(write_tree(tmp_path / "src", {f"f{number}.py": f"x = {number}\n"}) / f"f{number}.py"), record
        )
    cache.evict()
    remaining = list((tmp_path / "per-file").glob("*/*.json"))
    assert 0 < len(remaining) <= 4
    assert sum(entry.stat().st_size for entry in remaining) <= 0.8 * 2**20
