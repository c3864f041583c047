"""size: radon raw's line counts per file and summed over the project (the figures `radon raw` prints)."""

from __future__ import annotations

from typing import Any

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

RAW_FIELDS = ("loc", "lloc", "sloc", "comments", "multi", "blank")


class SizeCollector(Collector):
    spec = CollectorSpec(
        name="size",
        label="Size",
        order=6,
        measures=(
            Measure("files", "neither", "count"),
            Measure("sloc", "neither", "sum"),
            Measure("avg_file_sloc", "lower", "mean"),
            Measure("avg_file_sloc_exact", "lower", "mean"),
            *(Measure(key, "neither", "sum") for key in ("loc", "lloc", "comments", "multi", "blank")),
            Measure("files_measured", "neither", "count"),
            Measure("files_parsed", "higher", "count"),
            Measure("sloc_parsed", "neither", "sum"),
        ),
        file_fields=(
            FileField("sloc", 0, "SLOC", "localized"),
            FileField("loc", 0, "LOC", "localized"),
            FileField("lloc", 0),
            FileField("comments", 0, "Comments"),
            FileField("multi", 0),
            FileField("blank", 0),
        ),
        score=ScoreDecl(
            "File size", "Average length of a file, as a score (50 at 400 lines); higher is better (smaller files)."
        ),
        per_file_rank=0,
        tools=("radon",),
    )

    def analyse_file(self, source: ParsedSource) -> dict[str, Any]:
        raw, note = source.raw_with_note
        return {
            **{key: getattr(raw, key) for key in RAW_FIELDS},
            "counted_by": "plain lines" if note else "radon",
            "note": note,
        }

    def collect(self, project: ProjectContext) -> CollectorResult:
        totals = dict.fromkeys(RAW_FIELDS, 0)
        result = CollectorResult(metrics={})
        parsed = sloc_parsed = 0
        for record, section in project.sections(self.name):
            if not record.parse_error:
                parsed += 1
                sloc_parsed += section["sloc"]
            result.files[record.path] = {key: section[key] for key in RAW_FIELDS}
            if section["note"] and not record.parse_error:
                result.errors.append(f"size: {record.path}: {section['note']}; counted by plain line rules.")
            for key in RAW_FIELDS:
                totals[key] += section[key]
        files = len(project.files)
        result.metrics = {
            "files": files,
            "sloc": totals["sloc"],
            "avg_file_sloc": round(totals["sloc"] / files) if files else 0,
            "avg_file_sloc_exact": round(totals["sloc"] / files, 2) if files else 0.0,
            **{key: totals[key] for key in ("loc", "lloc", "comments", "multi", "blank")},
            "files_measured": sum(1 for _ in project.sections(self.name)),
            "files_parsed": parsed,  # what the collectors that need a parsed file could measure
            "sloc_parsed": sloc_parsed,
        }
        return result
