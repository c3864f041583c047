"""The one registry of collectors. Everything else — the order of `metrics`, the per-file step's order,
progress steps, score cards, explorer columns, empty file entries, cache keys — is read from here.

Adding a collector: write its module (a `Collector` with a `CollectorSpec`), add an instance to
`BUILT_IN`, and, when it has a score, its formula to scoring.py (docs/ARCHITECTURE.md). `extended`
(tests, experiments) adds collectors without touching this module: the analysis's worker processes
receive their import paths (`extra_paths`) and `install` them, so their per-file steps run there too.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from vibe8_core.collectors.authorship import AuthorshipCollector
from vibe8_core.collectors.base import Collector, CollectorSpec
from vibe8_core.collectors.churn import ChurnCollector
from vibe8_core.collectors.cyclomatic import CyclomaticCollector
from vibe8_core.collectors.dead_code import DeadCodeCollector
from vibe8_core.collectors.deps import DepsCollector
from vibe8_core.collectors.docs import DocsCollector
from vibe8_core.collectors.dupes import DupesCollector
from vibe8_core.collectors.lint import LintCollector
from vibe8_core.collectors.mi import MaintainabilityCollector
from vibe8_core.collectors.security import SecurityCollector
from vibe8_core.collectors.size import SizeCollector

BUILT_IN: tuple[Collector, ...] = (
    LintCollector(),
    CyclomaticCollector(),
    DocsCollector(),
    DeadCodeCollector(),
    DepsCollector(),
    MaintainabilityCollector(),
    SizeCollector(),
    DupesCollector(),
    SecurityCollector(),
    ChurnCollector(),
    AuthorshipCollector(),
)


def _ordered(found: tuple[Collector, ...]) -> tuple[Collector, ...]:
    names = [collector.name for collector in found]
    if len(set(names)) != len(names):
        raise ValueError(f"two collectors share a name: {sorted(names)}")
    keys = [field.key for collector in found for field in collector.spec.file_fields]
    if len(set(keys)) != len(keys):
        raise ValueError(f"two collectors write the same file-tree key: {sorted(keys)}")
    return tuple(sorted(found, key=lambda collector: collector.spec.order))


_active: tuple[Collector, ...] = _ordered(BUILT_IN)
_extra: tuple[Collector, ...] = ()


def collectors() -> tuple[Collector, ...]:
    """Every collector, in the order of the `metrics` object."""
    return _active


def specs() -> tuple[CollectorSpec, ...]:
    return tuple(collector.spec for collector in _active)


def spec_of(name: str) -> CollectorSpec | None:
    return next((collector.spec for collector in _active if collector.name == name), None)


def per_file_collectors() -> tuple[Collector, ...]:
    """The collectors with a per-file step, cheap line-based ones first, so that a file that hits its
    time limit keeps them."""
    return tuple(sorted((c for c in _active if c.per_file), key=lambda c: c.spec.per_file_rank or 0))


def tool_names() -> tuple[str, ...]:
    """Every distribution some collector's figures depend on (their versions go into cache keys)."""
    return tuple(sorted({tool for spec in specs() for tool in spec.tools}))


def import_path(collector: Collector) -> str:
    """ "module:Class" of a collector, for a worker process to import; a class it cannot import is refused."""
    kind = type(collector)
    if "<locals>" in kind.__qualname__:
        raise ValueError(f"collector {collector.name}: a class defined inside a function cannot reach the workers")
    return f"{kind.__module__}:{kind.__qualname__}"


def extra_paths() -> tuple[str, ...]:
    """The import paths of the collectors `extended` added (the worker processes install them)."""
    return tuple(import_path(collector) for collector in _extra)


def _load(path: str) -> Collector:
    module, _, qualname = path.partition(":")
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not (isinstance(found, type) and issubclass(found, Collector)):
        raise TypeError(f"{path} is not a collector class")
    return found()


def install(paths: tuple[str, ...]) -> None:
    """In a worker process: the built-in registry plus the collectors at `paths` (`extra_paths` of the parent)."""
    global _active, _extra
    _extra = tuple(_load(path) for path in paths)
    _active = _ordered(BUILT_IN + _extra)


@contextmanager
def extended(*extra: Collector) -> Iterator[tuple[Collector, ...]]:
    """The registry with `extra` collectors added, until the block ends; analysis worker processes
    started meanwhile get them too (each must be an importable class with a constructor without arguments)."""
    global _active, _extra
    before, before_extra = _active, _extra
    for collector in extra:
        import_path(collector)
    _active, _extra = _ordered(before + extra), before_extra + extra
    try:
        yield _active
    finally:
        _active, _extra = before, before_extra
