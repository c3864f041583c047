"""Clones go through the production code path, offline: https://github.com/ is rewritten by git's own
`url.<base>.insteadOf` to local bare repositories (see conftest.py)."""

from __future__ import annotations

import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.sources.builders import Remotes, StalledServer
from vibe8_core.analysis import analyze_folder
from vibe8_core.config import EngineSettings, SourceSettings
from vibe8_core.sources import SourceError, prepared_source
from vibe8_core.sources.gitconfig import clone_command, isolated_git_env


def github_job(repo: str, branch: str | None) -> dict[str, str | None]:
    return {"git_repo_url": f"https://github.com/octo/{repo}", "git_branch": branch}


def git_in(repo: Path, *args: str) -> str:
    env = isolated_git_env(repo.parent)
    result = subprocess.run(
        ["git", "--git-dir", str(repo / ".git"), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def remote_branches(repo: Path) -> set[str]:
    names = git_in(repo, "for-each-ref", "--format=%(refname:short)", "refs/remotes/").split()
    return set(names) - {"origin/HEAD", "origin"}


def test_clone_of_main_records_head_and_honours_depth(github_settings: SourceSettings, remotes: Remotes) -> None:
    steps: list[str] = []
    with prepared_source("github", github_job("demo.git", "main"), github_settings, steps.append) as source:
        assert source.commit_sha == remotes.main_shas[-1]
        assert source.is_git_checkout
        assert sorted(path.name for path in source.path.glob("*.py")) == [f"module_{i}.py" for i in range(5)]
        assert git_in(source.path, "rev-list", "--count", "HEAD") == "2"
        assert remote_branches(source.path) == {"origin/main"}
        assert git_in(source.path, "tag") == ""
        # core.symlinks=false: a link in the repository is checked out as a file holding its target.
        leak = source.path / "leak"
        assert not leak.is_symlink() and leak.read_text() == "/etc/passwd"
        assert not (source.path / ".git" / "hooks").exists()
        workspace = source.path.parent.parent
    assert steps == ["cloning"]
    assert not workspace.exists()


def test_clone_of_second_branch(github_settings: SourceSettings, remotes: Remotes) -> None:
    with prepared_source("github", github_job("demo", "feature"), github_settings) as source:
        assert source.commit_sha == remotes.feature_sha
        assert (source.path / "feature_b.py").read_text() == "B = 2\n"
        assert remote_branches(source.path) == {"origin/feature"}


def test_empty_branch_clones_the_default_branch(github_settings: SourceSettings, remotes: Remotes) -> None:
    with prepared_source("github", github_job("demo", ""), github_settings) as source:
        assert source.commit_sha == remotes.main_shas[-1]


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        (
            github_job("missing", "main"),
            "The repository https://github.com/octo/missing does not exist or is not public.",
        ),
        (github_job("demo", "nope"), "The branch 'nope' does not exist in https://github.com/octo/demo."),
        (
            {"git_repo_url": "ext::sh", "git_branch": "main"},
            "Only https:// repository URLs are accepted.",
        ),
        (github_job("demo", "--upload-pack=id"), "Branch names must not start with '-'."),
        ({"git_repo_url": ["https://github.com/octo/demo"]}, "The job's git_repo_url is not text."),
    ],
)
def test_refused_clone_is_one_clear_sentence(
    tmp_path: Path, github_settings: SourceSettings, job: dict[str, object], expected: str
) -> None:
    with pytest.raises(SourceError) as refused, prepared_source("github", job, github_settings):
        pytest.fail("unreachable")
    assert str(refused.value) == expected
    assert list((tmp_path / "work").iterdir()) == []


def test_clone_larger_than_the_limit_is_refused(github_settings: SourceSettings) -> None:
    settings = replace(github_settings, git_clone_max_bytes=512 * 1024)
    with (
        pytest.raises(SourceError, match=r"larger than 0\.5 MB, the limit"),
        prepared_source("github", github_job("big", "main"), settings),
    ):
        pytest.fail("unreachable")


def test_timeout_kills_the_whole_process_group(source_settings: SourceSettings, stalled_server: StalledServer) -> None:
    settings = replace(source_settings, git_extra_config=(stalled_server.rewrite,), git_clone_timeout_s=0.5)
    started = time.monotonic()
    with (
        pytest.raises(SourceError, match=r"took longer than 0\.5 seconds"),
        prepared_source("github", github_job("demo", "main"), settings),
    ):
        pytest.fail("unreachable")
    assert time.monotonic() - started < 5
    assert stalled_server.accepted, "git never reached the stalled server"
    # The connection belongs to git-remote-https, a child of git: it closes only if the group was killed.
    assert stalled_server.closed.wait(timeout=3)


def test_file_protocol_stays_forbidden_without_the_environment_gate(
    tmp_path: Path, github_settings: SourceSettings
) -> None:
    """Even with protocol.file.allow=always on the command line, the default environment refuses file://."""
    command, protocols = clone_command("https://github.com/octo/demo", "main", tmp_path / "repo", github_settings)
    assert protocols == ("file",)
    result = subprocess.run(command, cwd=tmp_path, env=isolated_git_env(tmp_path), capture_output=True, text=True)
    assert result.returncode != 0
    assert "transport 'file' not allowed" in result.stderr
    assert not (tmp_path / "repo").exists()


def test_size_cap_stops_a_clone_in_flight(source_settings: SourceSettings, stalled_server: StalledServer) -> None:
    """git writes .git/ before it reaches the stalled server; a cap below that size must stop it there."""
    settings = replace(
        source_settings,
        git_extra_config=(stalled_server.rewrite,),
        git_clone_max_bytes=64,
        git_clone_timeout_s=20,
    )
    started = time.monotonic()
    with (
        pytest.raises(SourceError, match="larger than"),
        prepared_source("github", github_job("demo", "main"), settings),
    ):
        pytest.fail("unreachable")
    assert time.monotonic() - started < 5
    assert stalled_server.closed.wait(timeout=3)


def test_a_default_clone_keeps_the_whole_history_so_blame_attributes_every_line(
    github_settings: SourceSettings, remotes: Remotes
) -> None:
    full = replace(github_settings, git_clone_depth=SourceSettings().git_clone_depth)
    engine = EngineSettings(workers=1, cache_max_mb=0, package_index_url="http://127.0.0.1:9/pypi")
    with prepared_source("github", github_job("demo", "main"), full) as source:
        assert git_in(source.path, "rev-list", "--count", "HEAD") == "5"
        assert git_in(source.path, "rev-parse", "--is-shallow-repository") == "false"
        result = analyze_folder(source.path, settings=engine, churn=source.is_git_checkout)
    authorship = result.metrics["authorship"]
    assert (authorship["human_lines"], authorship["ai_lines"], authorship["commits"]) == (5, 0, 5)
    assert not [error for error in result.errors if error.startswith("authorship")]


def test_a_shallow_clone_says_its_attribution_is_partial(github_settings: SourceSettings, remotes: Remotes) -> None:
    engine = EngineSettings(workers=1, cache_max_mb=0, package_index_url="http://127.0.0.1:9/pypi")
    with prepared_source("github", github_job("demo", "main"), github_settings) as source:
        result = analyze_folder(source.path, settings=engine, churn=source.is_git_checkout)
    assert result.metrics["authorship"]["commits"] == 2  # the boundary commit owns every older line
    assert any("the history is shallow, so the attribution is partial" in error for error in result.errors)
