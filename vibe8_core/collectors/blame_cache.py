"""The blame cache: each file's blame runs, and for each repository its files' blames at the commits
analysed last, so that analysing a later commit blames again only what changed.

A file's blame at commit N equals its blame at an earlier analysed commit O when O is an ancestor of N,
no commit in O..N changed the file against any of its parents (`git log -m O..N`), its bytes in the work
tree are the same, and so are the ignored revisions: every line's blame then walks back through commits
that leave the file as it is, into O's history, exactly as it did from O. A shallow history or one with
replaced objects depends on more than its commits, so its blames are reused only at the same commit.
Everything lives under `<cache dir>/blame` as small JSON files (evicted with the rest of the cache);
every failure to read or write is a miss.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
Run = tuple[int, int, str]  # first line (1-based), number of lines, commit
FileState = tuple[str, str]  # (sha256 of the file's bytes, the key of its blame runs)
MAX_HEADS = 4  # analysed commits remembered per repository


class BlameCache:
    """Per-file blame runs by key, and per repository the file states of recently analysed commits."""

    def __init__(self, cache_dir: str | None) -> None:
        self.directory = Path(cache_dir) / "blame" if cache_dir else None

    def _path(self, folder: str, name: str) -> Path | None:
        return None if self.directory is None else self.directory / folder / f"{name}.json"

    def _load(self, entry: Path | None) -> Any:
        if entry is None:
            return None
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            os.utime(entry)
        except (OSError, ValueError):
            return None
        return data

    def _store(self, entry: Path | None, data: Any) -> None:
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data, separators=(",", ":")))
            os.replace(temporary, entry)
        except OSError as exc:
            log.warning("blame cache not written: %s", exc)

    def read(self, key: str) -> list[Run] | None:
        runs = self._load(self._path(key[:2], key))
        if not isinstance(runs, list):
            return None
        return [(int(start), int(count), str(sha)) for start, count, sha in runs]

    def write(self, key: str, runs: list[Run]) -> None:
        self._store(self._path(key[:2], key), runs)

    def heads(self, repository: str) -> list[dict[str, Any]]:
        """The repository's recently analysed commits, newest first: {"head", "ignored", "files"}."""
        found = self._load(self._path("heads", repository))
        return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []

    def remember(self, repository: str, head: str, ignored: str, files: dict[str, FileState]) -> None:
        """Note the file states of the analysed commit `head` (kept beside the MAX_HEADS - 1 newest others)."""
        kept = [item for item in self.heads(repository) if item.get("head") != head][: MAX_HEADS - 1]
        self._store(self._path("heads", repository), [{"head": head, "ignored": ignored, "files": files}, *kept])
