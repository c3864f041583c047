"""Human vs AI over a study: enough runs for no warning, matched projects with Wilcoxon, the report and
the research tables as the page offers them."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import replace

import pandas as pd
import pytest

from tests.pages.conftest import make_run
from vibe8_core.dashboard import compare, compare_view
from vibe8_core.dashboard.frames import runs_frame
from vibe8_core.store import RunFilter


@pytest.fixture
def study_runs(seed, alice):
    """Twelve projects, each analysed as human and as AI in study 'bench' (AI a little worse)."""
    for index in range(12):
        project = f"task{index:02d}"
        seed.run(alice, replace(make_run(project=project, seed=index, author_type="human"), study="bench"))
        ai = make_run(project=project, seed=index + 100, author_type="ai", author_model="claude")
        ai.metrics["lint"]["total"] += 5 + index
        seed.run(alice, replace(ai, study="bench"))
    return alice


def small_zip(variant: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("calc/mod.py", f"def add(a, b):\n    return a + b + {variant}\n")
    return buffer.getvalue()


def texts(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def test_a_study_shows_no_warning_and_a_paired_view(study_runs, open_page):
    at = open_page(study_runs, "pages/human_vs_ai.py")
    assert not at.exception
    assert not any("firm conclusions" in text or "matched project" in text for text in texts(at, "warning"))
    tables = {frame.value.columns[1]: frame.value for frame in at.dataframe}
    paired = tables["matched projects"]
    assert paired["matched projects"].max() == 12
    lint = paired[paired["metric"] == "Lint findings / KLOC"].iloc[0]
    assert lint["p-value"] < 0.01 and lint["median difference Human − AI [95% CI]"].startswith("-")
    at.multiselect(key="compare_studies").set_value(["bench"]).run()
    assert not at.exception and at.dataframe[0].value["n Human"].max() == 12


def test_report_and_research_tables_of_the_shown_runs(page_env, study_runs):
    with page_env.unit_of_work() as uow:
        frame = runs_frame(uow.runs.summaries_for_user(study_runs.id, RunFilter(studies=("bench",))))
    shown = compare.prepare_groups(frame, "author_type")
    report = compare_view._report(study_runs.id, shown, "Human", "AI").decode()
    assert report.startswith("<!DOCTYPE html>") and "Wilcoxon" in report and "Holm" in report
    assert report.count("<h2>") == 6 and "task11" in report and "<code>not recorded</code>" in report
    assert "<script src=" not in report and len(report) > 3_000_000  # plotly.js inlined: self-contained
    data = compare_view._export(study_runs.id, shown["run_id"].tolist, "function", "parquet")
    functions = pd.read_parquet(io.BytesIO(data))
    assert set(functions["run_id"]) == set(shown["run_id"]) and set(functions["study"]) == {"bench"}
    assert functions["complexity"].notna().all() and uuid.UUID(functions["run_id"].iloc[0])


def test_the_batch_tab_submits_a_manifest_reports_every_row_and_shows_progress(alice, open_page, seed):
    manifest = (
        b"source,branch,project,author_type,author_model,study\n"
        b"one.zip,,calc,human,developer,pilot\n"
        b"two.zip,,calc,ai,claude,pilot\n"
        b"three.zip,,calc,ai,claude,pilot\n"
    )
    at = open_page(alice, "pages/analyze.py")
    at.file_uploader(key="batch_manifest").set_value(("study.csv", manifest, "text/csv"))
    archives = [(name, small_zip(index), "application/zip") for index, name in enumerate(("one.zip", "two.zip"))]
    at.file_uploader(key="batch_archives").set_value(archives).run()
    preview = "3 row(s): 0 repository row(s) and 3 file row(s); 2 of 3 files it names are uploaded."
    assert any(preview in text for text in texts(at, "caption"))
    assert any("Not uploaded (yet): three.zip." in text for text in texts(at, "warning"))
    assert seed.jobs(alice) == [], "a preview queues nothing"
    at.button(key="submit_batch").click().run()
    assert not at.exception
    assert any("2 row(s) accepted, 1 refused." in text for text in texts(at, "warning"))
    [table] = at.dataframe
    report = table.value
    assert report["status"].tolist() == ["queued", "queued", "refused"]
    assert "no file named 'three.zip'" in report["reason"].iloc[2]
    assert sorted(job.status for job in seed.jobs(alice)) == ["pending", "pending"]
    bars = [bar.proto.text for bar in at.get("progress")]
    assert "Study pilot: 0 done, 0 failed, 2 waiting, estimating the time left" in bars
