"""An eleventh collector declared here only: the registry alone makes the analysis, the stored run, the
progress words, the run page's score cards and the explorer's columns show it (issue #11, point 2)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors import registry
from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileField,
    Measure,
    ProjectContext,
    ScoreDecl,
)
from vibe8_core.config import EngineSettings
from vibe8_core.dashboard.progress import job_progress
from vibe8_core.findings import Finding
from vibe8_core.store import NewRun


class TodoCollector(Collector):
    """Counts `TODO` comments: a project step only (worker processes know the built-in registry alone)."""

    spec = CollectorSpec(
        name="todo",
        label="TODOs",
        order=10,
        measures=(Measure("todos", "lower", "sum"), Measure("todo_free_pct", "higher", "ratio")),
        file_fields=(FileField("todo_count", 0, "TODOs"),),
        score=ScoreDecl("TODO-free", "Share of files without a TODO; higher is better.", measure="todo_free_pct"),
        finding_label="To do",
    )

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult(metrics={})
        for record in project.files:
            lines = (project.root / record.path).read_text(encoding="utf-8").splitlines()
            found = [number for number, line in enumerate(lines, 1) if "TODO" in line]
            result.files[record.path] = {"todo_count": len(found)}
            for number in found:
                result.add_finding(record.path, Finding("todo", "TODO", "Left to do", number, None, "info"))
        with_todo = sum(1 for fields in result.files.values() if fields["todo_count"])
        total = len(project.files)
        result.metrics = {
            "todos": sum(fields["todo_count"] for fields in result.files.values()),
            "todo_free_pct": round(100.0 * (total - with_todo) / total, 1) if total else None,
        }
        return result


@pytest.fixture
def with_todo_collector() -> Iterator[None]:
    with registry.extended(TodoCollector()):
        yield


def analysed(tmp_path: Path) -> NewRun:
    files = {"a.py": "x = 1  # TODO: name it\n", "b.py": "def f():\n    return 2\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    settings = EngineSettings(workers=1, package_index_url="http://127.0.0.1:9/pypi", cache_max_mb=0)
    result = analyze_folder(tmp_path, settings=settings, churn=False)
    stored = json.loads(json.dumps(result.to_dict()))
    return NewRun(
        submission_type="upload", metrics=stored["metrics"], file_tree=stored["file_tree"], errors=stored["errors"],
        upload_filename="todo.zip", project_name="todo", author_type="human", author_model="developer",
    )  # fmt: skip


@pytest.mark.usefixtures("with_todo_collector")
def test_the_analysis_and_the_stored_run_carry_the_new_collector(tmp_path: Path, seed, alice) -> None:
    new = analysed(tmp_path)
    assert list(new.metrics)[-1] == "todo" and len(new.metrics) == 12  # the ten, authorship, todo
    assert new.metrics["todo"] == {"todos": 1, "todo_free_pct": 50.0}
    entries = {entry["path"]: entry for entry in new.file_tree["files"]}
    assert entries["a.py"]["todo_count"] == 1 and entries["b.py"]["todo_count"] == 0
    assert [finding["code"] for finding in entries["a.py"]["findings"] if finding["collector"] == "todo"] == ["TODO"]
    run = seed.run(alice, new)
    with seed.db.unit_of_work() as uow:
        stored = uow.runs.get(run.run_id, alice.id, with_tree=True)
        summary = uow.runs.summaries_for_user(alice.id)[0].summary
    assert stored.metrics["todo"] == new.metrics["todo"] and summary.scores["todo"] == 50.0
    progress = job_progress(SimpleNamespace(status="running", progress={"step": "todo"}))  # type: ignore[arg-type]
    assert progress.label == "Running collector 12 of 12: todos"


@pytest.mark.usefixtures("with_todo_collector")
def test_the_run_page_and_the_explorer_show_it(tmp_path: Path, seed, alice, open_page) -> None:
    run = seed.run(alice, analysed(tmp_path))
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception
    cards = {metric.label: metric.value for metric in at.metric}
    assert cards["TODO-free · C"] == "50" and len(cards) == 11
    at = open_page(alice, "pages/explorer.py", run=str(run.run_id))
    assert not at.exception
    table = at.dataframe[0]
    assert "todo_count" in table.proto.column_order and "todo_count" in table.value.columns
    assert json.loads(table.proto.columns)["todo_count"]["label"] == "TODOs"
    at.selectbox(key="explorer_file").set_value("a.py").run()
    assert "To do" in at.dataframe[1].value["kind"].tolist()


def test_without_it_the_registry_is_the_built_in_ten() -> None:
    assert [spec.name for spec in registry.specs()] == [
        "lint",
        "cyclomatic",
        "docs",
        "dead_code",
        "deps",
        "mi",
        "size",
        "dupes",
        "security",
        "churn",
        "authorship",
    ]  # fmt: skip  (the ten measures, then who wrote the lines)
