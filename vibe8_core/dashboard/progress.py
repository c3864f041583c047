"""Turning a job's stored progress {"step", "files_done", "files_total"} into words and a fraction."""

from __future__ import annotations

from dataclasses import dataclass

from vibe8_core.collectors import registry
from vibe8_core.store import JobRecord

STEP_WORDS = {
    "queued": "Queued — waiting for a worker",
    "starting": "Starting",
    "extracting": "Extracting the upload",
    "cloning": "Cloning the repository",
    "analysing": "Analysing",
    "scanning": "Finding Python files",
    "per-file metrics": "Measuring each file",
    "done": "Finished",
    "failed": "Failed",
}
# Rough share of the whole job done when a step starts, for the progress bar.
_STEP_START = {"queued": 0.0, "starting": 0.02, "extracting": 0.05, "cloning": 0.05, "analysing": 0.1,
               "scanning": 0.1, "per-file metrics": 0.15, "done": 1.0, "failed": 1.0}  # fmt: skip


@dataclass(frozen=True)
class JobProgress:
    label: str
    fraction: float
    files: str  # "12 / 40 files" or ""


def job_progress(job: JobRecord) -> JobProgress:
    progress = job.progress or {}
    step = str(progress.get("step") or ("queued" if job.status == "pending" else "starting"))
    done, total = progress.get("files_done"), progress.get("files_total")
    has_files = isinstance(done, int) and isinstance(total, int) and total > 0
    files = f"{done:,} / {total:,} files" if has_files else ""
    if job.status == "completed":
        return JobProgress("Finished", 1.0, files)
    if job.status == "failed":
        return JobProgress("Failed", 1.0, files)
    steps = registry.specs()
    index = next((index for index, spec in enumerate(steps) if spec.name == step), None)
    if index is not None:
        label = f"Running collector {index + 1} of {len(steps)}: {steps[index].label.lower()}"
        return JobProgress(label, 0.55 + 0.45 * index / len(steps), files)
    fraction = _STEP_START.get(step, 0.1)
    if step == "per-file metrics" and isinstance(done, int) and isinstance(total, int) and total > 0:
        fraction = 0.15 + 0.4 * min(1.0, done / total)
    return JobProgress(STEP_WORDS.get(step, step.replace("_", " ").capitalize()), fraction, files)
