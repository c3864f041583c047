"""`python -m vibe8_core serve` (what `make run` starts): the Streamlit app and its job runner in one
process, with the runner's life tied to the server's.

The runner starts before the server, so jobs queued with `submit` are worked off whether or not a
browser is open. Ctrl-C or SIGTERM stops the server (Streamlit's own handler); the runner is then
shut down before the interpreter tears its process pools down, handing any job in hand back to the
queue: no traceback, no failed job, nothing left "running" for the next start to wait out.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
from dataclasses import dataclass

from vibe8_core.config import PROJECT_ROOT, Settings
from vibe8_core.jobs import embedded
from vibe8_core.store import Database
from vibe8_core.store.migrate import require_current_schema

log = logging.getLogger(__name__)

APP_SCRIPT = PROJECT_ROOT / "app.py"


class ServeError(Exception):
    """The app cannot be served; the message is one sentence with the way out."""


@dataclass(frozen=True)
class ServeOptions:
    port: int = 8501
    address: str = ""  # empty: every interface, as `streamlit run` does


def check_port_free(options: ServeOptions) -> None:
    """Refuse a busy port up front, naming the fix (Streamlit alone would just say it is in use)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((options.address or "0.0.0.0", options.port))  # noqa: S104 - what Streamlit binds
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise ServeError(
                    f"Port {options.port} is already in use (is Vibe8 or another app running?); "
                    f"stop it, or choose another port: `make run PORT={options.port + 1}`."
                ) from None
            raise ServeError(f"Cannot listen on port {options.port}: {exc.strerror}.") from None


def _streamlit_args(options: ServeOptions) -> list[str]:
    args = ["run", str(APP_SCRIPT), "--server.port", str(options.port), "--server.headless", "true"]
    if options.address:
        args += ["--server.address", options.address]
    return args


def serve(settings: Settings, options: ServeOptions) -> int:
    """Serve the app until Ctrl-C / SIGTERM; the exit status."""
    check_port_free(options)
    db = Database(settings.database)
    try:
        require_current_schema(db)
        if settings.jobs.embedded_worker:
            embedded.ensure(db, settings)
        from streamlit.web import cli as streamlit_cli

        streamlit_cli.main(args=_streamlit_args(options), prog_name="streamlit", standalone_mode=False)
    finally:
        handed_back, busy = embedded.shutdown()
        if handed_back:
            log.warning("returned %d unfinished job(s) to the queue; the next start picks them up", handed_back)
        db.dispose()
    if busy:
        # A worker thread is still inside a tool, with its job already handed back (its writes are fenced
        # off): leave now, rather than let the interpreter's teardown shut its process pool under it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0
