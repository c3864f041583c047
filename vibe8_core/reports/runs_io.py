"""One run as a JSON document, and back: `export RUN_ID` / `import FILE` and the History page.

The document holds the run's header (id, time, source, authorship), metrics, file tree and errors,
never its owner: whoever imports it owns the copy. An import keeps the run's id when it is free (so a
run moved between databases keeps its links), gives it a new id when another user holds that id,
and refuses a second import of the same run by the same user. Files from strangers are checked
before anything is stored: size first, then JSON, then every field, then text that PostgreSQL cannot
store (NUL characters, lone surrogates), each refusal one sentence.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vibe8_core.collectors import registry
from vibe8_core.store import Database, ForbiddenError, NewRun, NotFoundError, RunRecord

EXPORT_FORMAT = "vibe8-run"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 256 * 2**20
HEADER_TEXT_FIELDS = (
    "upload_filename", "project_name", "author_model", "git_repo_url", "git_branch", "git_commit_sha",
)  # fmt: skip
SUBMISSION_TYPES = ("upload", "github")
AUTHOR_TYPES = ("human", "ai")


class RunFileError(ValueError):
    """A run document that cannot be read or imported; the message is one sentence."""


@dataclass(frozen=True)
class ImportOutcome:
    run_id: uuid.UUID
    kept_id: bool  # False: the exported id belonged to another user's run, so the copy has a new one


def run_document(run: RunRecord) -> dict[str, Any]:
    """The export of one run (with its file tree): everything but its owner."""
    data = run.to_dict()
    data.pop("user_id", None)
    data.setdefault("file_tree", run.file_tree)
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "run": data}


def export_run(db: Database, user_id: uuid.UUID, run_id: uuid.UUID) -> dict[str, Any]:
    with db.unit_of_work() as uow:
        return run_document(uow.runs.get(run_id, user_id, with_tree=True))


def dumps_document(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def read_json_file(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> Any:
    """The JSON in `path`, refusing a file that is missing, too big, not UTF-8 or not JSON."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RunFileError(f"{path.name} is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB.")
        return parse_json_bytes(path.read_bytes(), path.name, max_bytes)
    except OSError as exc:
        raise RunFileError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None


def parse_json_bytes(data: bytes, name: str, max_bytes: int = MAX_IMPORT_BYTES) -> Any:
    if len(data) > max_bytes:
        raise RunFileError(f"{name} is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB.")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise RunFileError(f"{name} is not UTF-8 text.") from None
    except (ValueError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise RunFileError(f"{name} is not valid JSON ({reason}).") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unstorable(value: Any) -> bool:
    """True if any string (key or value) holds a NUL or a lone surrogate, which PostgreSQL refuses."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _text_or_none(run: Mapping[str, Any], key: str) -> str | None:
    value = run.get(key)
    if value is not None and not isinstance(value, str):
        raise RunFileError(f"the run's {key} must be text or null.")
    return value


def _created_at(raw: Any) -> datetime:
    try:
        when = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise RunFileError("the run's created_at must be an ISO 8601 time with a time zone.")
    return when


def _check_tree(tree: Any) -> None:
    if tree is None:
        return
    files = tree.get("files") if isinstance(tree, dict) else None
    if not isinstance(files, list):
        raise RunFileError("the run's file_tree must be an object with a list of files.")
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise RunFileError("every file of the run's file_tree must be an object with a path.")
        for key in ("findings", "blocks"):
            items = entry.get(key, [])
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise RunFileError(f"{entry['path']}: its {key} must be a list of objects.")


def new_run_from_document(document: Any) -> NewRun:
    """The run a document describes, checked field by field (RunFileError on the first problem)."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise RunFileError('this is not a Vibe8 run export (no "format": "vibe8-run").')
    if document.get("version") != EXPORT_VERSION:
        raise RunFileError(f"this run export is version {document.get('version')!r}; this Vibe8 reads version 1.")
    run = document.get("run")
    if not isinstance(run, dict):
        raise RunFileError("the export holds no run object.")
    try:
        run_id = uuid.UUID(str(run.get("run_id")))
    except ValueError:
        raise RunFileError("the run's run_id is not a UUID.") from None
    if run.get("submission_type") not in SUBMISSION_TYPES:
        raise RunFileError("the run's submission_type must be upload or github.")
    if run.get("author_type") not in (*AUTHOR_TYPES, None):
        raise RunFileError("the run's author_type must be human, ai or null.")
    metrics, errors = run.get("metrics"), run.get("errors")
    sections = [spec.name for spec in registry.specs() if not spec.optional_section]  # the seed's ten
    if not isinstance(metrics, dict) or not all(isinstance(metrics.get(key), dict) for key in sections):
        raise RunFileError(f"the run's metrics must hold an object for each of {', '.join(sections)}.")
    present = [spec.name for spec in registry.specs() if spec.optional_section and spec.name in metrics]
    if not all(isinstance(metrics[key], dict) for key in present):
        raise RunFileError(f"the run's metrics must hold an object for {', '.join(present)} when it names them.")
    if not isinstance(errors, list) or not all(isinstance(error, str) for error in errors):
        raise RunFileError("the run's errors must be a list of text.")
    _check_tree(run.get("file_tree"))
    if _unstorable(run):
        raise RunFileError("the run holds a NUL character or a lone surrogate, which the database cannot store.")
    texts: dict[str, Any] = {key: _text_or_none(run, key) for key in HEADER_TEXT_FIELDS}
    return NewRun(
        submission_type=run["submission_type"], metrics=metrics, file_tree=run.get("file_tree"), errors=errors,
        author_type=run.get("author_type"), run_id=run_id, created_at=_created_at(run.get("created_at")), **texts,
    )  # fmt: skip


def import_run(db: Database, user_id: uuid.UUID, document: Any) -> ImportOutcome:
    """Store the document's run as `user_id`'s; RunFileError if malformed or already imported."""
    new = new_run_from_document(document)
    exported_id = new.run_id or uuid.uuid4()  # a checked document always names its run
    kept = True
    with db.unit_of_work() as uow:
        try:
            uow.runs.get(exported_id, user_id)
        except NotFoundError:
            pass
        except ForbiddenError:
            kept = False
        else:
            raise RunFileError(f"this run is already in your history (run {exported_id}).")
        if not kept:
            new = dataclasses.replace(new, run_id=uuid.uuid4())
        stored = uow.runs.create(user_id, new)
        uow.commit()
    return ImportOutcome(stored.run_id, kept)
