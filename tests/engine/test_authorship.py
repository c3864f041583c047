"""Line attribution from git history: exact per-file, per-function and per-finding figures on a repository
built with every kind of signal, bots, renames, merges, whitespace-only and ignored commits."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors import blame
from vibe8_core.collectors.blame import blame_repository
from vibe8_core.dashboard.authorship import split_counts

from .conftest import offline_settings, write_tree
from .history import HistoryRepo

BOB = ("Bob Human", "bob@example.com")
ALICE_AIDER = ("Alice Human (aider)", "alice@example.com")
COPILOT = ("Copilot", "198982749+Copilot@users.noreply.github.com")
CURSOR = ("Cursor Agent", "cursoragent@cursor.com")
JULES = ("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com")
DEPENDABOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


@pytest.fixture(scope="module")
def mixed_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = HistoryRepo(tmp_path_factory.mktemp("mixed") / "repo")
    repo.write("app.py", "def human_fn(x):\n    y = x + 1\n    return y\n")
    repo.commit("start")
    repo.append("app.py", "\n\ndef aider_fn():\n    return 2\n")
    repo.commit("add aider_fn", author=ALICE_AIDER)
    repo.append("app.py", "\n\ndef claude_fn():\n    value = 3\n    return value\n")
    repo.commit("add claude_fn\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>")
    repo.append("app.py", "\n\ndef pending_fn():\n    return 4\n")
    repo.commit("aider commits my own edits", committer=ALICE_AIDER)  # committer-only: human
    text = (repo.path / "app.py").read_text()
    repo.write("app.py", text.replace("    value = 3\n", "    value = 3   \n").replace("return 2\n", "return  2\n"))
    repo.commit("whitespace only", author=COPILOT)
    repo.write("app.py", (repo.path / "app.py").read_text().replace("x + 1", "x + 10"))
    codex = repo.commit("tweak\n\nCo-authored-by: Codex <noreply@openai.com>", author=BOB)
    repo.write(".git-blame-ignore-revs", f"# mechanical changes\n{codex}\nnot-a-sha\n{'0' * 40}\n")
    repo.commit("ignore the tweak", author=BOB)
    repo.write("cursor_mod.py", "A = 1\nB = 2\nC = 3\n")
    repo.commit("cursor writes a module", author=CURSOR)
    repo.git("mv", "cursor_mod.py", "renamed.py")
    repo.commit("rename", author=BOB)
    repo.git("checkout", "--quiet", "-b", "side")
    repo.write("jules.py", "def jules_fn():\n    return 5\n")
    repo.commit("jules adds a function", author=JULES)
    repo.git("checkout", "--quiet", "main")
    repo.write("human.py", "import sys\n")
    repo.commit("human module", author=BOB)
    repo.git("merge", "--quiet", "--no-ff", "-m", "Merge branch side", "side", author=BOB)
    repo.write("version.py", "VERSION = '1.0'\n")
    repo.commit("Bump version", author=DEPENDABOT)
    repo.write("assisted.py", "def helper():\n    return 6\n")
    repo.commit("assisted\n\nAssisted-by: gemini-cli:gemini-2.5-pro")
    repo.write("helper.py", "H = 7\n")
    repo.commit("aider: add helper", author=BOB)
    repo.write("made.py", "import os\n")
    repo.commit("made with cursor\n\nMade-with: Cursor")
    repo.append("human.py", "EXTRA = 1\n")  # not committed: human
    repo.write("scratch.py", "import json\n")  # never committed: no history
    return repo.path


@pytest.fixture(scope="module")
def analysed(mixed_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = offline_settings(workers=1, cache_dir=tmp_path_factory.mktemp("cache"), cache_max_mb=64)
    return analyze_folder(mixed_repo, settings=settings).to_dict()


def _files(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["path"]: entry for entry in result["file_tree"]["files"]}


EXPECTED_FILES = {
    # path: (ai_lines, human_lines, automation_lines, ai_tools)
    "app.py": (9, 7, 0, ["aider", "claude-code"]),
    "renamed.py": (3, 0, 0, ["cursor"]),
    "jules.py": (2, 0, 0, ["jules"]),
    "human.py": (0, 2, 0, []),
    "version.py": (0, 0, 1, []),
    "assisted.py": (2, 0, 0, ["gemini-cli"]),
    "helper.py": (1, 0, 0, ["aider"]),
    "made.py": (1, 0, 0, ["cursor"]),
    "scratch.py": (None, None, None, []),
}


def test_every_file_is_attributed_exactly(analysed: dict[str, Any]) -> None:
    files = _files(analysed)
    got = {
        path: (entry["ai_lines"], entry["human_lines"], entry["automation_lines"], entry["ai_tools"])
        for path, entry in files.items()
    }
    assert got == EXPECTED_FILES
    assert files["app.py"]["ai_ranges"] == [[4, 12]]


def test_the_authorship_section(analysed: dict[str, Any]) -> None:
    assert list(analysed["metrics"])[-1] == "authorship"
    assert analysed["metrics"]["authorship"] == {
        "ai_lines": 18,
        "human_lines": 9,
        "automation_lines": 1,
        "ai_share_pct": 64.29,
        "commits": 11,
        "ai_commits": 7,
        "tools": {"aider": 5, "claude-code": 5, "cursor": 4, "jules": 2, "gemini-cli": 2},
        "models": {"Claude Opus 4.6": 5, "gemini-2.5-pro": 2},
    }
    assert not [error for error in analysed["errors"] if error.startswith("authorship")]


def test_every_function_gets_its_ai_lines(analysed: dict[str, Any]) -> None:
    blocks = {block["name"]: block["ai_lines"] for block in _files(analysed)["app.py"]["blocks"]}
    assert blocks == {"human_fn": 0, "aider_fn": 2, "claude_fn": 3, "pending_fn": 0}
    assert [block["ai_lines"] for block in _files(analysed)["scratch.py"]["blocks"]] == []
    assert [block["ai_lines"] for block in _files(analysed)["assisted.py"]["blocks"]] == [2]


def test_every_finding_says_whether_an_ai_wrote_its_line(analysed: dict[str, Any]) -> None:
    unused = {
        path: [finding["ai"] for finding in entry["findings"] if finding["code"] == "F401"]
        for path, entry in _files(analysed).items()
    }
    assert {path: flags for path, flags in unused.items() if flags} == {
        "made.py": [True],
        "human.py": [False],
        "scratch.py": [None],
    }
    assert all("ai" in finding for entry in analysed["file_tree"]["files"] for finding in entry["findings"])


def test_without_history_every_figure_is_null(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "import os\n"})
    result = analyze_folder(tmp_path, settings=offline_settings(workers=1)).to_dict()
    assert result["metrics"]["authorship"] == {
        "ai_lines": None, "human_lines": None, "automation_lines": None, "ai_share_pct": None,
        "commits": None, "ai_commits": None, "tools": {}, "models": {},
    }  # fmt: skip
    entry = result["file_tree"]["files"][0]
    assert (entry["ai_lines"], entry["human_lines"], entry["ai_tools"]) == (None, None, [])
    assert {finding["ai"] for finding in entry["findings"]} == {None}


def test_history_is_not_read_when_churn_is_off(mixed_repo: Path) -> None:
    result = analyze_folder(mixed_repo, settings=offline_settings(workers=1), churn=False).to_dict()
    assert result["metrics"]["authorship"]["ai_lines"] is None


def test_the_ignore_revs_file_decides(mixed_repo: Path) -> None:
    """Without .git-blame-ignore-revs the Codex tweak would own line 2 of app.py."""
    listed = blame.ignored_revisions(mixed_repo, 10)
    assert len(listed) == 1
    plain = blame.blame_file(mixed_repo, "app.py", None, 10)
    owner_of_line_2 = next(sha for start, count, sha in plain if start <= 2 < start + count)
    assert owner_of_line_2 == listed[0]


def test_a_later_commit_reblames_only_the_files_it_touched(tmp_path: Path, blamed_paths: list[str]) -> None:
    repo = HistoryRepo(tmp_path / "repo")
    for index in range(4):
        repo.write(f"m{index}.py", f"V{index} = {index}\n")
    repo.commit("four modules")
    paths = [f"m{index}.py" for index in range(4)]
    blamed = blamed_paths
    first = blame_repository(str(repo.path), paths, str(tmp_path / "cache"), 60, 2)
    assert sorted(blamed) == paths
    repo.append("m2.py", "W = 1\n")
    repo.commit("one more line", author=CURSOR)
    blamed.clear()
    second = blame_repository(str(repo.path), paths, str(tmp_path / "cache"), 60, 2)
    assert blamed == ["m2.py"]
    assert second["files"]["m0.py"] == first["files"]["m0.py"]
    assert [count for _, count, _ in second["files"]["m2.py"]] == [1, 1]


def test_files_not_blamed_in_time_make_a_partial_attribution(mixed_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_slow(root: Path, path: str, ignore_file: str | None, timeout: float, graph: Any = None) -> list[blame.Run]:
        if path == "app.py":
            raise subprocess.TimeoutExpired(["git", "blame"], timeout)
        return original(root, path, ignore_file, timeout, graph)

    original = blame.blame_file
    monkeypatch.setattr(blame, "blame_file", too_slow)
    outcome = blame_repository(str(mixed_repo), ["app.py", "made.py"], None, 60, 1)
    assert outcome["unfinished"] == ["app.py"]
    assert list(outcome["files"]) == ["made.py"]


def test_a_folder_without_commits_has_no_history(tmp_path: Path) -> None:
    HistoryRepo(tmp_path / "empty")
    write_tree(tmp_path / "empty", {"a.py": "A = 1\n"})
    assert blame_repository(str(tmp_path / "empty"), ["a.py"], None, 30, 1) == {"history": False}


def test_the_split_counts_every_finding_even_past_the_stored_cap(tmp_path: Path) -> None:
    """Twelve unused imports (nine by an AI): with one finding stored per collector the counts stay exact."""
    repo = HistoryRepo(tmp_path / "repo")
    repo.write("many.py", "".join(f"import m{index}\n" for index in range(3)))
    repo.commit("three imports")
    repo.append("many.py", "".join(f"import a{index}\n" for index in range(9)))
    repo.commit("nine more\n\nCo-authored-by: Codex <noreply@openai.com>")
    capped = analyze_folder(repo.path, settings=offline_settings(workers=1, max_findings_per_file=1)).to_dict()
    entry = _files(capped)["many.py"]
    assert [finding["code"] for finding in entry["findings"] if finding["collector"] == "lint"] == ["F401"]
    counts = split_counts(capped["file_tree"]) or {}
    assert (counts["lint_ai"], counts["lint_human"]) == (9, 3)
    full = analyze_folder(repo.path, settings=offline_settings(workers=1)).to_dict()
    assert split_counts(full["file_tree"]) == counts
