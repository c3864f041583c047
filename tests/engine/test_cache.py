"""The result cache and the worker pool never change a figure: warm equals cold, parallel equals sequential.

Behaviour, not timing: how many files and project steps were recomputed is read from the engine's DEBUG log.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
from pathlib import Path

import pytest

from vibe8_core.analysis import AnalysisResult, analyze_folder
from vibe8_core.collectors import registry
from vibe8_core.config import EngineSettings

from .conftest import SITE_PACKAGES, offline_settings

REAL_PACKAGE = SITE_PACKAGES / "radon"  # real code: ~30 files, with findings of every collector
TREE_CACHED_STEPS = {spec.name for spec in registry.specs() if spec.project_cacheable}
FROM_CACHE = re.compile(r"per-file phase: (\d+) of (\d+) files from the cache")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REAL_PACKAGE, tmp_path / "radon", ignore=shutil.ignore_patterns("__pycache__")))


@pytest.fixture
def cached(tmp_path: Path) -> EngineSettings:
    return offline_settings(cache_dir=tmp_path / "cache", cache_max_mb=64, collector_timeout_s=300)


def analyse(
    root: Path, settings: EngineSettings, caplog: pytest.LogCaptureFixture
) -> tuple[AnalysisResult, int, set[str]]:
    """The result, how many files were analysed afresh, and which tree-cached project steps ran."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="vibe8_core.analysis"):
        result = analyze_folder(root, settings=settings, churn=False)
    counts = [FROM_CACHE.search(record.getMessage()) for record in caplog.records]
    hits, total = next((int(m[1]), int(m[2])) for m in counts if m)
    ran = {name for name in TREE_CACHED_STEPS for r in caplog.records if f"project step of {name}: " in r.getMessage()}
    ran -= {
        name for name in TREE_CACHED_STEPS for r in caplog.records if r.getMessage().endswith(f"{name}: from the cache")
    }
    return result, total - hits, ran


@pytest.mark.slow
def test_parallel_and_sequential_results_are_identical(tree: Path) -> None:
    sequential = analyze_folder(tree, settings=offline_settings(workers=1), churn=False)
    parallel = analyze_folder(tree, settings=offline_settings(workers=2), churn=False)
    assert sequential.metrics["size"]["files"] > 20 and sequential.metrics["security"]["low"] > 0
    assert parallel.to_dict() == sequential.to_dict()


@pytest.mark.slow
def test_a_warm_run_equals_a_cold_one_and_recomputes_nothing(
    tree: Path, cached: EngineSettings, caplog: pytest.LogCaptureFixture
) -> None:
    uncached = analyze_folder(tree, settings=dataclasses.replace(cached, cache_max_mb=0), churn=False)
    cold, cold_files, cold_steps = analyse(tree, cached, caplog)
    warm, warm_files, warm_steps = analyse(tree, cached, caplog)
    assert cold_files == cold.metrics["size"]["files"] and cold_steps == TREE_CACHED_STEPS
    assert warm_files == 0 and warm_steps == set()
    assert cold.to_dict() == uncached.to_dict()
    assert warm.to_dict() == cold.to_dict()


@pytest.mark.slow
def test_one_changed_file_costs_that_file_and_the_cross_file_steps(
    tree: Path, cached: EngineSettings, caplog: pytest.LogCaptureFixture
) -> None:
    before, _, _ = analyse(tree, cached, caplog)
    changed = tree / "metrics.py"
    changed.write_text(changed.read_text() + "\n\ndef added(value):\n    if value:\n        return eval(value)\n")
    after, recomputed, steps = analyse(tree, cached, caplog)
    assert recomputed == 1 and steps == TREE_CACHED_STEPS
    assert (
        after.to_dict()
        == analyze_folder(tree, settings=dataclasses.replace(cached, cache_max_mb=0), churn=False).to_dict()
    )
    old = {entry["path"]: entry for entry in before.file_tree["files"]}
    new = {entry["path"]: entry for entry in after.file_tree["files"]}
    assert [path for path in new if new[path] != old[path]] == ["metrics.py"]
    assert after.metrics["security"]["medium"] == before.metrics["security"]["medium"] + 1


@pytest.mark.slow
def test_a_changed_setting_or_tool_version_starts_afresh(
    tree: Path, cached: EngineSettings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse(tree, cached, caplog)
    _, recomputed, steps = analyse(tree, dataclasses.replace(cached, max_file_mb=cached.max_file_mb + 1), caplog)
    assert recomputed > 20 and steps == TREE_CACHED_STEPS
    from vibe8_core.collectors import cache

    real_version = cache.version
    monkeypatch.setattr(cache, "version", lambda tool: "0.0.0" if tool == "ruff" else real_version(tool))
    _, recomputed, steps = analyse(tree, cached, caplog)
    assert recomputed > 20 and steps == TREE_CACHED_STEPS
    monkeypatch.setattr(cache, "version", real_version)
    _, recomputed, steps = analyse(tree, cached, caplog)
    assert recomputed == 0 and steps == set()
