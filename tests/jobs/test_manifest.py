"""Batch manifests: every row validated first with one reason, resubmission reuses runs and jobs, batch
progress, and the research export of the study, through the command line (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from tests.jobs.conftest import GOOD_PY, make_zip
from tests.sources.builders import Remotes
from vibe8_core.cli import main
from vibe8_core.study.columns import columns
from vibe8_core.study.manifest import ManifestError, parse_manifest

HEADER = "source,branch,project,author_type,author_model,study\n"


@pytest.fixture
def manifest_env(cli_env: Path, monkeypatch: pytest.MonkeyPatch, remotes: Remotes) -> Path:
    """The command line's environment, with https://github.com/ served from local bare repositories."""
    monkeypatch.setenv("VIBE8_GIT_EXTRA_CONFIG", f"url.file://{remotes.root}/.insteadOf=https://github.com/")
    return cli_env


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _manifest(folder: Path) -> Path:
    (folder / "human.zip").write_bytes(make_zip({"calc/a.py": GOOD_PY}))
    (folder / "ai.zip").write_bytes(make_zip({"calc/a.py": GOOD_PY + b"\n\ndef sub(a, b):\n    return a - b\n"}))
    (folder / "broken.zip").write_bytes(b"not a zip at all")
    rows = [
        "human.zip,,calc,human,developer,bench",
        "ai.zip,,calc,ai,claude,bench",
        "https://github.com/octo/demo,feature,demo,ai,copilot,bench",
        "https://github.com/octo/demo,nope,demo,human,,bench",
        "broken.zip,,x,human,,bench",
        "missing.zip,,x,human,,bench",
        "ai.zip,,calc,ai,,bench",
        "human.zip,,calc,human,developer,bench",
    ]
    path = folder / "study.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return path


def test_manifest_validates_queues_reuses_reports_progress_and_exports(manifest_env: Path, capsys, remotes) -> None:
    manifest = _manifest(manifest_env)
    code, out, err = _run(capsys, "submit", "--manifest", str(manifest), "--user", "ada@example.com")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 8 and "3 row(s) accepted (3 queued, 0 reused), 5 refused." in err
    status = {int(line.split()[1]): line for line in lines}
    assert all("queued" in status[n] for n in (2, 3, 4))
    assert "does not exist" in status[5] and "not a zip archive" in status[6] and "no file named" in status[7]
    assert "Name the AI model" in status[8] and "already on line 2" in status[9]

    code, out, _ = _run(capsys, "jobs", "--user", "ada@example.com", "--study", "bench")
    assert out.strip() == "Study bench: 0 done, 0 failed, 3 waiting, estimating the time left"
    again = _run(capsys, "submit", "--manifest", str(manifest), "--user", "ada@example.com")
    assert "0 queued, 3 reused" in again[2] and again[1].count("already queued as job") == 3

    assert _run(capsys, "worker", "--drain")[0] == 0
    assert _run(capsys, "jobs", "--user", "ada@example.com", "--study", "bench")[1].startswith(
        "Study bench: 3 done, 0 failed, 0 waiting, finished"
    )
    code, out, err = _run(capsys, "submit", "--manifest", str(manifest), "--user", "ada@example.com")
    assert "0 queued, 3 reused" in err and out.count("already analysed as run") == 3

    table = manifest_env / "functions.parquet"
    code, _, _ = _run(capsys, "export", "--study", "bench", "--format", "parquet", "--level", "function",
                      "--user", "ada@example.com", "--output", str(table))  # fmt: skip
    functions = pd.read_parquet(table)
    assert code == 0 and list(functions.columns) == [c.name for c in columns("function")]
    assert set(functions["project"]) == {"calc"} and {"add", "sub"} <= set(functions["name"])  # demo has no def
    code, out, _ = _run(capsys, "export", "--study", "bench", "--level", "file", "--user", "ada@example.com")
    files = pd.read_csv(io.StringIO(out))
    assert set(files.loc[files["project"] == "demo", "git_commit_sha"]) == {remotes.feature_sha}
    assert len(files[files["project"] == "demo"]) == 7
    code, out, _ = _run(capsys, "export", "--study", "bench", "--user", "ada@example.com")
    runs = pd.read_csv(io.StringIO(out))
    assert len(runs) == 3 and set(runs["author_model"]) == {"developer", "claude", "copilot"}
    assert runs["tool_versions"].str.contains("ruff=").all() and runs["lint_per_ksloc"].notna().all()


def test_refusals_are_one_line(manifest_env: Path, capsys) -> None:
    code, _, err = _run(capsys, "export", "--study", "nothing", "--user", "ada@example.com")
    assert code == 2 and err.strip() == "vibe8: You have no runs in a study named 'nothing'."
    bad = manifest_env / "bad.csv"
    bad.write_text("source,project\nx.zip,p\n")
    code, _, err = _run(capsys, "submit", "--manifest", str(bad), "--user", "ada@example.com")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "lacks the column(s)" in err
    code, _, err = _run(capsys, "jobs", "--user", "ada@example.com", "--study", "nothing")
    assert code == 2 and "no runs or jobs in a study named 'nothing'" in err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "lacks the column"),
        (HEADER.encode(), "has no rows"),
        (b"\xff\xfe" + HEADER.encode(), "not UTF-8"),
        ((HEADER + "a\x00,b,c,human,d,e\n").encode(), "NUL byte"),
        ((HEADER.strip() + ",extra\n").encode(), "unknown column"),
        ((HEADER + "a.zip,,p,human,d,s\n" * 1001).encode(), "more than 1000 rows"),
    ],
)
def test_unreadable_manifests_are_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_manifest(data)
