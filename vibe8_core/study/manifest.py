"""Batch submission from a CSV manifest: validate every row, then queue the accepted ones together.

Columns: `source` (a GitHub URL, or the name of an archive / .py file: a path next to the manifest on
the command line, an uploaded file's name on the Analyze page), `branch` (GitHub rows), `project`,
`author_type` (human | ai), `author_model`, and optionally `study`. Every row gets one outcome with one
reason: queued, reused (the same source - same repository, branch and commit, or the same file bytes -
already has a run in the same study, or a job waiting for it), or refused. Nothing is queued until
every row has been checked, and the accepted rows are queued in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vibe8_core.config import Settings
from vibe8_core.jobs.submissions import (
    Authorship,
    SubmissionError,
    check_authorship,
    clean_text,
    job_metadata,
    upload_source,
)
from vibe8_core.sources import SourceError, normalize_github_url, validate_branch, validate_upload
from vibe8_core.sources.remote import resolve_branch_head
from vibe8_core.store import Database

COLUMNS = ("source", "branch", "project", "author_type", "author_model", "study")
REQUIRED = ("source", "project", "author_type", "author_model")
MAX_ROWS = 1000
MAX_MANIFEST_BYTES = 1 << 20
Status = Literal["queued", "reused", "refused"]
ArchiveReader = Callable[[str], bytes | None]  # a source name -> its bytes, or None if there is no such file


class ManifestError(ValueError):
    """The manifest as a whole cannot be read; one sentence for the user."""


@dataclass(frozen=True)
class ManifestRow:
    line: int
    source: str
    branch: str
    project: str
    author_type: str
    author_model: str
    study: str


@dataclass(frozen=True)
class RowOutcome:
    line: int
    source: str
    project: str
    status: Status
    reason: str
    study: str | None = None
    job_id: str | None = None
    run_id: uuid.UUID | None = None


@dataclass(frozen=True)
class BatchReport:
    outcomes: tuple[RowOutcome, ...]

    @property
    def accepted(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status != "refused"]

    @property
    def refused(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def studies(self) -> list[str]:
        return sorted({o.study for o in self.accepted if o.study})

    def lines(self) -> list[str]:
        """One line per row: `line N  STATUS  source  reason`."""
        return [f"line {o.line}  {o.status:<7}  {o.source}  {o.reason}" for o in self.outcomes]


def parse_manifest(data: bytes) -> list[ManifestRow]:
    """The manifest's rows (header required, extra columns refused); ManifestError if unreadable."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError("The manifest is larger than 1 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ManifestError("The manifest is not UTF-8 text.") from None
    if "\x00" in text:
        raise ManifestError("The manifest contains a NUL byte; save it as plain CSV.")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED + ("branch",) if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown:
        problem = f"lacks the column(s) {', '.join(missing)}" if missing else f"has unknown column(s) {unknown}"
        raise ManifestError(f"The manifest {problem}; its header must be {','.join(COLUMNS)} (study optional).")
    reader.fieldnames = header
    rows: list[ManifestRow] = []
    for record in reader:
        if len(rows) == MAX_ROWS:
            raise ManifestError(f"The manifest has more than {MAX_ROWS} rows; split it into several.")
        values = {name: (record.get(name) or "").strip() for name in COLUMNS}
        if any(values.values()):
            rows.append(ManifestRow(line=reader.line_num, **values))
    if not rows:
        raise ManifestError("The manifest has no rows.")
    return rows


def names_repository(source: str) -> bool:
    """Whether a manifest's `source` is a repository address (else it names an archive or .py file)."""
    return source.lower().startswith(("https://", "http://", "github.com/"))


@dataclass(frozen=True)
class ManifestPreview:
    """What a manifest asks for, before anything is checked against GitHub or queued: how many rows name
    a repository or a file, and which named files are not among the uploads (yet)."""

    rows: int
    repositories: int
    files: int
    missing: tuple[str, ...]

    def describe(self) -> str:
        uploaded = self.files - len(self.missing)
        return (f"The manifest has {self.rows} row(s): {self.repositories} repository row(s) and {self.files} file "
                f"row(s); {uploaded} of {self.files} files it names are uploaded.")  # fmt: skip


