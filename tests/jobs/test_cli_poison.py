"""The command line against hostile names: one refusal line, nothing a terminal would act on, and `retry`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.jobs.conftest import GOOD_PY, job_row
from tests.jobs.test_cli import _run
from vibe8_core.store import Database, NewRun
from vibe8_core.terminal import one_line, printable

NOT_UTF8 = os.fsdecode(b"caf\xe9")  # what argv holds for bytes that are not UTF-8


def test_printable_escapes_what_a_terminal_would_act_on() -> None:
    assert printable("\x1b[31mred\x07\u202egnp.py\udcff\n\tok é") == "\\x1b[31mred\\x07\\u202egnp.py\\udcff\n\tok é"
    assert printable("a\u200fb") == "a\\u200fb"  # a right-to-left mark reorders what follows


def test_one_line_keeps_a_quoted_value_on_its_line() -> None:
    assert one_line("evil\n  fake.py:1 OK\tx\x1b[2J") == "evil\\x0a  fake.py:1 OK\\x09x\\x1b[2J"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--github", "https://github.com/octo/demo", "--branch", NOT_UTF8], "The branch name is not valid UTF-8"),
        (["--file", "FILE", "--project", NOT_UTF8], "The project name is not valid UTF-8 text."),
        (["--file", "FILE", "--author-type", "ai", "--author-model", NOT_UTF8], "The model name is not valid UTF-8"),
    ],
)
def test_non_utf8_arguments_are_one_clear_refusal(cli_env: Path, capsys, argv: list[str], said: str) -> None:
    upload = cli_env / "ok.py"
    upload.write_bytes(GOOD_PY)
    argv = [str(upload) if item == "FILE" else item for item in argv]
    code, out, err = _run(capsys, "submit", "--user", "ada@example.com", *argv)
    assert code == 2 and out == "" and said in err and len(err.splitlines()) == 1


def test_show_and_analyze_print_hostile_names_escaped(cli_env: Path, capsys, db: Database) -> None:
    folder = cli_env / "proj"
    folder.mkdir()
    (folder / "\x1b]0;owned\x07evil.py").write_bytes(GOOD_PY)
    (folder / os.fsdecode(b"caf\xe9.py")).write_bytes(b"x = (\n")
    code, out, _ = _run(capsys, "analyze", str(folder), "--no-churn")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;owned\\x07evil.py" in out and "caf\\udce9.py" in out
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("ada@example.com")
        run = uow.runs.create(
            user.id, NewRun("upload", {"size": {}}, None, ["\x1b[2Jx.py: \x1b[31mboom"], upload_filename="\x1b[1m.py")
        )
        uow.commit()
    code, out, _ = _run(capsys, "show", str(run.run_id), "--user", "ada@example.com")
    assert code == 0 and "\x1b" not in out and "error: \\x1b[2Jx.py: \\x1b[31mboom" in out


def test_retry_queues_a_failed_job_again_for_its_owner_only(cli_env: Path, capsys, db: Database) -> None:
    upload = cli_env / "ok.py"
    upload.write_bytes(GOOD_PY)
    job_id = _run(capsys, "submit", "--user", "ada@example.com", "--file", str(upload))[1].strip()
    with db.unit_of_work() as uow:
        assert uow.jobs.claim_next("w") is not None and uow.jobs.mark_failed(job_id, "w", "It broke.")
        uow.commit()

    code, _, err = _run(capsys, "retry", job_id, "--user", "bob@example.com")
    assert code == 2 and "Not found" in err and job_row(db, job_id).status == "failed"
    code, out, _ = _run(capsys, "retry", job_id, "--user", "ada@example.com")
    assert code == 0 and out.strip() == job_id
    row = job_row(db, job_id)
    assert (row.status, row.attempts, row.error_message) == ("pending", 0, None)

    assert _run(capsys, "worker", "--drain")[0] == 0
    assert job_row(db, job_id).status == "completed"
    code, _, err = _run(capsys, "retry", job_id, "--user", "ada@example.com")
    assert code == 2 and err.strip() == "vibe8: Only a failed analysis can be retried; this one is completed."
