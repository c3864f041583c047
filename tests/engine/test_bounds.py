"""Bounded cost per file and per run: a memory limit per analysis process and a cap on stored findings.

A file that needs more memory than an analysis process may use is skipped with an error entry (in the
per-file phase and in vulture's whole-project parse alike) while every other file is measured; a file
with hundreds of findings stores only the cap per collector, with exact counts and the number left out.
"""

from __future__ import annotations

from dataclasses import replace

from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings, write_tree

GOOD = '"""Fine."""\n\n\ndef add(a, b):\n    """Add."""\n    return a + b\n'


def test_a_file_over_the_memory_limit_is_skipped_and_the_rest_completes(tmp_path) -> None:
    heavy = "".join(f"a{i} = [{i}, ({i}, {{{i}: {i}}})]\n" for i in range(60_000))  # ~2 MB, a large AST
    root = write_tree(tmp_path, {"heavy.py": heavy, "good.py": GOOD})
    settings = replace(offline_settings(), process_max_mb=96, workers=1)
    result = analyze_folder(root, settings=settings, churn=False)
    entries = {entry["path"]: entry for entry in result.file_tree["files"]}
    assert entries["good.py"]["sloc"] > 0 and entries["good.py"]["doc_total"] == 2
    heavy_errors = [error for error in result.errors if "heavy.py" in error]
    assert heavy_errors and all("Traceback" not in error for error in heavy_errors)
    # MemoryError where Python allocates; where a tool's native code cannot, its process dies instead
    assert any("memory" in error or "crashed on this file" in error for error in heavy_errors), heavy_errors
    assert result.metrics["size"]["files"] == 2


def test_stored_findings_are_capped_per_file_and_collector_with_exact_counts(tmp_path) -> None:
    many = "".join(f"import module_{i}\n" for i in range(300))  # 300 unused imports: ruff F401 and vulture
    root = write_tree(tmp_path, {"many.py": many, "good.py": GOOD})
    settings = replace(offline_settings(), max_findings_per_file=50)
    result = analyze_folder(root, settings=settings, churn=False)
    entry = next(entry for entry in result.file_tree["files"] if entry["path"] == "many.py")
    stored = {}
    for finding in entry["findings"]:
        stored[finding["collector"]] = stored.get(finding["collector"], 0) + 1
    assert entry["lint_count"] >= 300 and entry["dead_code_count"] == 300
    assert stored["lint"] == 50 and stored["dead_code"] == 50
    assert entry["findings_not_stored"] == (entry["lint_count"] - 50) + (300 - 50)
    total_dead = sum(item["dead_code_count"] for item in result.file_tree["files"])
    assert result.metrics["dead_code"]["unused_symbols"] == total_dead >= 300
    good = next(entry for entry in result.file_tree["files"] if entry["path"] == "good.py")
    assert "findings_not_stored" not in good
