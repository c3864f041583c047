"""Names that are not UTF-8, from a tar upload or a git history, from upload to storage, on both databases."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import uuid
from pathlib import Path

from tests.engine.conftest import offline_settings
from tests.jobs.conftest import GOOD_PY, job_row
from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors.churn import git_env
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import Authorship, submit_upload
from vibe8_core.store import Database
from vibe8_core.store.storable import BAD_CHAR_MARKER, NUL_MARKER

NOT_UTF8 = os.fsdecode(b"caf\xe9.py")  # how Python names a file whose bytes are not UTF-8


def tar_with_raw_names(files: dict[bytes, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(os.fsdecode(b"proj/" + name))
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_a_tar_upload_with_hostile_names_completes_and_stores_markers(db: Database, settings) -> None:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(f"{uuid.uuid4().hex}@example.com")
        uow.commit()
    data = tar_with_raw_names(
        {
            b"caf\xe9.py": b"x = 1\n",
            b"good.py": GOOD_PY,
            b"bandit.py": b'password = "a\\x00b"\n',  # bandit's B105 message holds the decoded NUL
            b"utf7.py": b"# -*- coding: utf-7 -*-\nx = '+AAA-'\n",  # decodes to a NUL
        }
    )
    job_id = submit_upload(db, settings, user.id, "proj.tar.gz", data, Authorship())
    assert JobRunner(db, settings).drain() == 1
    job = job_row(db, job_id)
    assert job.status == "completed", job.error_message
    with db.unit_of_work() as uow:
        run = uow.runs.get(job.result_run_id, user.id, with_tree=True)
    paths = sorted(entry["path"] for entry in run.file_tree["files"])
    assert f"proj/caf{BAD_CHAR_MARKER}.py" in paths and "proj/good.py" in paths
    messages = [f["message"] for e in run.file_tree["files"] for f in e["findings"] if f["collector"] == "security"]
    assert any(NUL_MARKER in message for message in messages), messages


def test_churn_reads_a_history_with_names_that_are_not_utf8(tmp_path: Path) -> None:
    (tmp_path / NOT_UTF8).write_bytes(b"x = 1\n")
    (tmp_path / "good.py").write_bytes(GOOD_PY)
    for args in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "one"]):
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
            cwd=tmp_path, env=git_env(tmp_path), check=True, capture_output=True,
        )  # fmt: skip
    result = analyze_folder(tmp_path, settings=offline_settings(), churn=True)
    assert not [error for error in result.errors if error.startswith("churn")], result.errors
    entries = {entry["path"]: entry for entry in result.file_tree["files"]}
    assert entries[NOT_UTF8]["commits"] == 1 and entries["good.py"]["commits"] == 1
    assert result.metrics["churn"]["total_commits"] == 1
