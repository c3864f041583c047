"""The one registry of collectors. Everything else — the order of `metrics`, the per-file step's order,
progress steps, score cards, explorer columns, empty file entries, cache keys — is read from here.

Adding a collector: write its module (a `Collector` with a `CollectorSpec`), add an instance to
`BUILT_IN`, and, when it has a score, its formula to scoring.py (docs/ARCHITECTURE.md). Worker
processes import this module afresh, so a per-file step must belong to a collector listed here;
`extended` (tests, experiments) adds collectors to this process only.
"""

from __future__ import annotations

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
    return tuple(sorted(found, key=lambda collector: collector.spec.order))


_active: tuple[Collector, ...] = _ordered(BUILT_IN)


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


@contextmanager
def extended(*extra: Collector) -> Iterator[tuple[Collector, ...]]:
    """The registry with `extra` collectors added, in this process, until the block ends."""
    global _active
    before = _active
    _active = _ordered(before + extra)
    try:
        yield _active
    finally:
        _active = before
