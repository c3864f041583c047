"""The owner-only matrix (issue: sign-in and owner-only access) through the repositories and the CLI.

Users A and B, a user not on the allowlist, and no user, against list, open, explore (file tree),
compare (previous run of a project), export (JSON rows), delete, job status and progress. B never
sees or changes anything of A's, and a refusal never tells B whether A's record exists.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.jobs.conftest import GOOD_PY
from vibe8_core.cli import main
from vibe8_core.store import AccessError, Database, NewRun


def _run(project: str) -> NewRun:
    return NewRun(
        submission_type="upload",
        metrics={"size": {"sloc": 1}},
        file_tree={"version": 1, "files": [{"path": "secret.py"}]},
        errors=[],
        upload_filename="a.py",
        project_name=project,
    )


@pytest.fixture
def two_users(db: Database):
    """A has two runs of one project and a running job; B has nothing of A's."""
    with db.unit_of_work() as uow:
        a = uow.users.get_or_create_by_email("a@example.com")
        b = uow.users.get_or_create_by_email("b@example.com")
        first = uow.runs.create(a.id, _run("shared-name"))
        second = uow.runs.create(a.id, _run("shared-name"))
        job_id = uow.jobs.create_pending(a.id, "upload", {"upload_filename": "a.py", "file_data": "eA=="})
        uow.jobs.claim_next("w")
        uow.jobs.heartbeat(job_id, "w", {"step": "lint", "files_done": 1, "files_total": 2})
        uow.commit()
    return a, b, first, second, job_id


def _refusal(call) -> str:
    with pytest.raises(AccessError) as excinfo:
        call()
    return excinfo.value.public_message


def test_repositories_keep_every_record_to_its_owner(db: Database, two_users) -> None:
    a, b, first, second, job_id = two_users
    missing_run, missing_job = uuid.uuid4(), "0" * 32
    with db.unit_of_work() as uow:
        assert uow.runs.list_for_user(b.id) == [] and uow.runs.count_for_user(b.id) == 0
        assert uow.runs.distinct_values(b.id, "project_name") == []
        assert uow.jobs.list_for_user(b.id) == []
        refusals = {
            _refusal(lambda: uow.runs.get(second.run_id, b.id)),
            _refusal(lambda: uow.runs.get(second.run_id, b.id, with_tree=True)),
            _refusal(lambda: uow.runs.get(missing_run, b.id)),
            _refusal(lambda: uow.runs.delete(second.run_id, b.id)),
            _refusal(lambda: uow.runs.delete(missing_run, b.id)),
            _refusal(lambda: uow.jobs.get_for_owner(job_id, b.id)),
            _refusal(lambda: uow.jobs.get_for_owner(missing_job, b.id)),
            _refusal(lambda: uow.jobs.delete_for_owner(job_id, b.id)),
        }
        assert refusals == {AccessError.public_message}
        # B's own run of a project with the same name never compares against A's.
        own = uow.runs.create(b.id, _run("shared-name"))
        assert uow.runs.previous_in_project(own) is None
        uow.commit()
    with db.unit_of_work() as uow:  # and nothing of A's changed
        assert uow.runs.count_for_user(a.id) == 2
        job = uow.jobs.get_for_owner(job_id, a.id)
        assert job.status == "running" and job.progress["files_done"] == 1
        assert uow.runs.previous_in_project(uow.runs.get(second.run_id, a.id)).run_id == first.run_id


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, database_url: str, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VIBE8_ALLOWED_EMAILS", "a@example.com,b@example.com")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_command_line_keeps_every_record_to_its_owner(two_users, cli, tmp_path) -> None:
    a, b, first, second, job_id = two_users
    assert json.loads(cli("runs", "--user", "b@example.com", "--json")[1]) == []
    assert json.loads(cli("jobs", "--user", "b@example.com", "--json")[1]) == []
    foreign = [
        cli("show", str(second.run_id), "--user", "b@example.com"),
        cli("show", str(second.run_id), "--user", "b@example.com", "--json"),
        cli("delete", str(second.run_id), "--user", "b@example.com"),
    ]
    missing = cli("show", str(uuid.uuid4()), "--user", "b@example.com")
    assert {(code, out, err) for code, out, err in foreign} == {missing}
    assert missing[0] == 2 and missing[1] == ""

    # A user not on the allowlist gets nothing at all, not even an empty list.
    outsider = [
        cli("runs", "--user", "eve@evil.example"),
        cli("jobs", "--user", "eve@evil.example"),
        cli("show", str(second.run_id), "--user", "eve@evil.example"),
        cli("delete", str(second.run_id), "--user", "eve@evil.example"),
    ]
    assert all(code == 2 and out == "" and "allowlist" in err for code, out, err in outsider)
    upload = tmp_path / "x.py"
    upload.write_bytes(GOOD_PY)
    assert cli("submit", "--user", "eve@evil.example", "--file", str(upload))[0] == 2

    # No user: the command line does not run without one.
    with pytest.raises(SystemExit) as excinfo:
        main(["runs"])
    assert excinfo.value.code == 2

    code, out, _ = cli("runs", "--user", "a@example.com", "--json")
    assert code == 0 and {row["run_id"] for row in json.loads(out)} == {str(first.run_id), str(second.run_id)}
