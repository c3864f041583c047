"""Every stored field takes any string on both databases: generated hostile strings, seeded.

A seeded generator (no extra dependency) mixes NUL, lone surrogates (what `surrogateescape` makes of a
file name that is not UTF-8), control and bidi characters, Markdown, HTML, astral characters and
non-finite numbers; each round goes into every String and JSON column of a run, a job and a user, and
comes back as `storable()` of what went in.
"""

from __future__ import annotations

import math
import random
import uuid

import pytest

from vibe8_core.store import Database, NewRun
from vibe8_core.store.storable import BAD_CHAR_MARKER, NUL_MARKER, is_storable_text, storable, storable_text

PIECES = (
    "\x00", "\ud800", "\udcff", "\udc80", "\x1b[31m", "\u202e", "\x7f", "\x85", "\ufeff", "é", "😀", "\U0010ffff",
    "[x](https:evil.example)", "![](https:evil.example/p.png)", '<a href="https://evil.example">x</a>', ":red[x]",
    "$x$", "\\", "'", '"', "\n", "\t", "a", "path/to/", ".py", " ",
)  # fmt: skip


def hostile(rng: random.Random, length: int = 6) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, length)))


def test_storable_text_replaces_only_what_cannot_be_stored() -> None:
    assert storable_text("a\x00b\udcffc😀") == f"a{NUL_MARKER}b{BAD_CHAR_MARKER}c😀"
    assert storable_text("plain [x](y) <b>") == "plain [x](y) <b>"
    assert storable({"k\x00": [1.5, math.nan, math.inf, "\ud800"], "n": None}) == {
        f"k{NUL_MARKER}": [1.5, None, None, BAD_CHAR_MARKER],
        "n": None,
    }
    clean = {"a": [1, "b"]}
    assert storable(clean) is clean  # the common case is not copied


def _hostile_run(rng: random.Random) -> NewRun:
    text = lambda: hostile(rng)  # noqa: E731 - a fresh string per field
    path = text()
    return NewRun(
        submission_type="upload",
        metrics={"lint": {"total": 1, "by_rule": {text(): 1}}, "deps": {"package_health": [{"name": text()}]},
                 "dupes": {"ratio": math.nan}},
        file_tree={"version": 1, "files": [{"path": path, "parse_error": text(),
                                            "findings": [{"message": text(), "text": text()}]}]},
        errors=[text(), f"{path}: {text()}"],
        upload_filename=text(), project_name=text(), author_type=text(), author_model=text(),
        git_repo_url=text(), git_branch=text(), git_commit_sha=text(),
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(8))
def test_every_stored_field_takes_hostile_strings(db: Database, seed: int) -> None:
    rng = random.Random(seed)
    email = f"{hostile(rng)}@example.com"
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(email)
        uow.users.link_auth0_sub(user.id, hostile(rng))
        new = _hostile_run(rng)
        run = uow.runs.create(user.id, new)
        metadata = {"upload_filename": hostile(rng), "project_name": hostile(rng), "file_data": "eA=="}
        job_id = uow.jobs.create_pending(user.id, "upload", metadata)
        worker = hostile(rng)
        claimed = uow.jobs.claim_next(worker)
        assert claimed is not None and claimed.job_id == job_id
        assert uow.jobs.heartbeat(job_id, worker, {"step": hostile(rng), "file": hostile(rng)})
        message = hostile(rng, 20)
        assert uow.jobs.mark_failed(job_id, worker, message)
        uow.commit()
    with db.unit_of_work() as uow:
        stored = uow.runs.get(run.run_id, user.id, with_tree=True)
        job = uow.jobs.get_for_owner(job_id, user.id)
        again = uow.users.find_by_email(email)
    assert again is not None and again.id == user.id
    assert stored.metrics == storable(new.metrics)
    assert stored.file_tree == storable(new.file_tree)
    assert stored.errors == storable(new.errors)
    for name in ("upload_filename", "project_name", "author_model", "git_branch", "git_repo_url"):
        assert getattr(stored, name) == storable_text(getattr(new, name))
    assert job.status == "failed" and job.error_message == storable_text(message)[:2000]
    assert job.project_name == storable_text(metadata["project_name"])
    for value in (stored.project_name, job.error_message, *stored.errors):
        assert value is not None and is_storable_text(value)
    with db.unit_of_work() as uow:  # filters compare through the same boundary
        assert uow.runs.distinct_values(user.id, "project_name") == [stored.project_name]
    assert uuid.UUID(str(run.run_id))
