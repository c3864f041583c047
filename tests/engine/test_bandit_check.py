"""bandit's visitor over the shared tree serves only while its start-up check agrees with bandit's manager
(issue #11, point 6); otherwise every file goes to the manager, loudly. Never "no issues" on an error."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from vibe8_core.collectors import security
from vibe8_core.collectors.bandit_check import check_visitor, visitor_failure
from vibe8_core.collectors.base import ParsedSource, ProjectContext
from vibe8_core.collectors.files import read_source

ProjectOf = Callable[[dict[str, str | bytes]], ProjectContext]
INSECURE = "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n"


@pytest.fixture(autouse=True)
def fresh_check() -> Iterator[None]:
    visitor_failure.cache_clear()
    yield
    visitor_failure.cache_clear()


@pytest.fixture
def manager_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths bandit's manager scanned (the start-up check's snippet included)."""
    calls: list[str] = []
    real = security.scan_with_manager

    def counted(source: ParsedSource) -> dict[str, Any]:
        calls.append(source.path)
        return real(source)

    monkeypatch.setattr(security, "scan_with_manager", counted)
    return calls


def issue_ids(project: ProjectContext) -> list[str]:
    result = security.SecurityCollector().collect(project)
    return sorted(finding.code for found in result.findings.values() for finding in found)


def test_the_visitor_agrees_with_the_manager_and_serves(project_of: ProjectOf, manager_calls: list[str]) -> None:
    assert check_visitor(security.scan_tree, security.scan_with_manager) is None
    project = project_of({"app.py": INSECURE})
    result = security.SecurityCollector().collect(project)
    assert not result.errors and issue_ids(project) == ["B404", "B602"]
    assert "app.py" not in manager_calls  # the tree visitor scanned it


def test_a_visitor_that_drops_issues_falls_back_to_the_manager_loudly(
    project_of: ProjectOf, manager_calls: list[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(security._TestedNodesVisitor, "visit", lambda self, node: None)  # a bandit that changed
    with caplog.at_level(logging.ERROR, logger="vibe8_core.collectors.bandit_check"):
        project = project_of({"app.py": INSECURE})
    assert "app.py" in manager_calls
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert "falling back to bandit's manager" in caplog.records[0].getMessage()
    result = security.SecurityCollector().collect(project)
    assert issue_ids(project) == ["B404", "B602"]  # the same figures, from the manager
    assert len(result.errors) == 1 and result.errors[0].startswith("security: bandit's tree visitor failed")
    assert "0 issues instead of the manager's 9" in result.errors[0]


def test_a_visitor_whose_internals_changed_falls_back(project_of: ProjectOf, monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(self: Any, *args: Any) -> None:
        raise TypeError("__init__() missing 1 required positional argument: 'metrics'")

    monkeypatch.setattr(security._TestedNodesVisitor, "__init__", changed)
    project = project_of({"app.py": INSECURE})
    result = security.SecurityCollector().collect(project)
    assert issue_ids(project) == ["B404", "B602"]
    assert "TypeError: __init__() missing 1 required positional argument" in result.errors[0]


def test_a_visitor_failing_on_one_file_hands_that_file_to_the_manager(
    project_of: ProjectOf, manager_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert visitor_failure(security.scan_tree, security.scan_with_manager) is None  # checked before the break
    source = read_source(project_of({"app.py": INSECURE}).root, "app.py")
    real = security._TestedNodesVisitor.visit

    def fails_on_calls(self: Any, node: Any) -> None:
        if type(node).__name__ == "Call":
            raise RuntimeError("a plugin broke")
        real(self, node)

    monkeypatch.setattr(security._TestedNodesVisitor, "visit", fails_on_calls)
    manager_calls.clear()
    section = security.scan_file(source)
    assert sorted(issue["test_id"] for issue in section["issues"]) == ["B404", "B602"]  # not "no issues"
    assert manager_calls == ["app.py"]
