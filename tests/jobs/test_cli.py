"""The command line: the same operations as the app, one clear line for every refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.jobs.conftest import GOOD_PY, make_zip
from vibe8_core.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_submit_work_list_show_delete(cli_env: Path, capsys) -> None:
    upload = cli_env / "proj.zip"
    upload.write_bytes(make_zip({"proj/a.py": GOOD_PY}))
    code, out, _ = _run(capsys, "submit", "--user", "Ada@Example.com", "--file", str(upload), "--project", "P")
    assert code == 0
    job_id = out.strip().splitlines()[-1]

    code, out, _ = _run(capsys, "jobs", "--user", "ada@example.com", "--json")
    assert code == 0 and [j["job_id"] for j in json.loads(out)] == [job_id]

    assert _run(capsys, "worker", "--drain")[0] == 0
    code, out, _ = _run(capsys, "jobs", "--user", "ada@example.com", "--json")
    (job,) = json.loads(out)
    assert job["status"] == "completed" and job["result_run_id"]

    code, out, _ = _run(capsys, "runs", "--user", "ada@example.com", "--json")
    (run,) = json.loads(out)
    assert run["run_id"] == job["result_run_id"] and run["project_name"] == "P"
    assert set(run["metrics"]) >= {"lint", "cyclomatic", "size", "churn"} and isinstance(run["errors"], list)

    code, out, _ = _run(capsys, "show", run["run_id"], "--user", "ada@example.com", "--json")
    assert code == 0 and json.loads(out)["file_tree"]["files"][0]["path"] == "proj/a.py"

    # Another user sees nothing and learns nothing.
    code, _, err_other = _run(capsys, "show", run["run_id"], "--user", "bob@example.com")
    code_missing, _, err_missing = _run(
        capsys, "show", "00000000-0000-0000-0000-000000000000", "--user", "ada@example.com"
    )
    assert code == code_missing == 2 and err_other == err_missing and len(err_other.splitlines()) == 1
    assert _run(capsys, "delete", run["run_id"], "--user", "bob@example.com")[0] == 2
    assert json.loads(_run(capsys, "runs", "--user", "bob@example.com", "--json")[1]) == []

    assert _run(capsys, "delete", run["run_id"], "--user", "ada@example.com")[0] == 0
    assert json.loads(_run(capsys, "runs", "--user", "ada@example.com", "--json")[1]) == []


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["submit", "--user", "a@example.com", "--github", "https://evil.com/o/r", "--branch", "main"],
            "github",
        ),
        (
            ["submit", "--user", "a@example.com", "--github", "https://github.com/o/r", "--branch=-x"],
            "branch",
        ),
        (["submit", "--user", "a@example.com", "--file", "/nonexistent/x.py"], "no such file"),
        (["submit", "--user", "a@example.com", "--file", "{tmp}/empty.py"], "empty"),
        (["submit", "--user", "not-an-email", "--file", "{tmp}/ok.py"], "email"),
        (["submit", "--user", "a@example.com", "--file", "{tmp}/ok.py", "--author-type", "ai"], "model"),
        (["analyze", "/nonexistent"], "no such file"),
        (["analyze", "{tmp}/nopy"], "python"),
        (["show", "not-a-uuid", "--user", "a@example.com"], "not found"),
    ],
)
def test_refusals_are_one_clear_line(cli_env: Path, capsys, argv: list[str], fragment: str) -> None:
    (cli_env / "empty.py").write_bytes(b"")
    (cli_env / "ok.py").write_bytes(GOOD_PY)
    (cli_env / "nopy").mkdir()
    (cli_env / "nopy" / "notes.txt").write_text("hello")
    code, out, err = _run(capsys, *[a.replace("{tmp}", str(cli_env)) for a in argv])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err.lower(), err
    assert "Traceback" not in err


def test_the_allowlist_applies_to_the_command_line(cli_env: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("VIBE8_ALLOWED_EMAILS", "@example.com")
    (cli_env / "ok.py").write_bytes(GOOD_PY)
    assert _run(capsys, "submit", "--user", "a@example.com", "--file", str(cli_env / "ok.py"))[0] == 0
    code, _, err = _run(capsys, "submit", "--user", "eve@evil.com", "--file", str(cli_env / "ok.py"))
    assert code == 2 and "allowlist" in err


def test_an_unreachable_or_malformed_database_is_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    code, _, err = _run(capsys, "runs", "--user", "a@example.com")
    assert code == 2 and "Cannot reach the database" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("DATABASE_URL", "not a url at all")
    code, _, err = _run(capsys, "migrate")
    assert code == 2 and "DATABASE_URL is malformed" in err


def test_a_database_failure_mid_command_is_one_line(cli_env: Path, capsys, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from vibe8_core.store.runs import RunRepository

    def fail(*args, **kwargs):
        raise OperationalError("SELECT ...", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(RunRepository, "list_for_user", fail)
    assert _run(capsys, "submit", "--user", "a@example.com", "--file", str(_ok_file(cli_env)))[0] == 0
    code, out, err = _run(capsys, "runs", "--user", "a@example.com")
    assert (
        code == 2
        and out == ""
        and err.strip() == ("vibe8: the database failed during the command: server closed the connection unexpectedly")
    )


def _ok_file(folder: Path) -> Path:
    path = folder / "ok.py"
    path.write_bytes(GOOD_PY)
    return path


def test_migrate_stores_the_summaries_runs_lack(cli_env: Path, capsys, db) -> None:
    from sqlalchemy import null, select, update

    from vibe8_core.run_summary import summarize_run
    from vibe8_core.store import NewRun
    from vibe8_core.store.models import AnalysisRun

    metrics = {"lint": {"total": 3, "linting_score": 80.0}, "size": {"files": 1, "sloc": 100}}
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("ada@example.com")
        run = uow.runs.create(user.id, NewRun(submission_type="upload", metrics=metrics, file_tree=None, errors=[]))
        uow.session.execute(update(AnalysisRun).values(summary=null()))  # as after upgrading to 0003
        uow.commit()
    code, out, _ = _run(capsys, "migrate")
    up_to_date = "The database schema is already up to date (revision "
    assert code == 0 and out.startswith(up_to_date)
    assert out.splitlines()[1] == "Re-scored 1 run(s) with today's formulas."
    with db.unit_of_work() as uow:
        stored = uow.session.scalar(select(AnalysisRun.summary).where(AnalysisRun.run_id == run.run_id))
    assert stored == summarize_run(metrics, []).to_json()
    again = _run(capsys, "migrate")[1].splitlines()
    assert len(again) == 1 and again[0].startswith(up_to_date)


def test_migrate_says_it_created_the_schema_on_an_empty_database(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    code, out, _ = _run(capsys, "migrate")
    assert code == 0 and out.startswith("Created the database schema (revision ")
    assert "up to date" in _run(capsys, "migrate")[1]


def test_a_closed_pipe_ends_a_listing_quietly(cli_env: Path) -> None:
    """`jobs | head -1`: the reader leaves early; no BrokenPipe traceback, exit status 0."""
    import subprocess
    import sys

    upload = cli_env / "proj.py"
    upload.write_bytes(GOOD_PY)
    for _ in range(3):
        assert main(["submit", "--user", "ada@example.com", "--file", str(upload)]) == 0
    command = [sys.executable, "-m", "vibe8_core", "jobs", "--user", "ada@example.com"]
    lister = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert lister.stdout is not None
    lister.stdout.close()  # as `head` does once it has its line
    _, err = lister.communicate(timeout=60)
    assert lister.returncode == 0, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_serve_on_a_busy_port_says_how_to_choose_another(cli_env: Path, capsys) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = _run(capsys, "serve", "--port", str(port))
    assert code == 2
    assert f"Port {port} is already in use" in err and f"make run PORT={port + 1}" in err


def test_every_command_module_registers_its_commands() -> None:
    """Commands are found by module, so a helper adding one touches no shared file; none may go missing."""
    from vibe8_core.cli.main import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) >= {
        "migrate",
        "analyze",
        "submit",
        "worker",
        "jobs",
        "runs",
        "show",
        "delete",
        "demo",
        "serve",
    }


def test_the_command_line_starts_without_pandas() -> None:
    """pandas costs a third of a second to import; only the research export needs it (start-up of every command,
    and of every `analyze` in CI, pays for what the command line imports)."""
    probe = (
        "import sys, importlib\n"
        "importlib.import_module('vibe8_core.cli.main').build_parser()\n"
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
