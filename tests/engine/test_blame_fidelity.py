"""Per-file attribution equals what `git blame -w` itself says, on a generated history of a few hundred
commits (written with `git fast-import`: random inserts, deletions, edits and whitespace-only edits)."""

from __future__ import annotations

import random
import subprocess
from collections import Counter
from pathlib import Path

from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings
from .history import HistoryRepo

COMMITS = 300
FILES = [f"pkg/mod_{index}.py" for index in range(6)]
# Authors whose kind the e-mail alone decides, so the expectation needs no signal table.
AUTHORS = {
    "ann@example.com": ("Ann", "human"),
    "ben@example.com": ("Ben", "human"),
    "cursoragent@cursor.com": ("Cursor Agent", "ai"),
    "49699333+dependabot[bot]@users.noreply.github.com": ("dependabot[bot]", "automation"),
}


def _edit(lines: list[str], rng: random.Random, serial: int) -> list[str]:
    lines = list(lines)
    action = rng.choice(("insert", "insert", "delete", "edit", "whitespace"))
    where = rng.randrange(len(lines) + 1)
    if action == "insert" or not lines:
        lines[where:where] = [f"value_{serial}_{k} = {rng.randrange(1000)}" for k in range(rng.randint(1, 8))]
    elif action == "delete":
        del lines[min(where, len(lines) - 1) : where + rng.randint(1, 3)]
    elif action == "edit":
        lines[min(where, len(lines) - 1)] = f"edited_{serial} = {rng.randrange(1000)}"
    else:
        index = min(where, len(lines) - 1)
        lines[index] = lines[index].replace(" = ", "  =  ") + "  "
    return lines


def _fast_import_stream(rng: random.Random) -> bytes:
    contents: dict[str, list[str]] = {path: [] for path in FILES}
    chunks: list[bytes] = []
    emails = list(AUTHORS)
    for serial in range(1, COMMITS + 1):
        path = rng.choice(FILES)
        contents[path] = _edit(contents[path], rng, serial)
        email = rng.choice(emails)
        who = f"{AUTHORS[email][0]} <{email}> {1_700_000_000 + serial * 60} +0000"
        body = ("\n".join(contents[path]) + "\n").encode() if contents[path] else b""
        message = f"change {serial}\n".encode()
        chunks.append(
            f"commit refs/heads/main\nmark :{serial}\nauthor {who}\ncommitter {who}\n".encode()
            + f"data {len(message)}\n".encode() + message
            + (f"from :{serial - 1}\n".encode() if serial > 1 else b"")
            + f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n"
        )  # fmt: skip
    return b"".join(chunks)


def _git_blame_counts(root: Path, path: str) -> dict[str, int]:
    """Lines per kind from `git blame -w --line-porcelain` of the file, by the author's e-mail."""
    output = subprocess.run(
        ["git", "blame", "-w", "--line-porcelain", "--", path], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    kinds = Counter(
        AUTHORS[line[len("author-mail <") : -1]][1] for line in output.splitlines() if line.startswith("author-mail ")
    )
    return {kind: kinds.get(kind, 0) for kind in ("ai", "human", "automation")}


def test_per_file_counts_equal_git_blame_w(tmp_path: Path) -> None:
    repo = HistoryRepo(tmp_path / "generated")
    repo.git("fast-import", "--quiet", stdin=_fast_import_stream(random.Random(14)))
    repo.git("checkout", "--quiet", "--force", "main")
    result = analyze_folder(repo.path, settings=offline_settings(workers=2)).to_dict()
    files = {entry["path"]: entry for entry in result["file_tree"]["files"]}
    assert sorted(files) == [path for path in FILES if (repo.path / path).exists()]
    total = Counter[str]()
    for path, entry in files.items():
        expected = _git_blame_counts(repo.path, path)
        got = {"ai": entry["ai_lines"], "human": entry["human_lines"], "automation": entry["automation_lines"]}
        assert got == expected, path
        total.update(expected)
    section = result["metrics"]["authorship"]
    assert (section["ai_lines"], section["human_lines"], section["automation_lines"]) == (
        total["ai"],
        total["human"],
        total["automation"],
    )
    assert min(total.values()) > 0  # every kind is present, so the comparison means something
