"""The one registry: the ten collectors, in the order of the `metrics` object (docs/METRICS.md)."""

from __future__ import annotations

from vibe8_core.collectors.base import Collector
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

COLLECTORS: tuple[Collector, ...] = (
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
)
# The per-file step runs the cheap line-based sections first, so a file that hits its time limit keeps them.
PER_FILE_ORDER = ("size", "lint", "dupes", "deps", "docs", "cyclomatic", "mi", "security")
PER_FILE_COLLECTORS: tuple[Collector, ...] = tuple(
    sorted((c for c in COLLECTORS if c.per_file), key=lambda c: PER_FILE_ORDER.index(c.name))
)
