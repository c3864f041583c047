"""New code only: a git repository built here, where one commit adds a finding (and moves others down)
and the next fixes one, compared with `analyze --baseline`, `--fail-on-new` and `diff`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import _commit, _git
from tests.reports.conftest import CliRunner, patient_engine
from vibe8_core.analysis import analyze_folder
from vibe8_core.config import DatabaseSettings
from vibe8_core.reports.baseline import compare_findings, complexity_changes
from vibe8_core.reports.fingerprints import findings_of
from vibe8_core.store import Database, NewRun

V1 = '''"""Tools."""
import subprocess


def run(command):
    """Run it."""
    return subprocess.call(command, shell=True)


def grade(x):
    """Grade."""
    if x > 1:
        return 1
    return 0
'''
# v2: two lines above everything (the old findings move down), and a branch with eval() in grade().
V2 = V1.replace('"""Tools."""\n', '"""Tools."""\n# Moved down by this comment\n# and this one.\n').replace(
    "    return 0\n", "    if x > 2:\n        return eval(str(x))\n    return 0\n"
)
# v3: the eval() is gone again.
V3 = V2.replace("eval(str(x))", "int(str(x))")


@pytest.fixture
def history(tmp_path: Path) -> list[Path]:
    """A git repository with three commits, each checked out into its own folder."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git("init", "--quiet", "--initial-branch=main", cwd=repo)
    shas = [_commit(repo, "tools.py", version) for version in (V1, V2, V3)]
    folders = []
    for index, sha in enumerate(shas):
        folder = tmp_path / f"v{index + 1}"
        folder.mkdir()
        archive = subprocess.run(["git", "archive", sha], cwd=repo, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        folders.append(folder)
    return folders


def _json_run(run_cli: CliRunner, folder: Path, target: Path) -> Path:
    code, _, err = run_cli("analyze", folder, "--no-churn", "--format", "json", "--output", target)
    assert code == 0, err
    return target


def test_baseline_marks_new_and_existing(report_env: Path, run_cli: CliRunner, history: list[Path]) -> None:
    v1, v2, v3 = history
    base = _json_run(run_cli, v1, report_env / "v1.json")

    code, out, err = run_cli("analyze", v2, "--no-churn", "--baseline", base, "--fail-on-new")
    assert code == 1
    assert "1 new finding(s) against the baseline" in out and "tools.py:17: B307 [bandit]" in out
    assert err.splitlines() == ["vibe8: gate failed: new findings: 1 finding(s) that the baseline does not have."]

    code, out, err = run_cli("analyze", v2, "--no-churn", "--format", "json", "--baseline", base)
    assert code == 0
    marked = json.loads(out)["baseline"]
    assert [(f["rule"], f["line"], f["text"]) for f in marked["new"]] == [("B307", 17, "return eval(str(x))")]
    assert marked["fixed"] == [] and marked["existing"] >= 3
    assert "1 new finding(s)" in err  # machine-readable report on stdout, the note for people on stderr

    sarif = report_env / "v2.sarif"
    assert run_cli("analyze", v2, "--no-churn", "--format", "sarif", "--output", sarif, "--baseline", base)[0] == 0
    states = {
        (result["ruleId"], result["baselineState"])
        for run in json.loads(sarif.read_text())["runs"]
        for result in run["results"]
    }
    assert ("B307", "new") in states and ("B602", "unchanged") in states and ("D103", "new") not in states

    code, out, _ = run_cli("analyze", v3, "--no-churn", "--baseline", _json_run(run_cli, v2, report_env / "v2.json"),
                           "--fail-on-new")  # fmt: skip
    assert code == 0 and "0 new finding(s) against the baseline (" in out and ", 1 fixed)" in out


def _store(db: Database, user_id, folder: Path, project: str):
    result = analyze_folder(folder, settings=patient_engine(folder.parent / "cache"), churn=False)
    with db.unit_of_work() as uow:
        run = uow.runs.create(user_id, NewRun("upload", result.metrics, result.file_tree, result.errors,
                                               project_name=project))  # fmt: skip
        uow.commit()
    return run.run_id


def test_diff_and_stored_baseline(db_env: Path, database_url: str, run_cli: CliRunner, history: list[Path]) -> None:
    v1, v2, _ = history
    db = Database(DatabaseSettings(url=database_url))
    try:
        with db.unit_of_work() as uow:
            user = uow.users.get_or_create_by_email("ada@example.com")
            uow.commit()
        first, second = _store(db, user.id, v1, "tools"), _store(db, user.id, v2, "tools")
    finally:
        db.dispose()

    code, out, _ = run_cli("diff", first, second, "--user", "ada@example.com")
    assert code == 0
    assert out.startswith("1 new, 0 fixed, ")
    assert "tools.py:17: B307 [bandit] " in out and "    | return eval(str(x))" in out
    assert "tools.py: function grade: 2 -> 3" in out

    code, out, _ = run_cli("diff", second, first, "--user", "ada@example.com", "--json")
    data = json.loads(out)
    assert [(f["path"], f["line"], f["rule"], f["text"]) for f in data["fixed"]] == [
        ("tools.py", 17, "B307", "return eval(str(x))")
    ]
    assert [(c["name"], c["before"], c["after"], c["change"]) for c in data["complexity"]] == [("grade", 3, 2, -1)]

    code, _, err = run_cli("analyze", v2, "--no-churn", "--baseline", first, "--user", "ada@example.com",
                           "--fail-on-new")  # fmt: skip
    assert code == 1 and "new findings: 1 finding(s)" in err
    assert run_cli("diff", first, second, "--user", "bob@example.com")[0] == 2  # not bob's runs
    code, _, err = run_cli("analyze", v2, "--baseline", first, "--user", "bob@example.com")
    assert code == 2 and len(err.splitlines()) == 1


def test_occurrences_keep_identical_lines_apart() -> None:
    """Two identical offending lines are two findings; removing the first one 'fixes' one of them."""
    finding = {"collector": "security", "code": "B307", "message": "eval", "severity": "medium",
               "text": "eval(x)", "column": 0}  # fmt: skip
    before = {"files": [{"path": "a.py", "findings": [{**finding, "line": 3}, {**finding, "line": 9}]}]}
    after = {"files": [{"path": "a.py", "findings": [{**finding, "line": 5}]}]}
    comparison = compare_findings(findings_of(before), findings_of(after))
    assert (len(comparison.new), len(comparison.existing), len(comparison.fixed)) == (0, 1, 1)
    tree = {"files": [{"path": "a.py", "blocks": [{"name": "f", "kind": "function", "complexity": 4}]}]}
    assert complexity_changes(tree, tree) == []
