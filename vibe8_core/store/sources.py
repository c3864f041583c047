"""The kept text of a run's files: written with the run, read one file at a time, owner-checked."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from vibe8_core.store.errors import NotFoundError
from vibe8_core.store.models import AnalysisRun, RunSource
from vibe8_core.store.storable import storable_text


class RunSourceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, run_id: uuid.UUID, files: Mapping[str, str]) -> None:
        # Paths as they will be stored: two names that differ only in undecodable bytes become one row
        # (the first one keeps its text).
        stored: dict[str, str] = {}
        for path, text in files.items():
            stored.setdefault(storable_text(path), text)
        self.session.add_all(RunSource(run_id=run_id, path=path, content=text) for path, text in stored.items())
        self.session.flush()

    def _owned(self, run_id: uuid.UUID, user_id: uuid.UUID) -> Select[Any]:
        owned = select(AnalysisRun.run_id).where(AnalysisRun.run_id == run_id, AnalysisRun.user_id == user_id)
        return select(RunSource).where(RunSource.run_id.in_(owned))

    def paths(self, run_id: uuid.UUID, user_id: uuid.UUID) -> list[str]:
        """The kept files' paths (empty for another user's run, or a run from before sources were kept)."""
        stmt = self._owned(run_id, user_id).with_only_columns(RunSource.path).order_by(RunSource.path)
        return list(self.session.scalars(stmt))

    def get(self, run_id: uuid.UUID, user_id: uuid.UUID, path: str) -> str:
        """One file's text; NotFoundError when it was not kept or the run is not the user's."""
        content = self.session.scalar(
            self._owned(run_id, user_id).where(RunSource.path == path).with_only_columns(RunSource.content)
        )
        if content is None:
            raise NotFoundError()
        return str(content)

    def all(self, run_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, str]:
        rows = self.session.scalars(self._owned(run_id, user_id))
        return {str(row.path): str(row.content) for row in rows}
