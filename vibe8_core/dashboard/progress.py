"""Turning a job's stored progress {"step", "files_done", "files_total"} into words and a fraction."""

from __future__ import annotations

from dataclasses import dataclass

from vibe8_core.collectors import registry
from vibe8_core.jobs.job_types import JobStep
from vibe8_core.store import JobRecord

STEP_WORDS: dict[str, str] = {
    JobStep.QUEUED: "Queued — waiting for a worker",
    JobStep.STARTING: "Starting",
    JobStep.EXTRACTING: "Extracting the upload",
    JobStep.CLONING: "Cloning the repository",
    JobStep.ANALYSING: "Analyzing",
    JobStep.SCANNING: "Finding Python files",
    JobStep.PER_FILE: "Measuring each file",
    JobStep.DONE: "Finished",
    JobStep.FAILED: "Failed",
}
# Rough share of the whole job done when a step starts, for the progress bar.
_STEP_START: dict[str, float] = {
    JobStep.QUEUED: 0.0, JobStep.STARTING: 0.02, JobStep.EXTRACTING: 0.05, JobStep.CLONING: 0.05,
    JobStep.ANALYSING: 0.1, JobStep.SCANNING: 0.1, JobStep.PER_FILE: 0.15, JobStep.DONE: 1.0, JobStep.FAILED: 1.0,
}  # fmt: skip


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
