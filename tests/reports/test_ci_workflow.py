"""The GitHub Actions workflow in docs/CI.md: valid YAML that calls only actions, Make targets and Vibe8
subcommands and flags that exist, and whose Vibe8 commands, run here on a small project, produce
the files the next steps read."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.reports.conftest import CliRunner, write_project
from vibe8_core.cli.main import build_parser
from vibe8_core.config import PROJECT_ROOT

CI_DOC = PROJECT_ROOT / "docs" / "CI.md"
KNOWN_ACTIONS = {"actions/checkout", "actions/setup-python", "github/codeql-action/upload-sarif"}
VIBE8 = "vibe8/.venv/bin/python -m vibe8_core"


def _workflow() -> dict[str, Any]:
    blocks = re.findall(r"```yaml\n(.*?)```", CI_DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1, "docs/CI.md holds exactly one workflow"
    return yaml.safe_load(blocks[0])


def _steps() -> list[dict[str, Any]]:
    (job,) = _workflow()["jobs"].values()
    return job["steps"]


def _commands() -> list[list[str]]:
    return [shlex.split(step["run"]) for step in _steps() if "run" in step]


def _make_targets() -> set[str]:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.MULTILINE))


def test_workflow_parses_and_names_only_what_exists() -> None:
    workflow = _workflow()
    assert workflow["permissions"]["security-events"] == "write"
    assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as True
    for step in _steps():
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            action, _, version = step["uses"].partition("@")
            assert action in KNOWN_ACTIONS and re.fullmatch(r"v\d+", version), step["uses"]
    parser = build_parser()
    for command in _commands():
        if command[:2] == ["make", "-C"]:
            assert command[2] == "vibe8" and set(command[3:]) <= _make_targets(), command
            continue
        assert " ".join(command[:3]) == VIBE8, f"the workflow calls something other than Vibe8: {command}"
        parser.parse_args(command[3:])  # an unknown subcommand or flag exits (SystemExit) and fails here


def test_every_flag_the_workflow_uses_is_one_analyze_has() -> None:
    """The parser would take an abbreviation; insist on the exact option strings."""
    (analyze,) = [
        action.choices["analyze"]
        for action in build_parser()._subparsers._group_actions  # noqa: SLF001
    ]
    options = {option for action in analyze._actions for option in action.option_strings}  # noqa: SLF001
    for command in _commands():
        if command[3:4] == ["analyze"]:
            assert {arg for arg in command if arg.startswith("--")} <= options, command


def test_the_workflow_commands_work_in_sequence(
    report_env: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, sarif_validator
) -> None:
    """Run the pull-request path here: base -> baseline.json -> SARIF gated on new findings -> upload."""
    write_project(report_env / "base")
    project = write_project(report_env / "project")
    (project / "app" / "extra.py").write_text('"""Extra."""\n\n\ndef risky(text):\n    return eval(text)\n')
    monkeypatch.chdir(report_env)
    outcomes = []
    for command in _commands():
        if command[:3] == ["make", "-C", "vibe8"]:
            continue  # the installation: this test runs inside the installed checkout
        code, _, err = run_cli(*command[3:])
        outcomes.append((code, "new findings: 3 finding(s)" in err, "security: 1 finding(s) of high" in err))
    # the base; the pull request (3 new findings: eval, its docstring, an unused function); the push path
    assert outcomes == [(0, False, False), (1, True, True), (1, False, True)]
    upload = next(step for step in _steps() if step.get("uses", "").startswith("github/codeql-action/"))
    sarif = json.loads((report_env / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    sarif_validator.validate(sarif)
    assert upload["with"]["checkout_path"] == "project"
