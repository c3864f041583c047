"""size: radon raw's line counts per file and summed over the project (the figures `radon raw` prints)."""

from __future__ import annotations

from dataclasses import dataclass

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

RAW_FIELDS = ("loc", "lloc", "sloc", "comments", "multi", "blank")


@dataclass(frozen=True)
class SizeMetrics(MetricsSection):
    files: int | None = measure("neither", "count")
    sloc: int | None = measure("neither", "sum")
    avg_file_sloc: int | None = measure("lower", "mean")
    avg_file_sloc_exact: float | None = measure("lower", "mean")
    loc: int | None = measure("neither", "sum")
    lloc: int | None = measure("neither", "sum")
    comments: int | None = measure("neither", "sum")
    multi: int | None = measure("neither", "sum")
    blank: int | None = measure("neither", "sum")
    files_measured: int | None = measure("neither", "count")
    files_parsed: int | None = measure("higher", "count")  # what the collectors that need parsed code measured
    sloc_parsed: int | None = measure("neither", "sum")


@dataclass(frozen=True)
class SizeFileFields(FileFields):
    sloc: int = file_field(0, "SLOC", "localized")
    loc: int = file_field(0, "LOC", "localized")
    lloc: int = file_field(0)
    comments: int = file_field(0, "Comments")
    multi: int = file_field(0)
    blank: int = file_field(0)


@dataclass(frozen=True)
class SizeFileSection(FileSection):
    """radon raw's counts of one file, and why plain line rules counted them instead (or None)."""

    loc: int = 0
    lloc: int = 0
    sloc: int = 0
    comments: int = 0
    multi: int = 0
    blank: int = 0
    counted_by: str = "radon"
    note: str | None = None


class SizeCollector(Collector):
    spec = CollectorSpec(
        name="size",
        label="Size",
        order=6,
        metrics=SizeMetrics,
        files=SizeFileFields,
        score=ScoreDecl(
            "File size", "Average length of a file, as a score (50 at 400 lines); higher is better (smaller files)."
        ),
        per_file_rank=0,
        tools=("radon",),
    )

    def analyse_file(self, source: ParsedSource) -> SizeFileSection:
        raw, note = source.raw_with_note
        counts = {key: getattr(raw, key) for key in RAW_FIELDS}
        return SizeFileSection.pick({**counts, "counted_by": "plain lines" if note else "radon", "note": note})

    def collect(self, project: ProjectContext) -> CollectorResult:
        totals = dict.fromkeys(RAW_FIELDS, 0)
        result = CollectorResult()
        parsed = sloc_parsed = measured = 0
        for record, section in project.sections(self.name, SizeFileSection):
            measured += 1
            if not record.parse_error:
                parsed += 1
                sloc_parsed += section.sloc
            counts = {key: getattr(section, key) for key in RAW_FIELDS}
            result.files[record.path] = SizeFileFields.pick(counts)
            if section.note and not record.parse_error:
                result.errors.append(f"size: {record.path}: {section.note}; counted by plain line rules.")
            for key, count in counts.items():
                totals[key] += count
        files = len(project.files)
        result.metrics = SizeMetrics(
            files=files,
            sloc=totals["sloc"],
            avg_file_sloc=round(totals["sloc"] / files) if files else 0,
            avg_file_sloc_exact=round(totals["sloc"] / files, 2) if files else 0.0,
            loc=totals["loc"],
            lloc=totals["lloc"],
            comments=totals["comments"],
            multi=totals["multi"],
            blank=totals["blank"],
            files_measured=measured,
            files_parsed=parsed,
            sloc_parsed=sloc_parsed,
        )
        return result
