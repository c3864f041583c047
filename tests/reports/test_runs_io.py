"""Export and import of one run: an exact round trip on SQLite and PostgreSQL, through the functions
and the command line, and one clear sentence for every malformed or oversized file."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.reports.conftest import CliRunner, patient_engine, write_project
from vibe8_core.analysis import AnalysisResult, analyze_folder
from vibe8_core.reports.runs_io import (
    RunFileError,
    export_run,
    import_run,
    parse_json_bytes,
    read_json_file,
)
from vibe8_core.store import Database, NewRun


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> AnalysisResult:
    root = tmp_path_factory.mktemp("runs-io")
    return analyze_folder(write_project(root / "proj"), settings=patient_engine(root / "cache"), churn=False)


def _stored(db: Database, analysed: AnalysisResult, email: str = "ada@example.com") -> tuple[Any, uuid.UUID]:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(email)
        run = uow.runs.create(
            user.id,
            NewRun(
                "github", analysed.metrics, analysed.file_tree, [*analysed.errors, "churn: no history"],
                project_name="proj", author_type="ai", author_model="claude", git_repo_url="https://github.com/o/r",
                git_branch="main", git_commit_sha="a" * 40,
            ),
        )  # fmt: skip
        uow.commit()
    return user, run.run_id


def _user(db: Database, email: str) -> Any:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(email)
        uow.commit()
    return user


def test_round_trip_is_exact(db: Database, analysed: AnalysisResult) -> None:
    ada, run_id = _stored(db, analysed)
    exported = json.loads(json.dumps(export_run(db, ada.id, run_id)))  # through JSON text, as a file is
    assert exported["run"]["file_tree"] == analysed.file_tree and "user_id" not in exported["run"]

    bob = _user(db, "bob@example.com")
    outcome = import_run(db, bob.id, exported)  # the id is ada's: bob's copy gets a new one
    assert not outcome.kept_id and outcome.run_id != run_id
    again = export_run(db, bob.id, outcome.run_id)
    assert {**again["run"], "run_id": str(run_id)} == exported["run"]

    with db.unit_of_work() as uow:  # into an empty history the run keeps its id and time
        uow.runs.delete(run_id, ada.id)
        uow.commit()
    kept = import_run(db, ada.id, exported)
    assert kept.kept_id and kept.run_id == run_id
    assert export_run(db, ada.id, run_id) == exported
    with db.unit_of_work() as uow:
        summary = {row.run_id: row.summary for row in uow.runs.summaries_for_user(ada.id)}[run_id]
    assert summary.errors == len(analysed.errors) + 1

    with pytest.raises(RunFileError, match="already in your history"):
        import_run(db, ada.id, exported)


def _document(**changes: Any) -> dict[str, Any]:
    run = {
        "run_id": str(uuid.uuid4()), "created_at": datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC).isoformat(),
        "submission_type": "upload", "upload_filename": "x.zip", "project_name": "p", "author_type": "human",
        "author_model": None, "git_repo_url": None, "git_branch": None, "git_commit_sha": None,
        "metrics": {key: {} for key in ("lint", "cyclomatic", "docs", "dead_code", "deps", "mi", "size", "dupes",
                                        "security", "churn")},
        "errors": [], "file_tree": {"version": 1, "files": [{"path": "a.py", "findings": [], "blocks": []}]},
    }  # fmt: skip
    document = {"format": "vibe8-run", "version": 1, "run": run}
    for key, value in changes.items():
        if key in ("format", "version", "run"):
            document[key] = value
        else:
            run[key] = value
    return document


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ([], "not a Vibe8 run export"),
        (_document(format="other"), "not a Vibe8 run export"),
        (_document(version=2), "version 2"),
        (_document(run=[]), "no run object"),
        (_document(run_id="nope"), "not a UUID"),
        (_document(submission_type="ftp"), "upload or github"),
        (_document(author_type="robot"), "human, ai or null"),
        (_document(metrics={"lint": {}}), "metrics must hold an object for each"),
        (_document(metrics={**_document()["run"]["metrics"], "authorship": []}), "object for authorship"),
        (_document(errors=[1]), "errors must be a list of text"),
        (_document(file_tree={"files": "x"}), "list of files"),
        (_document(file_tree={"files": [{"name": "a.py"}]}), "object with a path"),
        (_document(file_tree={"files": [{"path": "a.py", "findings": [1]}]}), "findings must be a list"),
        (_document(project_name=7), "project_name must be text"),
        (_document(created_at="yesterday"), "ISO 8601"),
        (_document(created_at="2026-01-02T03:04:05"), "time zone"),
        (_document(project_name="nul\x00here"), "NUL character or a lone surrogate"),
        (_document(errors=["\ud800"]), "NUL character or a lone surrogate"),
    ],
)
def test_malformed_documents_are_refused_and_nothing_is_stored(db: Database, document: Any, fragment: str) -> None:
    ada = _user(db, "ada@example.com")
    with pytest.raises(RunFileError, match=fragment) as refused:
        import_run(db, ada.id, document)
    assert "\n" not in str(refused.value)
    with db.unit_of_work() as uow:
        assert uow.runs.count_for_user(ada.id) == 0


def test_an_export_from_before_attribution_imports_without_an_authorship_section(db: Database) -> None:
    ada = _user(db, "ada@example.com")
    document = _document()
    outcome = import_run(db, ada.id, document)
    metrics = export_run(db, ada.id, outcome.run_id)["run"]["metrics"]
    assert "authorship" not in metrics and set(metrics) == set(document["run"]["metrics"])


@pytest.mark.parametrize(
    ("data", "fragment"),
    [(b"\xff\xfe", "not UTF-8"), (b"{", "not valid JSON"), (b"[NaN]", "not valid JSON"), (b"[" * 100_000, "JSON")],
)
def test_unreadable_files_are_refused(data: bytes, fragment: str) -> None:
    with pytest.raises(RunFileError, match=fragment):
        parse_json_bytes(data, "run.json")


def test_oversized_files_are_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048 + b"{}")
    with pytest.raises(RunFileError, match=r"big.json is 0.0 MB; the limit is 0 MB"):
        read_json_file(big, max_bytes=1024)


def test_cli_export_import(db_env: Path, db: Database, analysed: AnalysisResult, run_cli: CliRunner) -> None:
    ada, run_id = _stored(db, analysed)
    code, out, _ = run_cli("export", run_id, "--user", "ada@example.com")
    assert code == 0 and json.loads(out)["run"]["run_id"] == str(run_id)
    target = db_env / "run.json"
    assert run_cli("export", run_id, "--user", "ada@example.com", "--output", target)[0] == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(out)

    code, out, err = run_cli("import", target, "--user", "carol@example.com")
    assert code == 0 and "new one" in err
    copied = uuid.UUID(out.strip())
    code, again, _ = run_cli("export", copied, "--user", "carol@example.com")
    assert {**json.loads(again)["run"], "run_id": str(run_id)} == json.loads(target.read_text())["run"]

    assert run_cli("export", run_id, "--user", "bob@example.com")[0] == 2  # not bob's
    target.write_text('{"format": "vibe8-run", "version": 1}')
    code, out, err = run_cli("import", target, "--user", "ada@example.com")
    assert code == 2 and out == "" and err == "vibe8: the export holds no run object.\n"
