"""dead_code: vulture at confidence >= 60 over the whole folder at once (usage crosses files).

The scan runs in a worker process (a hostile file cannot take the parent down) through vulture's
Python API, fed the sources directly so that no `[tool.vulture]` of the analysed project is read.
vulture honours `# noqa` for its own codes (as the CLI does); whitelists bundled with vulture for
imported standard modules are scanned too, exactly as `vulture PATH` does. Files are named to vulture
as `/<relative path>`, so its test-file rule (`*/tests/*`, `test*.py`) sees the project's own layout and
not the folder the upload happens to be stored in.
"""

from __future__ import annotations

import contextlib
import io
import pkgutil
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from vulture import Vulture

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    EarlyStart,
    FileFields,
    MetricsSection,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)
from vibe8_core.collectors.files import decode_source, within_size
from vibe8_core.findings import DeadCodeDetails, Finding

MIN_CONFIDENCE = 60
MAX_ITEMS_PER_FILE = 1000  # sent back per file (the stored cap is smaller); the counts stay exact
# Called by Python itself, never by name: a module-level __getattr__ / __dir__ (PEP 562) is not dead.
IMPLICIT_NAMES = ("__getattr__", "__dir__")


def _scan_whitelists(vulture: Vulture) -> None:
    """What `Vulture.scavenge` does after the modules: scan vulture's whitelist of each imported module."""
    for import_name in sorted({item.name for item in vulture.defined_imports}):
        try:
            data = pkgutil.get_data("vulture", f"whitelists/{import_name}_whitelist.py")
        except OSError:
            continue
        if data is not None:
            vulture.scan(data.decode("utf-8"), filename=Path("whitelists") / f"{import_name}_whitelist.py")


def _item(path: str, item: Any) -> dict[str, Any]:
    return {
        "path": path, "name": item.name, "kind": item.typ, "line": item.first_lineno, "end_line": item.last_lineno,
        "confidence": item.confidence, "message": item.message, "size": item.size,
    }  # fmt: skip


def find_dead_code(root: str, paths: list[str]) -> dict[str, Any]:
    """Run in a worker: vulture's unused items (as dicts, at most MAX_ITEMS_PER_FILE per file), their
    exact counts per file and kind, and the files it could not scan. The caller passes only files
    within the size limit; the worker's memory limit turns a file vulture cannot hold into an error.
    Names Python calls implicitly (IMPLICIT_NAMES) are never reported."""
    vulture = Vulture(ignore_names=list(IMPLICIT_NAMES))
    errors: list[str] = []
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        for path in paths:
            text, decode_error = decode_source((Path(root) / path).read_bytes())
            if decode_error:
                continue  # the per-file step already names it; vulture's CLI skips it too
            try:
                vulture.scan(text, filename=PurePosixPath("/", path))
            except RecursionError:
                errors.append(f"dead_code: {path}: too deeply nested for vulture (RecursionError); skipped.")
            except MemoryError:
                errors.append(f"dead_code: {path}: too large for vulture within the memory limit; skipped.")
        _scan_whitelists(vulture)
        items = vulture.get_unused_code(min_confidence=MIN_CONFIDENCE)
    unused: list[dict[str, Any]] = []
    counts: dict[str, dict[str, int]] = {}
    for item in items:
        path = PurePosixPath(item.filename).as_posix().lstrip("/")
        kinds = counts.setdefault(path, {})
        kinds[item.typ] = kinds.get(item.typ, 0) + 1
        if sum(kinds.values()) <= MAX_ITEMS_PER_FILE:
            unused.append(_item(path, item))
    return {"unused": unused, "counts": counts, "errors": errors}


@dataclass(frozen=True)
class DeadCodeMetrics(MetricsSection):
    unused_symbols: int | None = measure("lower", "sum")
    by_kind: Mapping[str, int] | None = measure("lower", "count")  # unused symbols per vulture kind


@dataclass(frozen=True)
class DeadCodeFileFields(FileFields):
    dead_code_count: int = file_field(0, "Dead code")


class DeadCodeCollector(Collector):
    spec = CollectorSpec(
        name="dead_code",
        label="Dead code",
        order=3,
        metrics=DeadCodeMetrics,
        files=DeadCodeFileFields,
        score=ScoreDecl(
            "Dead code", "Unused functions, classes and variables per 1,000 lines, as a score; higher is better."
        ),
        project_cacheable=True,
        tools=("vulture",),
        finding_label="Dead code",
        needs_parse=True,
    )

    def start(self, early: EarlyStart) -> Future[Any] | None:
        """vulture needs only the files: it runs in a worker beside the per-file phase."""
        return early.submit(find_dead_code, str(early.root), early.paths)

    def collect(self, project: ProjectContext) -> CollectorResult:
        paths = [record.path for record in project.files]
        found = project.started_result(self.name)
        if found is None:
            scanned = within_size(project.root, paths, project.settings.max_file_mb * 2**20)
            found = project.run_isolated(find_dead_code, str(project.root), scanned)
        result = CollectorResult(errors=list(found["errors"]))
        known = set(paths)
        for item in found["unused"]:
            if item["path"] not in known:
                continue
            details = DeadCodeDetails(item["name"], item["kind"], item["confidence"], item["end_line"], item["size"])
            result.add_finding(
                item["path"],
                Finding(
                    "dead_code",
                    f"unused-{item['kind']}",
                    item["message"],
                    item["line"],
                    None,
                    "low",
                    "",
                    details,
                ),
            )
        by_kind: dict[str, int] = {}
        for path in paths:
            kinds = found["counts"].get(path, {})
            for kind, count in kinds.items():
                by_kind[kind] = by_kind.get(kind, 0) + count
            result.files[path] = DeadCodeFileFields(sum(kinds.values()))
        result.metrics = DeadCodeMetrics(sum(by_kind.values()), by_kind)
        return result
