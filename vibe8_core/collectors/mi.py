"""mi: radon's maintainability index per file (radon's defaults: multi-line strings count as comments)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from radon.metrics import h_visit_ast, mi_compute, mi_rank

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


@dataclass(frozen=True)
class MiMetrics(MetricsSection):
    mi_avg: float | None = measure("higher", "mean")
    files_measured: int | None = measure("neither", "count")
    ranks: Mapping[str, int] | None = measure("neither", "count")  # files per radon rank A..C


@dataclass(frozen=True)
class MiFileFields(FileFields):
    mi: float | None = file_field(None, "MI", "%.0f")
    mi_rank: str | None = file_field(None, kind="text")


@dataclass(frozen=True)
class MiFileSection(FileSection):
    mi: float = 0.0
    rank: str = "A"


class MaintainabilityCollector(Collector):
    spec = CollectorSpec(
        name="mi",
        label="Maintainability",
        order=5,
        metrics=MiMetrics,
        files=MiFileFields,
        score=ScoreDecl(
            "Maintainability",
            "Average maintainability index of files (0-100); higher is better.",
            measure="mi_avg",
            short="MI",
        ),
        per_file_rank=6,
        tools=("radon",),
        needs_parse=True,
    )

    def analyse_file(self, source: ParsedSource) -> MiFileSection | None:
        """radon.metrics.mi_visit(text, multi=True), computed from the shared AST and raw counts."""
        if source.tree is None:
            return None
        raw = source.raw
        comment_lines = raw.comments + raw.multi
        comments_pct = comment_lines / float(raw.sloc) * 100 if raw.sloc != 0 else 0
        volume = h_visit_ast(source.tree).total.volume
        mi = mi_compute(volume, source.complexity.total_complexity, raw.lloc, comments_pct)
        return MiFileSection(mi, mi_rank(mi))

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        values, ranks = [], []
        for record, section in project.sections(self.name, MiFileSection):
            values.append(section.mi)
            ranks.append(section.rank)
            result.files[record.path] = MiFileFields(round(section.mi, 2), section.rank)
        mi_avg = round(sum(values) / len(values), 2) if values else 0.0
        result.metrics = MiMetrics(
            mi_avg=mi_avg, files_measured=len(values), ranks={rank: ranks.count(rank) for rank in "ABC"}
        )
        return result
