"""dead_code: vulture at confidence >= 60 over the whole folder (usage crosses files).

vulture runs through its Python API, fed the sources directly so that no `[tool.vulture]` of the
analysed project is read. Each file is scanned in the per-file phase (in a worker process, cached by
content like every per-file section): what it defines and which names it uses, exactly as vulture's
own `scan` leaves them. The project step puts every file's definitions and uses into one `Vulture`
and asks it for the unused code — what scanning all files in one `Vulture` gives, since a scan only
adds to those lists and that set; a start-up self-check (`merge_failure`) proves it on a fixed
two-file project against one whole scan, and a failed check falls back to the whole scan in a worker.
So a changed file costs one file's scan, not the project's. vulture honours `# noqa` for its own codes
(as the CLI does); whitelists bundled with vulture for imported standard modules are scanned too,
exactly as `vulture PATH` does; names Python calls implicitly (a module's `__getattr__` / `__dir__`,
PEP 562) are never reported. Files are named to vulture as `/<relative path>`, so its test-file rule
(`*/tests/*`, `test*.py`) sees the project's own layout and not the folder the upload is in.
"""

from __future__ import annotations

import contextlib
import io
import logging
import pkgutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path, PurePosixPath
from typing import Any

from vulture import Vulture
from vulture.core import Item

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileFields,
    FileSection,
    MetricsSection,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)
from vibe8_core.collectors.files import decode_source, within_size
from vibe8_core.findings import DeadCodeDetails, Finding

log = logging.getLogger(__name__)
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


# vulture's lists of definitions, by the kind its items carry (`Item.typ`).
DEFINED = {
    "attribute": "defined_attrs", "class": "defined_classes", "function": "defined_funcs",
    "import": "defined_imports", "method": "defined_methods", "property": "defined_props",
    "variable": "defined_vars", "unreachable_code": "unreachable_code",
}  # fmt: skip
CHECK_FILES = {  # usage crosses the files: each defines what the other uses
    "pkg/models.py": "import os\nimport json\n\n\nclass Model:\n    size = 1\n\n    def save(self):\n"
    "        return json.dumps(self.size)\n\n    def hidden(self):  # noqa: V105\n        pass\n\n"
    "    def unused(self):\n        pass\n\n\ndef orphan():\n    return 1\n    print('never')\n",
    "pkg/tests/test_models.py": "from pkg.models import Model\n\n\ndef test_save():\n    Model().save()\n",
}


def _vulture() -> Vulture:
    """A Vulture as every scan here uses it: names Python calls implicitly (IMPLICIT_NAMES) never reported."""
    return Vulture(ignore_names=list(IMPLICIT_NAMES))


@dataclass(frozen=True)
class VultureScan(FileSection):
    """dead_code's per-file section: what vulture's scan of the file defined, each as [kind, name, first
    line, last line, message, confidence], the names it used, and why it could not scan the file."""

    defined: tuple[tuple[Any, ...], ...] = ()
    used: tuple[str, ...] = ()
    error: str | None = None


def _vulture_quietly(action: Callable[[], Any]) -> Any:
    """vulture prints what it cannot parse: kept off the worker's output."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        return action()


def scan_file(text: str, path: str) -> VultureScan:
    """Run in a worker: what one file defines and the names it uses, as vulture's scan of it leaves them."""
    vulture = _vulture()
    try:
        _vulture_quietly(partial(vulture.scan, text, filename=PurePosixPath("/", path)))
    except RecursionError:
        return VultureScan(error="too deeply nested for vulture (RecursionError); skipped")
    except MemoryError:  # vulture's own parse, beside the file's shared tree, within the process's limit
        return VultureScan(error="too large for vulture within the memory limit; skipped")
    defined = tuple(
        (item.typ, item.name, item.first_lineno, item.last_lineno, item.message, item.confidence)
        for attribute in DEFINED.values()
        for item in getattr(vulture, attribute)
    )
    return VultureScan(defined, tuple(sorted(vulture.used_names)))


