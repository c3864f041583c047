"""Re-analysing a later commit of the same repository on a warm cache gives exactly what a cold analysis
gives, and blames again only the files that commits since the cached one changed (merges included)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings
from .history import HistoryRepo

CLAUDE = "\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"
CODEX = ("Codex", "noreply@openai.com")


def _module(name: str, lines: int) -> str:
    return "".join(f"def {name}_{index}(x):\n    return x + {index}\n\n\n" for index in range(lines))


def _first_history(repo: HistoryRepo) -> None:
    for name in ("alpha", "beta", "gamma", "delta", "kept"):
        repo.write(f"pkg/{name}.py", _module(name, 3))
    repo.commit("start")
    repo.append("pkg/alpha.py", _module("alpha_ai", 2))
    repo.commit("alpha grows" + CLAUDE)
    repo.git("checkout", "--quiet", "-b", "side")
    repo.append("pkg/beta.py", _module("beta_side", 2))
    repo.commit("beta on a side branch" + CLAUDE)
    repo.git("checkout", "--quiet", "main")


def _later_history(repo: HistoryRepo) -> None:
    """Commits after the first analysis: a merge bringing beta's side change, a change to gamma that is
    reverted, a whitespace-only edit of delta, a new file, an ignore-revs file, and an uncommitted edit."""
    repo.append("pkg/alpha.py", _module("alpha_more", 1))
    repo.commit("alpha more")
    repo.git("merge", "--quiet", "--no-ff", "-m", "merge side", "side")
    before = (repo.path / "pkg/gamma.py").read_text()
    repo.write("pkg/gamma.py", before.replace("return x + 1", "return x - 1"))
    repo.commit("gamma changed", author=CODEX)
    repo.write("pkg/gamma.py", before)
    repo.commit("gamma back")
    repo.write("pkg/delta.py", (repo.path / "pkg/delta.py").read_text().replace("return x", "return  x"))
    tweak = repo.commit("delta whitespace" + CLAUDE)
    repo.write("pkg/new.py", _module("new", 2))
    repo.commit("new module" + CLAUDE)
    repo.write(".git-blame-ignore-revs", f"{tweak}\n")
    repo.commit("ignore the whitespace commit")
    repo.append("pkg/kept.py", "UNCOMMITTED = 1\n")


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "errors": sorted(result["errors"])}


def test_a_later_commit_on_a_warm_cache_equals_a_cold_analysis(tmp_path: Path, blamed_paths: list[str]) -> None:
    repo = HistoryRepo(tmp_path / "repo")
    _first_history(repo)
    warm = offline_settings(workers=1, cache_dir=tmp_path / "cache", cache_max_mb=64)
    analyze_folder(repo.path, settings=warm)
    assert sorted(blamed_paths) == [f"pkg/{name}.py" for name in ("alpha", "beta", "delta", "gamma", "kept")]
    _later_history(repo)
    blamed_paths.clear()
    again = analyze_folder(repo.path, settings=warm).to_dict()
    # the ignore-revs file changed, so every file is blamed again; then only what the next commit touches
    assert sorted(blamed_paths) == [f"pkg/{name}.py" for name in ("alpha", "beta", "delta", "gamma", "kept", "new")]
    cold = analyze_folder(repo.path, settings=offline_settings(workers=1)).to_dict()
    assert _comparable(again) == _comparable(cold)

    repo.append("pkg/beta.py", _module("beta_last", 1))
    repo.commit("beta last" + CLAUDE)
    blamed_paths.clear()
    last = analyze_folder(repo.path, settings=warm).to_dict()
    assert sorted(blamed_paths) == ["pkg/beta.py", "pkg/kept.py"]  # the commit took kept.py's pending line too
    assert _comparable(last) == _comparable(analyze_folder(repo.path, settings=offline_settings(workers=1)).to_dict())
    assert last["metrics"]["authorship"]["ai_lines"] > 0


def test_merges_and_reverts_since_the_cached_commit_are_blamed_again(tmp_path: Path, blamed_paths: list[str]) -> None:
    repo = HistoryRepo(tmp_path / "repo")
    _first_history(repo)
    warm = offline_settings(workers=1, cache_dir=tmp_path / "cache", cache_max_mb=64)
    analyze_folder(repo.path, settings=warm)
    repo.git("merge", "--quiet", "--no-ff", "-m", "merge side", "side")  # beta changes only through the merge
    before = (repo.path / "pkg/gamma.py").read_text()
    repo.write("pkg/gamma.py", before + "X = 1\n")
    repo.commit("gamma changed", author=CODEX)
    repo.write("pkg/gamma.py", before)
    repo.commit("gamma back")  # same bytes as before, other history
    blamed_paths.clear()
    again = analyze_folder(repo.path, settings=warm).to_dict()
    assert sorted(blamed_paths) == ["pkg/beta.py", "pkg/gamma.py"]
    assert _comparable(again) == _comparable(analyze_folder(repo.path, settings=offline_settings(workers=1)).to_dict())


def test_the_commit_graph_is_kept_in_the_cache_never_in_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = HistoryRepo(tmp_path / "repo")
    _first_history(repo)
    status = repo.git("status", "--porcelain", "--ignored")
    monkeypatch.chdir(tmp_path)  # the cache folder as the default names it: relative to the working folder
    analyze_folder(repo.path, settings=offline_settings(workers=1, cache_dir=Path("cache"), cache_max_mb=64))
    assert not list((repo.path / ".git" / "objects" / "info").glob("commit-graph*"))
    assert repo.git("status", "--porcelain", "--ignored") == status
    graphs = list((tmp_path / "cache" / "commit-graph").glob("*/*/objects/info/commit-graphs/*.graph"))
    assert len(graphs) == 1
    verified = subprocess.run(
        ["git", "commit-graph", "verify", "--object-dir", str(graphs[0].parents[2])], cwd=repo.path,
        env={"GIT_ALTERNATE_OBJECT_DIRECTORIES": str(graphs[0].parents[2]), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
