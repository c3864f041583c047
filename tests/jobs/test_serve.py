"""`serve` (what `make run` starts) in a real process: the queue is worked off with no browser open,
and Ctrl-C / SIGTERM end it with no traceback and no failed job."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.jobs.conftest import job_row, make_zip
from vibe8_core.config import PROJECT_ROOT
from vibe8_core.jobs.submissions import Authorship, submit_upload
from vibe8_core.store import Database

START_S = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(predicate, what: str, log: Path, limit_s: float = START_S) -> None:
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _big_project(files: int = 150) -> bytes:
    body = "".join(
        f"def f{n}(x):\n    if x > {n}:\n        return x - {n}\n    return x + {n}\n\n\n" for n in range(30)
    )
    return make_zip({f"pkg/mod_{index}.py": body.encode() for index in range(files)})


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_works_the_queue_from_the_start_and_stops_cleanly(
    db: Database, settings, database_url: str, tmp_path: Path, stop_signal: int
) -> None:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("ada@example.com")
        uow.commit()
    small = submit_upload(db, settings, user.id, "small.zip", make_zip({"a.py": b"x = 1\n"}), Authorship())
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AUTH0_", "VIBE8_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": database_url, "VIBE8_POLL_INTERVAL": "0.2", "VIBE8_HEARTBEAT_INTERVAL": "0.5",
                "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi", "VIBE8_PACKAGE_INDEX_TIMEOUT": "0.2",
                "VIBE8_CACHE_DIR": str(tmp_path / "cache"), "VIBE8_ANALYSIS_WORKERS": "2"})  # fmt: skip
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "vibe8_core", "serve", "--port", str(port), "--address", "127.0.0.1"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
        try:
            _wait_for(lambda: job_row(db, small).status == "completed", "the queued job's analysis", log)
            big = submit_upload(db, settings, user.id, "big.zip", _big_project(), Authorship())
            _wait_for(lambda: job_row(db, big).status != "pending", "the second claim", log)
            _wait_for(lambda: _healthy(f"http://127.0.0.1:{port}"), "the server's start", log)
            os.killpg(server.pid, stop_signal)  # Ctrl-C reaches the whole process group
            assert server.wait(timeout=60) == 0
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    text = log.read_text()
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-3000:]
    job = job_row(db, big)
    assert job.status in ("pending", "completed"), (job.status, job.error_message)
    assert job.claimed_by is None or job.status == "completed"
