"""deps: imports classified as standard library / third-party / local, and the health of declared packages.

A distribution name is matched to import names by normalising it (lower case, `-` and `.` to `_`) and
through KNOWN_ALIASES for the distributions whose import name differs (documented in docs/METRICS.md).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileSection,
    MetricsSection,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
    measure,
)
from vibe8_core.collectors.declared import Declared, declared_dependencies
from vibe8_core.collectors.package_index import latest_versions
from vibe8_core.jsonrecord import JsonRecord, json_field

KNOWN_ALIASES: dict[str, tuple[str, ...]] = {
    "pyyaml": ("yaml",), "beautifulsoup4": ("bs4",), "pillow": ("PIL",), "scikit-learn": ("sklearn",),
    "scikit-image": ("skimage",), "opencv-python": ("cv2",), "opencv-python-headless": ("cv2",),
    "python-dateutil": ("dateutil",), "pyjwt": ("jwt",), "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg",), "protobuf": ("google",), "attrs": ("attr", "attrs"),
    "python-dotenv": ("dotenv",), "pymysql": ("pymysql",), "mysqlclient": ("MySQLdb",),
    "pyserial": ("serial",), "pyzmq": ("zmq",), "setuptools": ("setuptools", "pkg_resources"),
    "typing-extensions": ("typing_extensions",), "msgpack-python": ("msgpack",), "pycryptodome": ("Crypto",),
    "google-cloud-storage": ("google",), "python-multipart": ("multipart",), "markdown": ("markdown",),
    "docutils": ("docutils",), "ruamel.yaml": ("ruamel",), "pywin32": ("win32api", "win32con", "pywintypes"),
    "streamlit-auth0": ("streamlit_auth0",), "sqlalchemy": ("sqlalchemy",), "pyopenssl": ("OpenSSL",),
}  # fmt: skip


def import_names(distribution: str) -> tuple[str, ...]:
    """The top-level import names a distribution is expected to provide."""
    key = distribution.lower().replace("_", "-").replace(".", "-")
    aliases = KNOWN_ALIASES.get(key) or KNOWN_ALIASES.get(distribution.lower())
    if aliases:
        return aliases
    return (key.replace("-", "_"),)


def local_modules(paths: list[str]) -> set[str]:
    """Names importable from inside the project: every folder and module name along every file's path."""
    names: set[str] = set()
    for path in paths:
        parts = PurePosixPath(path).parts
        names.update(parts[:-1])
        names.add(PurePosixPath(parts[-1]).stem)
    names.discard("__init__")
    return names


# Modules that exist only for type checkers (typeshed's stdlib stubs), imported under TYPE_CHECKING:
# part of the standard library's typing, never something to install.
TYPING_ONLY_MODULES = frozenset({"_typeshed"})


def classify(top: str, local: set[str]) -> str:
    if top in sys.stdlib_module_names or top in TYPING_ONLY_MODULES:
        return "stdlib"
    return "local" if top in local else "third_party"


@dataclass(frozen=True)
class PackageHealth(JsonRecord):
    """One declared package: where it is declared, whether it is imported, and how far behind PyPI it is.
    Runs stored before `status` existed leave it None (scoring.package_status reads them)."""

    name: str = ""
    specifier: str | None = None
    source: str | None = None
    group: str | None = None
    pinned: bool | None = None
    pinned_version: str | None = None
    imported: bool | None = None
    import_names: tuple[str, ...] = ()
    latest: str | None = None  # "unknown" when the package index did not answer
    outdated: bool | None = None
    status: str | None = None  # ok / outdated / unused / unknown


@dataclass(frozen=True)
class DepsMetrics(MetricsSection):
    total_modules: int | None = measure("neither", "count")
    package_health: tuple[PackageHealth, ...] | None = measure("neither", "list", items=PackageHealth)
    stdlib: tuple[str, ...] | None = measure("neither", "list")
    third_party: tuple[str, ...] | None = measure("neither", "list")
    local: tuple[str, ...] | None = measure("neither", "list")
    undeclared: tuple[str, ...] | None = measure("lower", "list")
    declaration_files: tuple[str, ...] | None = measure("neither", "list")


@dataclass(frozen=True)
class ImportRef(JsonRecord):
    """One imported name: its top-level module, the relative level (0: absolute) and the line."""

    module: str
    level: int
    line: int


@dataclass(frozen=True)
class DepsFileSection(FileSection):
    imports: tuple[ImportRef, ...] = json_field((), items=ImportRef)


def _health(item: Declared, imported: set[str], latest: str | None) -> PackageHealth:
    names = import_names(item.name)
    is_imported = any(name in imported for name in names)
    pinned = item.pinned_version
    outdated: bool | None = None
    if latest is not None:
        try:
            outdated = (
                Version(pinned) < Version(latest) if pinned else Version(latest) not in SpecifierSet(item.specifier)
            )
        except (InvalidVersion, InvalidSpecifier):
            outdated = None
    status = "unused" if not is_imported else ("unknown" if outdated is None else "outdated" if outdated else "ok")
    return PackageHealth(
        item.name, item.specifier, item.source, item.group, pinned is not None, pinned, is_imported, names,
        latest if latest is not None else "unknown", outdated, status,
    )  # fmt: skip


class DepsCollector(Collector):
    spec = CollectorSpec(
        name="deps",
        label="Dependencies",
        order=4,
        metrics=DepsMetrics,
        score=ScoreDecl(
            "Dependencies",
            "Share of declared packages that are used and up to date; "
            "higher is better (none when nothing is declared).",
        ),
        per_file_rank=3,
        needs_parse=True,
    )

    def analyse_file(self, source: ParsedSource) -> DepsFileSection | None:
        if source.tree is None:
            return None
        imports: list[ImportRef] = []
        for node in source.imports:
            if isinstance(node, ast.Import):
                imports += [ImportRef(alias.name.split(".")[0], 0, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imports.append(ImportRef((node.module or "").split(".")[0], node.level, node.lineno))
        return DepsFileSection(tuple(imports))

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        local = local_modules([record.path for record in project.files])
        classes: dict[str, set[str]] = {"stdlib": set(), "third_party": set(), "local": set()}
        for _, section in project.sections(self.name, DepsFileSection):
            for ref in section.imports:
                if ref.level == 0 and ref.module:
                    classes[classify(ref.module, local)].add(ref.module)
        declared = declared_dependencies(project.root, result.errors)
        settings = project.settings
        timeout = min(settings.package_index_timeout_s, project.time_left())
        latest = latest_versions(settings.package_index_url, [item.name for item in declared], timeout)
        imported = set().union(*classes.values())
        health = [_health(item, imported, latest.get(item.key)) for item in declared]
        declared_names = {name for item in declared for name in import_names(item.name)}
        result.metrics = DepsMetrics(
            total_modules=len(imported),
            package_health=tuple(health),
            stdlib=tuple(sorted(classes["stdlib"])),
            third_party=tuple(sorted(classes["third_party"])),
            local=tuple(sorted(classes["local"])),
            undeclared=tuple(sorted(classes["third_party"] - declared_names)),
            declaration_files=tuple(sorted({item.source for item in declared})),
        )
        return result
