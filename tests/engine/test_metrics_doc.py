"""docs/METRICS.md's per-collector tables are the registry's declarations (issue #11, point 2): the file
holds exactly what `python -m vibe8_core metrics-doc` writes, and a collector added to the registry
appears in them without anyone writing its table."""

from __future__ import annotations

import pytest

from vibe8_core.cli.main import main
from vibe8_core.collectors import registry
from vibe8_core.collectors.declarations_doc import METRICS_DOC, collector_tables, refreshed

from ..pages.test_toy_collector import TodoCollector


def test_the_tables_in_metrics_md_are_current() -> None:
    text = METRICS_DOC.read_text(encoding="utf-8")
    assert refreshed(text) == text, "run: python -m vibe8_core metrics-doc"
    for spec in registry.specs():
        assert f"#### {spec.name} — {spec.label}" in text
        assert all(f"| `{measure.key}` |" in text for measure in spec.measures)


def test_a_new_collectors_keys_appear_and_a_stale_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with registry.extended(TodoCollector()):
        tables = collector_tables()
        assert "#### todo — TODOs (score: TODO-free)" in tables
        assert "| `todo_free_pct` | `float \\| null` | higher | ratio |" in tables
        assert "| `todo_count` | `int` | `0` | TODOs |" in tables
        assert main(["metrics-doc", "--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert main(["metrics-doc", "--check"]) == 0


def test_a_file_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        refreshed("# Metrics\n")
