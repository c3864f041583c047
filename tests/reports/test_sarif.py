"""`analyze --format sarif`: valid SARIF 2.1.0, one run per tool, rules with names and help links,
relative locations, and fingerprints that survive unrelated edits above a finding."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.reports.conftest import CliRunner, write_project


def _sarif(run_cli: CliRunner, folder: Path, out: Path, *extra: str) -> dict:
    code, stdout, stderr = run_cli("analyze", folder, "--no-churn", "--format", "sarif", "--output", out, *extra)
    assert code == 0, stderr
    assert stdout == ""
    return json.loads(out.read_text(encoding="utf-8"))


def _results(log: dict, tool: str) -> list[dict]:
    (run,) = [run for run in log["runs"] if run["tool"]["driver"]["name"] == tool]
    return run["results"]


def _rule(log: dict, tool: str, rule_id: str) -> dict:
    (run,) = [run for run in log["runs"] if run["tool"]["driver"]["name"] == tool]
    (rule,) = [rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == rule_id]
    return rule


def test_sarif_validates_and_has_one_run_per_tool(report_env: Path, run_cli: CliRunner, sarif_validator) -> None:
    project = write_project(report_env / "proj")
    log = _sarif(run_cli, project, report_env / "out.sarif")
    sarif_validator.validate(log)
    assert log["version"] == "2.1.0"
    assert [run["tool"]["driver"]["name"] for run in log["runs"]] == ["ruff", "bandit", "vulture", "vibe8"]

    ruff = _rule(log, "ruff", "F401")
    assert ruff["name"] == "unused-import" and ruff["helpUri"].startswith("https://docs.astral.sh/ruff/rules/")
    shell = _rule(log, "bandit", "B602")
    assert shell["name"] == "subprocess_popen_with_shell_equals_true"
    assert shell["helpUri"].startswith("https://bandit.readthedocs.io/") and shell["helpUri"].endswith(".html")
    assert _rule(log, "bandit", "B307")["helpUri"].endswith("#b307-eval")
    assert _rule(log, "vibe8", "CC")["shortDescription"]["text"]

    levels = {result["ruleId"]: result["level"] for result in _results(log, "bandit")}
    assert levels["B602"] == "error" and levels["B307"] == "warning" and levels["B404"] == "note"
    vibe8_rules = {result["ruleId"] for result in _results(log, "vibe8")}
    assert {"D103", "DUP", "CC"} <= vibe8_rules
    assert {result["ruleId"] for result in _results(log, "vulture")} >= {"unused-function"}

    (shell_result,) = [result for result in _results(log, "bandit") if result["ruleId"] == "B602"]
    location = shell_result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/core.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 7
    assert location["region"]["startColumn"] == 5  # bandit's 0-based column, made 1-based
    (complex_result,) = [result for result in _results(log, "vibe8") if result["ruleId"] == "CC"]
    assert complex_result["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert "branchy" in complex_result["message"]["text"]


def test_fingerprints_survive_lines_added_above(report_env: Path, run_cli: CliRunner) -> None:
    project = write_project(report_env / "proj")
    before = _sarif(run_cli, project, report_env / "before.sarif")
    core = project / "app" / "core.py"
    text = core.read_text(encoding="utf-8")
    core.write_text(text.replace('"""Core."""\n', '"""Core."""\n# a comment\n# and another\n\n', 1), encoding="utf-8")
    after = _sarif(run_cli, project, report_env / "after.sarif")

    def by_print(log: dict) -> dict[str, int]:
        found = {}
        for run in log["runs"]:
            for result in run["results"]:
                location = result["locations"][0]["physicalLocation"]
                if location["artifactLocation"]["uri"] == "app/core.py":
                    found[result["partialFingerprints"]["vibe8FindingHash/v1"]] = location["region"]["startLine"]
        return found

    old, new = by_print(before), by_print(after)
    assert len(old) >= 6 and old.keys() == new.keys()
    assert all(new[key] == old[key] + 3 for key in old if old[key] > 1)


def test_clean_project_gives_one_empty_vibe8_run(report_env: Path, run_cli: CliRunner, sarif_validator) -> None:
    project = write_project(report_env / "clean", {"ok.py": '"""Fine."""\n\nprint(1)\n'})
    log = _sarif(run_cli, project, report_env / "clean.sarif")
    sarif_validator.validate(log)
    assert [(run["tool"]["driver"]["name"], run["results"]) for run in log["runs"]] == [("vibe8", [])]


def test_the_schema_check_can_fail(sarif_validator) -> None:
    """The validator is not vacuous: a level SARIF does not know, and a missing driver, are refused."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    sarif_validator.validate(good)
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"] = [{"message": {"text": "m"}, "level": "fatal"}]
    no_driver = {"version": "2.1.0", "runs": [{"tool": {}}]}
    for bad in (bad_level, no_driver, {"version": "2.0.0", "runs": []}):
        with pytest.raises(jsonschema.ValidationError):
            sarif_validator.validate(bad)
