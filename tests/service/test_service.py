"""The service layer: the use cases the CLI and the pages share, on SQLite and PostgreSQL, refusing only
with the project's own exceptions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.jobs.conftest import GOOD_PY
from tests.pages.conftest import make_run
from vibe8_core.config import PROJECT_ROOT, load_settings
from vibe8_core.jobs.submissions import Authorship, SubmissionError
from vibe8_core.service import REFUSALS, Service, user_message
from vibe8_core.store import AccessError, Database, DatabaseFailedError, NotFoundError
from vibe8_core.store.jobs import JobRepository


@pytest.fixture
def service(db: Database, database_url: str) -> Service:
    settings = load_settings({"DATABASE_URL": database_url, "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi"})
    return Service(db, settings)


def test_submit_list_forget_a_job_and_only_the_owner_sees_it(service: Service, tmp_path: Path) -> None:
    ada, bob = service.users.ensure("Ada@Example.com"), service.users.ensure("bob@example.com")
    upload = tmp_path / "calc.py"
    upload.write_bytes(GOOD_PY)
    job_id = service.submissions.file(ada.id, upload, Authorship(project_name="calc"))
    assert [job.job_id for job in service.jobs.for_user(ada.id)] == [job_id]
    assert service.jobs.get(ada.id, job_id).project_name == "calc"
    assert service.jobs.for_user(bob.id) == []
    with pytest.raises(AccessError):
        service.jobs.get(bob.id, job_id)
    assert service.jobs.forget(bob.id, [job_id]) == 0, "someone else's job is skipped, not deleted"
    assert service.jobs.forget(ada.id, [job_id, job_id]) == 1, "forgetting twice (two tabs) is no error"
    assert service.jobs.for_user(ada.id) == []


def test_refusals_are_the_projects_own_exceptions_in_one_sentence(service: Service, tmp_path: Path) -> None:
    ada = service.users.ensure("ada@example.com")
    with pytest.raises(SubmissionError, match="no such file"):
        service.submissions.file(ada.id, tmp_path / "missing.py", Authorship())
    with pytest.raises(SubmissionError):
        service.submissions.github(ada.id, "https://evil.example/o/r", "main", Authorship())
    with pytest.raises(NotFoundError):
        service.users.existing("nobody@example.com")
    assert service.users.by_email("nobody@example.com", create=False) is None, "a read creates nobody"
    for malformed in ("not-a-uuid", None, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFoundError) as refused:
            service.runs.open(ada.id, malformed)
        assert user_message(refused.value) == AccessError.public_message
    assert all(issubclass(kind, Exception) and kind.__module__.startswith("vibe8_core") for kind in REFUSALS)


def test_open_with_previous_and_delete_are_owner_only(service: Service, db: Database) -> None:
    ada, bob = service.users.ensure("ada@example.com"), service.users.ensure("bob@example.com")
    with db.unit_of_work() as uow:
        first = uow.runs.create(ada.id, make_run("shop", seed=1))
        second = uow.runs.create(ada.id, make_run("shop", seed=2))
        uow.commit()
    run, previous = service.runs.open_with_previous(ada.id, str(second.run_id))
    assert run.run_id == second.run_id and previous is not None and previous.run_id == first.run_id
    assert service.runs.open(ada.id, first.run_id, with_tree=True).file_tree
    assert service.runs.stamp(ada.id).count == 2 and len(service.runs.summaries(ada.id)) == 2
    assert [h.run_id for h in service.runs.headers(ada.id)] == [second.run_id, first.run_id]
    with pytest.raises(AccessError):
        service.runs.delete(bob.id, second.run_id)
    service.runs.delete(ada.id, str(second.run_id))
    assert [r.run_id for r in service.runs.for_user(ada.id)] == [first.run_id]
    assert service.runs.stamp(ada.id).newest == str(first.run_id)


def test_a_database_failure_crosses_the_service_as_database_failed_error(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = service.users.ensure("ada@example.com")

    def closed(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT ...", {}, Exception("server closed the connection unexpectedly\nmore"))

    monkeypatch.setattr(JobRepository, "list_for_user", closed)
    with pytest.raises(DatabaseFailedError) as failed:
        service.jobs.for_user(ada.id)
    assert failed.value.reason == "server closed the connection unexpectedly"
    assert str(failed.value) == "The database failed: server closed the connection unexpectedly"
    assert isinstance(failed.value, REFUSALS)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_service_knows_neither_streamlit_nor_sqlalchemy_and_pages_catch_no_driver_errors() -> None:
    for path in sorted((PROJECT_ROOT / "vibe8_core" / "service").glob("*.py")):
        assert not {n for n in _imports(path) if n.split(".")[0] in ("streamlit", "sqlalchemy")}, path
    for path in [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "pages").glob("*.py"))]:
        assert not {n for n in _imports(path) if n.startswith("sqlalchemy")}, path
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, vibe8_core.service; print('streamlit' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    assert loaded.stdout.strip() == "False"
