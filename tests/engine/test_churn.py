"""churn: exact counts on a git repository built here; null outside a checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors.base import ProjectContext
from vibe8_core.collectors.churn import (
    ChurnCollector,
    ChurnMetrics,
    CommitCache,
    git_env,
    parse_numstat,
    read_history,
)

from .conftest import offline_settings, write_tree


def git(root: Path, *args: str, when: int | None = None) -> None:
    env = git_env(root)
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"@{when} +0000"
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, check=True, capture_output=True,
    )  # fmt: skip


def commit(root: Path, files: dict[str, str | bytes], message: str, when: int, remove: tuple[str, ...] = ()) -> None:
    write_tree(root, files)
    for path in remove:
        (root / path).unlink()
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"a.py": "x = 1\ny = 2\nz = 3\n", "notes.txt": "1\n2\n"}, "one", 1_700_000_000)
    commit(root, {"a.py": "x = 1\ny = 20\nz = 3\nw = 4\n", "pkg/b.py": "b = 1\nc = 2\n"}, "two", 1_700_000_100)
    commit(root, {"blob.py": b"\x00\x01\x02binary"}, "three", 1_700_000_200)
    commit(root, {"notes.txt": "only text\n"}, "four: no Python file", 1_700_000_300)
    commit(root, {}, "five", 1_700_000_400, remove=("pkg/b.py",))
    return root


def test_churn_counts_are_exact(repository: Path, project_of) -> None:
    project: ProjectContext = project_of({})
    project.root = repository
    project.files = []
    result = ChurnCollector().collect(project)
    assert result.metrics.total_commits == 4  # "four" touches no Python file
    # a.py: +3, then +2 -1; pkg/b.py: +2 then -2; blob.py binary counts 0
    assert result.metrics.total_churn == 3 + 3 + 2 + 2
    assert result.metrics.to_json()["totalChurn"] == 10  # the seed's key
    assert result.metrics.churn_score is None  # scoring.py scores; the collector only measures


def test_churn_per_file_through_the_engine(repository: Path) -> None:
    result = analyze_folder(repository, settings=offline_settings(workers=1))
    files = {entry["path"]: entry for entry in result.file_tree["files"]}
    assert (files["a.py"]["commits"], files["a.py"]["lines_added"], files["a.py"]["lines_deleted"]) == (2, 5, 1)
    assert files["a.py"]["last_change"] == "2023-11-14T22:15:00+00:00"
    assert (files["blob.py"]["commits"], files["blob.py"]["lines_added"], files["blob.py"]["lines_deleted"]) == (
        1,
        0,
        0,
    )
    assert result.metrics["churn"]["total_commits"] == 4
    assert result.metrics["churn"]["totalChurn"] == 10
    without = analyze_folder(repository, settings=offline_settings(workers=1), churn=False)
    assert without.metrics["churn"] == dict.fromkeys(("total_commits", "totalChurn", "churn_score", "hotspot_sloc"))
    assert without.file_tree["files"][0]["commits"] is None


def test_not_a_checkout_gives_nulls(project_of) -> None:
    result = ChurnCollector().collect(project_of({"a.py": "x = 1\n"}))
    assert result.metrics == ChurnMetrics()  # every measure null


def test_a_folder_inside_someone_elses_checkout_is_not_a_checkout(repository: Path, project_of) -> None:
    project: ProjectContext = project_of({})
    inner = repository / "pkg2"
    write_tree(inner, {"c.py": "c = 1\n"})
    project.root = inner
    assert ChurnCollector().collect(project).metrics == ChurnMetrics()


@pytest.mark.parametrize(
    ("output", "commits", "files"),
    [
        ("", 0, {}),
        (
            "\x1ecommit abc 1700000000\n\n3\t1\ta.py\n-\t-\tbin.py\n\x1ecommit def 1600000000\n\n1\t0\ta.py\n",
            2,
            {
                "a.py": {
                    "commits": 2,
                    "lines_added": 4,
                    "lines_deleted": 1,
                    "last_change": "2023-11-14T22:13:20+00:00",
                },
                "bin.py": {
                    "commits": 1,
                    "lines_added": 0,
                    "lines_deleted": 0,
                    "last_change": "2023-11-14T22:13:20+00:00",
                },
            },
        ),
    ],
)
def test_parse_numstat(output: str, commits: int, files: dict) -> None:
    assert parse_numstat(output) == (commits, files)


def test_the_commit_cache_gives_the_walk_exactly_and_diffs_only_new_commits(repository: Path, tmp_path: Path) -> None:
    git(repository, "checkout", "-q", "-b", "side")
    commit(repository, {"side.py": "s = 1\n"}, "side", 1_700_000_150)  # older than main's tip: interleaves
    git(repository, "checkout", "-q", "-")
    commit(repository, {"a.py": "x = 2\n"}, "six", 1_700_000_500)
    git(repository, "merge", "-q", "--no-ff", "-m", "merge side", "side", when=1_700_000_600)
    cache = CommitCache(tmp_path / "churn.json")
    for max_commits in (3, 50):
        assert read_history(repository, max_commits, 30, cache) == read_history(repository, max_commits, 30)
    commit(repository, {"pkg/c.py": "c = 3\n"}, "seven", 1_700_000_700)
    newest = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repository, capture_output=True, text=True).stdout
    before = cache.load()
    assert newest.strip() not in before
    assert read_history(repository, 50, 30, cache) == read_history(repository, 50, 30)
    after = cache.load()
    assert set(after) - set(before) == {newest.strip()}
    assert all(after[sha] == before[sha] for sha in before)
