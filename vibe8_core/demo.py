"""A one-click demo on real code that is available offline.

A few pure-Python packages installed next to Vibe8 are zipped in memory and submitted as human-written
projects; Vibe8's own packages are submitted as AI-written (model "claude"). Several projects per side
give the Human vs AI page enough runs for its statistics.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import uuid
import zipfile
from pathlib import Path

from vibe8_core.config import PROJECT_ROOT, Settings
from vibe8_core.jobs.submissions import HUMAN_AUTHOR, Authorship, SubmissionError, submit_upload
from vibe8_core.store import Database

log = logging.getLogger(__name__)

HUMAN_PACKAGES = ("requests", "flask", "click", "jinja2", "idna", "markupsafe", "itsdangerous")
AI_MODEL = "claude"
VIBE8_PARTS = ("store", "jobs", "sources", "collectors", "dashboard")  # each submitted as its own project


class DemoError(Exception):
    """The demo could not be queued; the message is one sentence for the user."""


def zip_python_sources(folder: Path, prefix: str) -> bytes:
    """The .py files under `folder` as a zip, stored under `prefix/`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            archive.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def installed_package_dir(name: str) -> Path | None:
    """Where an installed package's source lives, or None if it is not installed as a folder."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def demo_sources() -> list[tuple[str, bytes, Authorship]]:
    """(file name, zip bytes, authorship) for every demo project found on this machine."""
    sources = []
    for name in HUMAN_PACKAGES:
        folder = installed_package_dir(name)
        if folder is not None:
            who = Authorship(project_name=name, author_type="human", author_model=HUMAN_AUTHOR)
            sources.append((f"{name}.zip", zip_python_sources(folder, name), who))
    core = PROJECT_ROOT / "vibe8_core"
    for part in VIBE8_PARTS:
        if (core / part).is_dir():
            who = Authorship(project_name=f"vibe8-{part}", author_type="ai", author_model=AI_MODEL)
            sources.append((f"vibe8-{part}.zip", zip_python_sources(core / part, part), who))
    return sources


def submit_demo(db: Database, settings: Settings, user_id: uuid.UUID) -> list[str]:
    """Queue the demo analyses for `user_id`; returns the job ids."""
    sources = demo_sources()
    if not sources:
        raise DemoError("No demo code was found on this machine.")
    job_ids = []
    for filename, data, who in sources:
        try:
            job_ids.append(submit_upload(db, settings, user_id, filename, data, who))
        except SubmissionError as exc:
            log.warning("demo project %s refused: %s", filename, exc)
    if not job_ids:
        raise DemoError("The demo projects could not be queued.")
    return job_ids
