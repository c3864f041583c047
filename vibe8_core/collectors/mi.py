"""mi: radon's maintainability index per file (radon's defaults: multi-line strings count as comments)."""

from __future__ import annotations

from typing import Any

from radon.metrics import h_visit_ast, mi_compute, mi_rank

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileField,
    Measure,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
)


class MaintainabilityCollector(Collector):
    spec = CollectorSpec(
        name="mi",
        label="Maintainability",
        order=5,
        measures=(
            Measure("mi_avg", "higher", "mean"),
            Measure("files_measured", "neither", "count"),
            Measure("ranks", "neither", "count"),
        ),
        file_fields=(FileField("mi", None, "MI", "%.0f"), FileField("mi_rank", None, kind="text")),
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

    def analyse_file(self, source: ParsedSource) -> dict[str, Any] | None:
        """radon.metrics.mi_visit(text, multi=True), computed from the shared AST and raw counts."""
        if source.tree is None:
            return None
        raw = source.raw
        comment_lines = raw.comments + raw.multi
        comments_pct = comment_lines / float(raw.sloc) * 100 if raw.sloc != 0 else 0
        volume = h_visit_ast(source.tree).total.volume
        mi = mi_compute(volume, source.complexity.total_complexity, raw.lloc, comments_pct)
        return {"mi": mi, "rank": mi_rank(mi)}

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult(metrics={})
        values = []
        for record, section in project.sections(self.name):
            values.append(section["mi"])
            result.files[record.path] = {"mi": round(section["mi"], 2), "mi_rank": section["rank"]}
        mi_avg = round(sum(values) / len(values), 2) if values else 0.0
        ranks = [section["rank"] for _, section in project.sections(self.name)]
        result.metrics = {
            "mi_avg": mi_avg,
            "files_measured": len(values),
            "ranks": {rank: ranks.count(rank) for rank in "ABC"},
        }
        return result