def preview_manifest(data: bytes, has_file: Callable[[str], bool]) -> ManifestPreview:
    """The manifest's rows counted by kind, and the file names `has_file` does not know (ManifestError if
    the manifest cannot be read)."""
    rows = parse_manifest(data)
    files = [row.source for row in rows if not names_repository(row.source)]
    missing = tuple(dict.fromkeys(name for name in files if not has_file(name)))
    return ManifestPreview(len(rows), len(rows) - len(files), len(files), missing)


@dataclass(frozen=True)
class _Checked:
    """A row that passed validation: what to queue and the key that makes a resubmission a reuse."""

    row: ManifestRow
    kind: str
    metadata: dict[str, str | None]
    key: tuple[str, ...]


def _check_row(row: ManifestRow, settings: Settings, read_archive: ArchiveReader) -> _Checked:
    """Validate one row (SubmissionError/SourceError with one sentence otherwise)."""
    who = check_authorship(Authorship(row.project, row.author_type, row.author_model), default_project="")
    if not who.project_name:
        raise SubmissionError("The project name is empty.")
    study = clean_text(row.study, "study name")
    labels = {"study": study}
    if names_repository(row.source):
        url = normalize_github_url(row.source, settings.sources)
        branch = validate_branch(row.branch)
        sha = resolve_branch_head(url, branch, settings.sources)
        source = {"git_repo_url": url, "git_branch": branch, "resolved_commit": sha}
        return _Checked(row, "github", {**job_metadata(source, who), **labels}, ("github", url, branch, sha))
    data = read_archive(row.source)
    if data is None:
        raise SubmissionError(f"There is no file named {row.source!r} next to the manifest or among the uploads.")
    validate_upload(row.source, data, settings.sources)
    source, _ = upload_source(row.source, data)
    digest = hashlib.sha256(data).hexdigest()
    metadata = {**job_metadata({**source, "source_digest": digest}, who), **labels}
    return _Checked(row, "upload", metadata, ("upload", str(source["upload_filename"]), digest))


def validate_rows(
    rows: list[ManifestRow], settings: Settings, read_archive: ArchiveReader
) -> list[_Checked | RowOutcome]:
    """Every row checked, in order; a row repeating an earlier row's source is refused."""
    seen: dict[tuple[str, ...], int] = {}
    checked: list[_Checked | RowOutcome] = []
    for row in rows:
        try:
            item = _check_row(row, settings, read_archive)
        except (SubmissionError, SourceError) as exc:
            checked.append(RowOutcome(row.line, row.source, row.project, "refused", str(exc), row.study or None))
            continue
        key = (*item.key, item.metadata.get("study") or "")
        if key in seen:
            reason = f"The same source is already on line {seen[key]} of this manifest."
            checked.append(RowOutcome(row.line, row.source, row.project, "refused", reason, row.study or None))
            continue
        seen[key] = row.line
        checked.append(item)
    return checked


def submit_manifest(
    db: Database, settings: Settings, user_id: uuid.UUID, data: bytes, read_archive: ArchiveReader
) -> BatchReport:
    """Validate the whole manifest, then queue (or reuse) its accepted rows in one transaction."""
    checked = validate_rows(parse_manifest(data), settings, read_archive)
    outcomes: list[RowOutcome] = []
    with db.unit_of_work() as uow:
        for item in checked:
            if isinstance(item, RowOutcome):
                outcomes.append(item)
                continue
            row, meta, study = item.row, item.metadata, item.metadata.get("study")
            where = f"in study {study}" if study else "outside any study"
            run_id = uow.runs.find_same_source(user_id, item.key, study)
            job_id = None if run_id else uow.jobs.find_waiting_same_source(user_id, item.key, study)
            status: Status
            if run_id:
                status, reason = "reused", f"already analysed as run {run_id} {where}"
            elif job_id:
                status, reason = "reused", f"already queued as job {job_id} {where}"
            else:
                job_id = uow.jobs.create_pending(user_id, item.kind, meta)
                status, reason = "queued", f"queued as job {job_id} {where}"
            outcomes.append(RowOutcome(row.line, row.source, row.project, status, reason, study, job_id, run_id))
        uow.commit()
    return BatchReport(tuple(sorted(outcomes, key=lambda outcome: outcome.line)))
