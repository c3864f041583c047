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
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path, PurePosixPath
from typing import Any

from vulture import Vulture

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileField,
    Measure,
    ProjectContext,
    ScoreDecl,
)
from vibe8_core.collectors.files import decode_source
from vibe8_core.config import EngineSettings
from vibe8_core.findings import DeadCodeDetails, Finding

MIN_CONFIDENCE = 60


def _scan_whitelists(vulture: Vulture) -> None:
    """What `Vulture.scavenge` does after the modules: scan vulture's whitelist of each imported module."""
    for import_name in sorted({item.name for item in vulture.defined_imports}):
        try:
            data = pkgutil.get_data("vulture", f"whitelists/{import_name}_whitelist.py")
        except OSError:
            continue
        if data is not None:
            vulture.scan(data.decode("utf-8"), filename=Path("whitelists") / f"{import_name}_whitelist.py")


def find_dead_code(root: str, paths: list[str]) -> dict[str, Any]:
    """Run in a worker: vulture's unused items (as dicts) and the files it could not scan."""
    vulture = Vulture()
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
        _scan_whitelists(vulture)
        items = vulture.get_unused_code(min_confidence=MIN_CONFIDENCE)
    unused = [
        {
            "path": PurePosixPath(item.filename).as_posix().lstrip("/"),
            "name": item.name,
            "kind": item.typ,
            "line": item.first_lineno,
            "end_line": item.last_lineno,
            "confidence": item.confidence,
            "message": item.message,
            "size": item.size,
        }
        for item in items
    ]
    return {"unused": unused, "errors": errors}


class DeadCodeCollector(Collector):
    spec = CollectorSpec(
        name="dead_code",
        label="Dead code",
        order=3,
        measures=(Measure("unused_symbols", "lower", "sum"), Measure("by_kind", "lower", "count")),
        file_fields=(FileField("dead_code_count", 0, "Dead code"),),
        score=ScoreDecl(
            "Dead code", "Unused functions, classes and variables per 1,000 lines, as a score; higher is better."
        ),
        project_cacheable=True,
        tools=("vulture",),
        finding_label="Dead code",
        needs_parse=True,
    )

    def start(
        self,
        root: Path,
        paths: list[str],
        submit: Callable[..., Future[Any]],
        settings: EngineSettings,
        history: bool,
    ) -> Future[Any] | None:
        """vulture needs only the files: it runs in a worker beside the per-file phase."""
        return submit(find_dead_code, str(root), paths)

    def collect(self, project: ProjectContext) -> CollectorResult:
        paths = [record.path for record in project.files]
        found = project.started_result(self.name)
        if found is None:
            found = project.run_isolated(find_dead_code, str(project.root), paths)
        result = CollectorResult(metrics={}, errors=list(found["errors"]))
        known = set(paths)
        by_kind: dict[str, int] = {}
        for item in found["unused"]:
            if item["path"] not in known:
                continue
            by_kind[item["kind"]] = by_kind.get(item["kind"], 0) + 1
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
        for path in paths:
            result.files[path] = {"dead_code_count": len(result.findings.get(path, ()))}
        result.metrics = {"unused_symbols": sum(by_kind.values()), "by_kind": by_kind}
        return result
