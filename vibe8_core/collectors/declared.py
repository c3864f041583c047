"""Dependencies a project declares: requirements*.txt, pyproject.toml ([project] and Poetry), setup.cfg.

Only the analysed folder and its immediate subfolders are searched (an upload often wraps the project in
one top folder). Requirement strings are parsed with `packaging`; Poetry's `^` and `~` constraints are
translated to PEP 440 ranges so "is the latest release allowed" can be asked of them too.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from vibe8_core.collectors.files import EXCLUDED_DIRS

POETRY_CARET = re.compile(r"^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
POETRY_TILDE = re.compile(r"^~(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
BARE_VERSION = re.compile(r"^\d+(\.\d+)*$")


@dataclass(frozen=True)
class Declared:
    """One declared dependency."""

    name: str  # as written
    specifier: str  # PEP 440 specifier set as written ("" = any version)
    source: str  # POSIX path of the declaring file, relative to the root
    group: str  # "main", or the extra / Poetry group

    @property
    def key(self) -> str:
        return canonicalize_name(self.name)

    @property
    def pinned_version(self) -> str | None:
        """The version when the specifier pins exactly one (== or ===, no wildcard)."""
        try:
            specs = list(SpecifierSet(self.specifier))
        except InvalidSpecifier:
            return None
        if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
            return specs[0].version
        return None


def declaration_files(root: Path) -> list[Path]:
    """requirements*.txt, pyproject.toml and setup.cfg in `root` and its immediate subfolders."""
    folders = [root] + sorted(
        p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and p.name not in EXCLUDED_DIRS
    )
    found: list[Path] = []
    for folder in folders:
        found += sorted(p for p in folder.glob("requirements*.txt") if p.is_file() and not p.is_symlink())
        found += [p for p in (folder / "pyproject.toml", folder / "setup.cfg") if p.is_file() and not p.is_symlink()]
    return found


def _from_requirement(text: str, source: str, group: str, errors: list[str]) -> Declared | None:
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        errors.append(f"deps: {source}: cannot parse requirement {text[:80]!r} ({str(exc).splitlines()[0]}).")
        return None
    if requirement.url:
        return Declared(requirement.name, "", source, group)
    return Declared(requirement.name, str(requirement.specifier), source, group)


def parse_requirements_txt(text: str, source: str, errors: list[str]) -> list[Declared]:
    """Requirement lines; options (-r, -e, --index-url ...), URLs and comments are skipped."""
    declared = []
    for raw in text.replace("\\\n", "").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line or line.startswith("-") or "://" in line.split(";")[0].split("@")[0]:
            continue
        item = _from_requirement(line, source, "main", errors)
        if item:
            declared.append(item)
    return declared


def poetry_specifier(constraint: Any) -> str:
    """A Poetry version constraint as a PEP 440 specifier set ("" when it is '*' or not a string)."""
    if isinstance(constraint, dict):
        constraint = constraint.get("version", "*")
    if not isinstance(constraint, str) or constraint.strip() in ("", "*"):
        return ""
    parts = []
    for piece in (p.strip() for p in constraint.split(",")):
        caret, tilde = POETRY_CARET.match(piece), POETRY_TILDE.match(piece)
        if caret or tilde:
            numbers = [int(n) for n in (caret or tilde).groups() if n is not None]  # type: ignore[union-attr]
            bump = (
                next((i for i, n in enumerate(numbers) if n), len(numbers) - 1) if caret else min(1, len(numbers) - 1)
            )
            upper = numbers[: bump + 1]
            upper[-1] += 1
            parts += [f">={'.'.join(map(str, numbers))}", f"<{'.'.join(map(str, upper))}"]
        elif BARE_VERSION.match(piece):
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return ",".join(parts)


def _poetry(tool: dict[str, Any], source: str) -> list[Declared]:
    poetry = tool.get("poetry", {})
    groups: list[tuple[str, dict[str, Any]]] = [("main", poetry.get("dependencies", {}))]
    groups.append(("dev", poetry.get("dev-dependencies", {})))
    groups += [(name, group.get("dependencies", {})) for name, group in poetry.get("group", {}).items()]
    return [
        Declared(name, poetry_specifier(constraint), source, group)
        for group, table in groups
        for name, constraint in table.items()
        if name.lower() != "python"
    ]


def parse_pyproject(text: str, source: str, errors: list[str]) -> list[Declared]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        errors.append(f"deps: {source}: not valid TOML ({exc}).")
        return []
    project = data.get("project", {})
    lines = [(line, "main") for line in project.get("dependencies", [])]
    for extra, items in project.get("optional-dependencies", {}).items():
        lines += [(line, extra) for line in items]
    declared = [_from_requirement(line, source, group, errors) for line, group in lines if isinstance(line, str)]
    return [item for item in declared if item] + _poetry(data.get("tool", {}), source)


def parse_setup_cfg(text: str, source: str, errors: list[str]) -> list[Declared]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        errors.append(f"deps: {source}: not a valid setup.cfg ({str(exc).splitlines()[0]}).")
        return []
    lines = []
    if parser.has_option("options", "install_requires"):
        lines += [(line, "main") for line in parser.get("options", "install_requires").splitlines()]
    if parser.has_section("options.extras_require"):
        for extra, value in parser.items("options.extras_require"):
            lines += [(line, extra) for line in value.splitlines()]
    declared = [_from_requirement(line.strip(), source, group, errors) for line, group in lines if line.strip()]
    return [item for item in declared if item]


def declared_dependencies(root: Path, errors: list[str]) -> list[Declared]:
    """Every dependency declared in the project's declaration files, in file order."""
    parsers = {"pyproject.toml": parse_pyproject, "setup.cfg": parse_setup_cfg}
    declared: list[Declared] = []
    for path in declaration_files(root):
        source = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        parser = parsers.get(path.name, parse_requirements_txt)
        declared += parser(text, source, errors)
    return declared
