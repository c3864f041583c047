"""Quality gates: exit 0 when every gate passes, 1 with one line per broken gate, 2 for usage errors;
and the analysed project's own configuration never changes what Vibe8 reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reports.conftest import CliRunner, patient_engine, write_project
from vibe8_core.analysis import analyze_folder
from vibe8_core.reports.gates import GateError, GateSpec, broken_gates, load_gate_file, merged
from vibe8_core.scoring import grade_for_score, overall_score, scores_of

METRICS = {
    "docs": {"coverage_pct": 50}, "dead_code": {"unused_symbols": 0}, "deps": {"package_health": []},
    "mi": {"mi_avg": 60.0}, "size": {"avg_file_sloc": 100, "sloc": 1000, "files": 10},
    "security": {"high": 0, "medium": 2, "low": 5}, "churn": {"total_commits": None},
}  # fmt: skip
SCORES = scores_of(METRICS)  # the gates judge what scoring.py says, whatever its formulas
OVERALL = overall_score(SCORES)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (GateSpec(), []),
        (GateSpec(fail_under="E"), []),
        (GateSpec(fail_under="A"),
         [f"overall: grade {grade_for_score(OVERALL)} (score {OVERALL:g}), below the required A."]),
        (GateSpec(fail_under_scores=(("docs", 50.0), ("mi", 60.0))), []),
        (GateSpec(fail_under_scores=(("security", 99.0),)),
         [f"security: score {SCORES['security']:g}, below the required 99."]),
        (GateSpec(fail_under_scores=(("churn", 10.0),)),
         ["churn: this run has no churn score, so it cannot reach 10."]),
        (GateSpec(fail_on_severity="high"), []),
        (GateSpec(fail_on_severity="medium"), ["security: 2 finding(s) of medium severity or above (2 medium)."]),
        (GateSpec(fail_on_severity="low"), ["security: 7 finding(s) of low severity or above (2 medium, 5 low)."]),
        (GateSpec(fail_on_new=True), ["new findings: 3 finding(s) that the baseline does not have."]),
    ],
)  # fmt: skip
def test_broken_gates(spec: GateSpec, expected: list[str]) -> None:
    assert broken_gates(spec, METRICS, new_findings=3) == expected


def test_a_run_whose_files_do_not_parse_fails_an_overall_gate_for_want_of_a_score() -> None:
    unparsed = {**METRICS, "size": {**METRICS["size"], "files_parsed": 0}}
    assert overall_score(scores_of(unparsed)) is not None  # lint and size measured, the rest could not
    assert broken_gates(GateSpec(fail_under="E"), unparsed) == ["overall: no overall score, below the required E."]


def test_gate_file_and_flags_merge(tmp_path: Path) -> None:
    gate = tmp_path / "gate.toml"
    gate.write_text('fail-under = "b"\nfail-on-new = true\n[fail-under-score]\nlint = 80\nmi = 50\n')
    from_file = load_gate_file(gate)
    assert from_file == GateSpec("B", (("lint", 80.0), ("mi", 50.0)), None, True)
    spec = merged(from_file, GateSpec(fail_under_scores=(("lint", 95.0),), fail_on_severity="high"))
    assert spec == GateSpec("B", (("lint", 95.0), ("mi", 50.0)), "high", True)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("fail-under = ", "not valid TOML"),
        ('fail-under = "Z"', "not a grade"),
        ('fail-on-severity = "critical"', "not a severity"),
        ("[fail-under-score]\nspeed = 3", "not one of the scores"),
        ("[fail-under-score]\nlint = 300", "from 0 to 100"),
        ("fail-under-score = 3", "table"),
        ("fail-on-new = 1", "true or false"),
        ("fail_under = 'A'", "unknown setting 'fail_under'"),
    ],
)
def test_malformed_gate_files_are_refused(tmp_path: Path, content: str, fragment: str) -> None:
    gate = tmp_path / "gate.toml"
    gate.write_text(content)
    with pytest.raises(GateError, match=fragment):
        load_gate_file(gate)


def test_exit_codes(report_env: Path, run_cli: CliRunner) -> None:
    project = write_project(report_env / "proj")
    code, out, err = run_cli("analyze", project, "--no-churn", "--fail-under", "E", "--fail-on-severity", "high")
    assert code == 1 and "Analysed 4 Python files" in out
    assert err.splitlines() == ["vibe8: gate failed: security: 1 finding(s) of high severity or above (1 high)."]

    code, out, err = run_cli(
        "analyze", project, "--no-churn", "--format", "json", "--fail-under", "A",
        "--fail-under-score", "security=99", "--fail-under-score", "size=1",
    )  # fmt: skip
    assert code == 1 and set(json.loads(out)) == {"metrics", "file_tree", "errors"}
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("vibe8: gate failed: overall: grade ")
    assert lines[1].startswith("vibe8: gate failed: security: score ")

    gate = report_env / "gate.toml"
    gate.write_text('fail-under = "E"\n[fail-under-score]\nsize = 1\n')
    assert run_cli("analyze", project, "--no-churn", "--gate", gate)[:1] == (0,)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--fail-under", "F"], "not a grade"),
        (["--fail-under-score", "security"], "KEY=N"),
        (["--fail-under-score", "speed=3"], "not one of the scores"),
        (["--fail-under-score", "lint=high"], "number"),
        (["--fail-on-severity", "critical"], "not a severity"),
        (["--fail-on-new"], "needs --baseline"),
        (["--gate", "{tmp}/missing.toml"], "cannot read the gate file"),
        (["--baseline", "{tmp}/missing.json"], "no such file, and not a run id"),
        (["--baseline", "00000000-0000-0000-0000-000000000000"], "needs --user"),
    ],
)
def test_usage_errors_exit_2_before_analysing(
    report_env: Path, run_cli: CliRunner, argv: list[str], fragment: str
) -> None:
    project = write_project(report_env / "proj")
    code, out, err = run_cli("analyze", project, *[arg.replace("{tmp}", str(report_env)) for arg in argv])
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and fragment in err
    assert not (report_env / "cache").exists()  # refused before any analysis


def test_bad_format_is_argparse_usage_error(report_env: Path, run_cli: CliRunner) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli("analyze", report_env, "--format", "xml")
    assert exited.value.code == 2


PROJECT_CONFIG = {
    "pyproject.toml": '[tool.ruff]\nline-length = 10\n[tool.ruff.lint]\nselect = ["ALL"]\nignore = ["F401"]\n'
    '[tool.bandit]\nskips = ["B602", "B307", "B404"]\n[tool.vulture]\nmin_confidence = 100\n'
    "[tool.radon]\ncc_min = 'F'\n[tool.complexipy]\nmax-complexity-allowed = 100\n",
    "ruff.toml": 'line-length = 10\n[lint]\nselect = ["ALL"]\nignore = ["F401"]\n',
    ".ruff.toml": '[lint]\nignore = ["F"]\n',
    ".bandit": "[bandit]\nskips = B602,B307,B404\n",
    "setup.cfg": "[flake8]\nmax-line-length = 10\n[radon]\ncc_min = F\n",
    "app/ruff.toml": '[lint]\nselect = ["E501"]\n',
}


def _reported(folder: Path, cache: Path) -> tuple[list, dict]:
    result = analyze_folder(folder, settings=patient_engine(cache), churn=False)
    assert not [error for error in result.errors if not error.startswith("deps")], result.errors
    findings = [(entry["path"], entry["findings"], entry["blocks"]) for entry in result.file_tree["files"]]
    keys = ("lint", "security", "dead_code", "cyclomatic", "docs", "dupes", "mi")
    return findings, {key: result.metrics[key] for key in keys}


def test_the_projects_own_tool_settings_change_nothing(tmp_path: Path) -> None:
    plain = write_project(tmp_path / "plain")
    configured = write_project(write_project(tmp_path / "configured"), PROJECT_CONFIG)
    expected = _reported(plain, tmp_path / "cache-a")
    assert any(f["code"] == "B602" for _, found, _ in expected[0] for f in found)
    assert _reported(configured, tmp_path / "cache-b") == expected
