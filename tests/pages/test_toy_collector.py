"""An eleventh collector, with a per-file step, declared here only: the registry override alone makes
the analysis (its per-file step runs in the worker processes), the stored run, the progress words, the
run page's score cards and the explorer's columns show it (issue #11, points 2 and 3)."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors import registry
from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileFields,
    FileSection,
    MetricsSection,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)
from vibe8_core.config import EngineSettings
from vibe8_core.dashboard.progress import job_progress
from vibe8_core.findings import Finding
from vibe8_core.run_data import FileTree, RunMetrics
from vibe8_core.store import NewRun


@dataclass(frozen=True)
class TodoMetrics(MetricsSection):
    todos: int | None = measure("lower", "sum")
    todo_free_pct: float | None = measure("higher", "ratio")


@dataclass(frozen=True)
class TodoFileFields(FileFields):
    todo_count: int = file_field(0, "TODOs")


@dataclass(frozen=True)
class TodoLines(FileSection):
    """The per-file step's answer: the lines with a TODO, and which process found them."""

    lines: tuple[int, ...] = ()
    worker_pid: int = 0


class TodoCollector(Collector):
    """Counts `TODO` comments, file by file in the analysis's worker processes."""

    spec = CollectorSpec(
        name="todo",
        label="TODOs",
        order=11,
        metrics=TodoMetrics,
        files=TodoFileFields,
        score=ScoreDecl("TODO-free", "Share of files without a TODO; higher is better.", measure="todo_free_pct"),
        per_file_rank=8,
        finding_label="To do",
    )

    def analyse_file(self, source: ParsedSource) -> TodoLines:
        found = tuple(number for number, line in enumerate(source.lines, 1) if "TODO" in line)
        return TodoLines(found, os.getpid())

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        pids = set()
        for record, section in project.sections(self.name, TodoLines):
            pids.add(section.worker_pid)
            result.files[record.path] = TodoFileFields(len(section.lines))
            for number in section.lines:
                result.add_finding(record.path, Finding("todo", "TODO", "Left to do", number, None, "info"))
        if os.getpid() in pids:
            raise AssertionError("the per-file step ran in the parent, not in a worker process")
        with_todo = sum(1 for fields in result.files.values() if fields.todo_count)
        total = len(project.files)
        result.metrics = TodoMetrics(
            todos=sum(fields.todo_count for fields in result.files.values()),
            todo_free_pct=round(100.0 * (total - with_todo) / total, 1) if total else None,
        )
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
    assert not new.errors, new.errors
    assert list(new.metrics)[-1] == "todo" and len(new.metrics) == 12  # the ten, authorship, todo
    assert new.metrics["todo"] == {"todos": 1, "todo_free_pct": 50.0}
    entries = {entry.path: entry for entry in FileTree.from_json(new.file_tree)}
    assert entries["a.py"].of(TodoFileFields).todo_count == 1 and entries["b.py"].of(TodoFileFields).todo_count == 0
    assert [finding.code for finding in entries["a.py"].findings if finding.collector == "todo"] == ["TODO"]
    run = seed.run(alice, new)
    with seed.db.unit_of_work() as uow:
        stored = uow.runs.get(run.run_id, alice.id, with_tree=True)
        summary = uow.runs.summaries_for_user(alice.id)[0].summary
    assert RunMetrics.from_json(stored.metrics).of(TodoMetrics) == TodoMetrics(todos=1, todo_free_pct=50.0)
    assert stored.file_tree == new.file_tree and summary.scores["todo"] == 50.0
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


def test_a_collector_the_workers_cannot_import_is_refused() -> None:
    def local_collector() -> Collector:
        class Hidden(TodoCollector):
            spec = CollectorSpec("hidden", "Hidden", 11, TodoMetrics, per_file_rank=9)

        return Hidden()

    with pytest.raises(ValueError, match="cannot reach the workers"), registry.extended(local_collector()):
        pass


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
