"""Per-file results cached by content hash, so re-analysing an unchanged tree skips the per-file phase.

A file's key is the SHA-256 of its bytes together with everything else a stored figure depends on: the
engine's own code (the collectors package, findings, analysis and scoring, so any change to them starts
afresh), the Python version, the versions of every tool the registry's collectors name, and the
settings that change a result (the largest file analysed).
Results are stored as JSON under `EngineSettings.cache_dir` (written atomically), without the file's
path, so the same content anywhere reuses them. A result that carries errors (a
collector failed, the file ran out of time) is never cached. When the folder grows past
`cache_max_mb`, the least recently used entries go; `cache_max_mb = 0` turns the cache off.

The project steps whose result depends only on the analysed files (their paths and bytes) are cached
the same way under a tree key: the hash of every (path, content key) pair and the collector's name. An
unchanged tree then costs no ruff, vulture or duplicate matching at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from vibe8_core.collectors import registry
from vibe8_core.collectors.commit_graph import GRAPH_FOLDER
from vibe8_core.collectors.registry import tool_names
from vibe8_core.config import EngineSettings

log = logging.getLogger(__name__)
CACHE_FORMAT = "vibe8-per-file-1"
# Beside the collectors package: the modules that shape or score what the collectors return.
ENGINE_MODULES = (
    "findings.py", "jsonrecord.py", "analysis.py", "run_data.py", "scoring.py", "scored_run.py", "run_summary.py",
)  # fmt: skip
KEEP_FRACTION = 0.8  # eviction trims the folder to this share of its limit


def tool_versions() -> dict[str, str]:
    """The installed versions of the tools whose figures Vibe8 stores (recorded with every run)."""
    return {tool: version(tool) for tool in tool_names()}


@cache
def engine_fingerprint() -> str:
    """SHA-256 of the engine's source: cached results are only reused by the code that made them."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for module in [*sorted(package.glob("*.py")), *(package.parent / name for name in ENGINE_MODULES)]:
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def extra_collectors_fingerprint() -> str:
    """The collectors added to the registry (`registry.extended`) and their modules' source."""
    digest = hashlib.sha256()
    for path in registry.extra_paths():
        source = getattr(sys.modules.get(path.partition(":")[0]), "__file__", None)
        digest.update(path.encode() + b"\0" + (Path(source).read_bytes() if source else b""))
    return digest.hexdigest()


class ResultCache:
    """get/put of per-file results (FileRecord dicts) by content key; every failure is a cache miss."""

    def __init__(self, settings: EngineSettings) -> None:
        self.directory = Path(settings.cache_dir) / "per-file"
        self.project_directory = Path(settings.cache_dir) / "project"
        self.blame_directory = Path(settings.cache_dir) / "blame"  # written by collectors/blame_cache.py
        self.graph_directory = Path(settings.cache_dir) / GRAPH_FOLDER  # one folder per repository
        self.churn_directory = Path(settings.cache_dir) / "churn"  # written by collectors/churn.py
        self.max_bytes = settings.cache_max_mb * 2**20
        tools = ",".join(f"{tool}={found}" for tool, found in tool_versions().items())
        parts = (
            CACHE_FORMAT, engine_fingerprint(), extra_collectors_fingerprint(), str(sys.version_info[:3]), tools,
            str(settings.max_file_mb),
        )  # fmt: skip
        self._salt = "|".join(parts).encode()
        self.written = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def key_for(self, path: Path) -> str | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return hashlib.sha256(self._salt + b"\0" + data).hexdigest()

    def tree_key(self, name: str, keys: list[tuple[str, str | None]]) -> str | None:
        """The key of project step `name` over files [(path, content key)]; None if a file has no key."""
        if not self.enabled or any(key is None for _, key in keys):
            return None
        digest = hashlib.sha256(self._salt + b"\0project\0" + name.encode())
        for path, key in keys:
            digest.update(b"\0" + path.encode("utf-8", "surrogatepass") + b"\0" + str(key).encode())
        return digest.hexdigest()

    def _entry(self, key: str, project: bool = False) -> Path:
        return (self.project_directory if project else self.directory) / key[:2] / f"{key}.json"

    def read(self, key: str | None, project: bool = False) -> dict[str, Any] | None:
        """The stored dict for `key` (a per-file or a project key); None when absent or unreadable."""
        if not self.enabled or key is None:
            return None
        entry = self._entry(key, project)
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            os.utime(entry)  # least recently *used* goes first
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def get(self, key: str | None, path: str) -> dict[str, Any] | None:
        """The cached per-file result for `key`, named `path`; None when absent or unreadable."""
        data = self.read(key)
        return None if data is None else {**data, "path": path, "errors": []}

    def put(self, key: str | None, result: dict[str, Any]) -> None:
        if result["errors"]:
            return
        self.write(key, {name: value for name, value in result.items() if name not in ("path", "errors")})

    def write(self, key: str | None, stored: dict[str, Any], project: bool = False) -> None:
        """Store `stored` under `key` atomically; a failure is logged, never raised."""
        if not self.enabled or key is None:
            return
        entry = self._entry(key, project)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        except OSError as exc:
            log.warning("per-file cache not written: %s", exc)
            return
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                # json.dumps, not json.dump: only the one-shot encoder is the C one (5-10x faster).
                handle.write(json.dumps(stored, separators=(",", ":")))
            os.replace(temporary, entry)
            self.written += 1
        except OSError as exc:
            log.warning("per-file cache not written: %s", exc)
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def evict(self) -> None:
        """Delete the least recently used entries while the folder is larger than its limit."""
        if not self.enabled or not self.written:
            return
        entries = []
        folders = (self.directory, self.project_directory, self.blame_directory, self.churn_directory)
        for entry in [path for folder in folders for path in folder.glob("*/*.json")]:
            with contextlib.suppress(OSError):
                status = entry.stat()
                entries.append((status.st_mtime, status.st_size, entry))
        for home in self.graph_directory.glob("*/*"):  # a repository's commit-graph goes as a whole
            with contextlib.suppress(OSError):
                size = sum(item.stat().st_size for item in home.rglob("*") if item.is_file())
                entries.append((home.stat().st_mtime, size, home))
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, entry in sorted(entries):
            with contextlib.suppress(OSError):
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                total -= size
            if total <= self.max_bytes * KEEP_FRACTION:
                break