def unused_of(scans: list[tuple[str, VultureScan]]) -> dict[str, Any]:
    """vulture's unused code over every file's scan (see scan_file), as find_dead_code reports it."""
    vulture = _vulture()
    for path, scan in scans:
        filename = PurePosixPath("/", path)
        for kind, name, first, last, message, confidence in scan.defined:
            getattr(vulture, DEFINED[kind]).append(Item(name, kind, filename, first, last, message, confidence))
        vulture.used_names.update(scan.used)
    errors = [f"dead_code: {path}: {scan.error}." for path, scan in scans if scan.error]
    return _reported(vulture, errors)


def find_dead_code(root: str, paths: list[str]) -> dict[str, Any]:
    """Run in a worker: one vulture scan of every file (the fallback, and the self-check's reference).
    The caller passes only files within the size limit; the worker's memory limit turns a file vulture
    cannot hold into an error."""
    vulture = _vulture()
    errors: list[str] = []
    for path in paths:
        text, decode_error = decode_source((Path(root) / path).read_bytes())
        if decode_error:
            continue  # the per-file step already names it; vulture's CLI skips it too
        try:
            _vulture_quietly(partial(vulture.scan, text, filename=PurePosixPath("/", path)))
        except RecursionError:
            errors.append(f"dead_code: {path}: too deeply nested for vulture (RecursionError); skipped.")
        except MemoryError:
            errors.append(f"dead_code: {path}: too large for vulture within the memory limit; skipped.")
    return _reported(vulture, errors)


def _reported(vulture: Vulture, errors: list[str]) -> dict[str, Any]:
    """Unused items (as dicts, at most MAX_ITEMS_PER_FILE per file), exact counts per file and kind."""
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


@cache
def merge_failure() -> str | None:
    """Why per-file scans cannot stand in for one whole scan (None: they give the same), once per process."""
    with tempfile.TemporaryDirectory(prefix="vibe8-vulture-check-") as folder:
        for path, text in CHECK_FILES.items():
            (Path(folder) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / path).write_text(text, encoding="utf-8")
        expected = find_dead_code(folder, list(CHECK_FILES))
    try:
        found = unused_of([(path, scan_file(text, path)) for path, text in CHECK_FILES.items()])
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        reason: str | None = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    else:
        reason = None if found == expected and expected["unused"] else "the merged scans differ from one scan"
    if reason is not None:
        log.error("vulture's per-file scans are not used: %s; scanning the whole project at once", reason)
    return reason


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
        per_file_rank=8,  # after the others: the costliest per-file step
    )

    def analyse_file(self, source: ParsedSource) -> VultureScan | None:
        if decode_source(source.data)[1]:
            return None  # the per-file step names it already; vulture's CLI skips it too
        return scan_file(source.text, source.path)

    def collect(self, project: ProjectContext) -> CollectorResult:
        paths = [record.path for record in project.files]
        scans = [(record.path, section) for record, section in project.sections(self.name, VultureScan)]
        if merge_failure() is None and all(record.sections.get(self.name) or record.parse_error
                                           for record in project.files):  # fmt: skip
            found = unused_of(scans)
        else:
            scanned = within_size(project.root, paths, project.settings.max_file_mb * 2**20)
            found = project.run_isolated(find_dead_code, str(project.root), scanned)
        result = CollectorResult(errors=list(found["errors"]))
        known = set(paths)
        for item in found["unused"]:
            if item["path"] not in known:
                continue
            details = DeadCodeDetails(item["name"], item["kind"], item["confidence"], item["end_line"], item["size"])
            finding = Finding("dead_code", f"unused-{item['kind']}", item["message"], item["line"], None, "low", "",
                              details)  # fmt: skip
            result.add_finding(item["path"], finding)
        by_kind: dict[str, int] = {}
        for path in paths:
            kinds = found["counts"].get(path, {})
            for kind, count in kinds.items():
                by_kind[kind] = by_kind.get(kind, 0) + count
            result.files[path] = DeadCodeFileFields(sum(kinds.values()))
        result.metrics = DeadCodeMetrics(sum(by_kind.values()), by_kind)
        return result
