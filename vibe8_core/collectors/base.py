"""What a collector is: declared measures, an optional per-file step, and a project-level step.

The per-file step (`analyse_file`) runs inside a worker process on a file that was read, decoded and
parsed once (`ParsedSource`); it returns a `FileSection` record, which crosses back to the parent (and
into the cache) as JSON. The project step (`collect`) runs in the parent over every file's sections and
may run cross-file tools (ruff, vulture, git); it returns the collector's `MetricsSection`, each file's
`FileFields` and findings. Those two records are the collector's declaration of what it stores: their
fields are the keys of `metrics[name]` and of a file-tree entry, with which way is better, how they
aggregate, and the explorer's columns (`measure`, `file_field`).
"""

from __future__ import annotations

import ast
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import MISSING, Field, dataclass, field, make_dataclass
from functools import cache, cached_property
from keyword import iskeyword
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, cast

from radon.raw import Module as RawModule
from radon.visitors import ComplexityVisitor

from vibe8_core.collectors.raw_lines import raw_counts
from vibe8_core.config import EngineSettings
from vibe8_core.findings import Finding
from vibe8_core.jsonrecord import JsonRecord, json_field

if TYPE_CHECKING:
    from vibe8_core.run_data import FileEntry

log = logging.getLogger(__name__)
# The fields of statements, exception handlers and match cases that hold statements.
STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")


Better = Literal["higher", "lower", "neither"]
Aggregate = Literal["sum", "mean", "ratio", "score", "list", "count"]
FieldValue = int | float | str | None | tuple[()]


MEASURE = "vibe8_measure"
FILE_FIELD = "vibe8_file_field"


@dataclass(frozen=True)
class Measure:
    """One key of `metrics[collector]`, in the order stored. aggregate "score": written by scoring.py."""

    key: str
    better: Better
    aggregate: Aggregate


@dataclass(frozen=True)
class FileField:
    """One key a collector writes into each file_tree entry, its value when the collector has nothing for
    the file, and, when `label` is set, the explorer column that shows it."""

    key: str
    empty: FieldValue
    label: str | None = None
    format: str = "%d"  # the explorer's number format
    kind: Literal["number", "text", "list", "mapping"] = "number"


def measure(
    better: Better, aggregate: Aggregate, *, key: str | None = None, items: type[JsonRecord] | None = None
) -> Any:
    """A field of a `MetricsSection`: a measure (None when the collector could not measure it)."""
    return json_field(None, key=key, items=items, metadata={MEASURE: (better, aggregate)})


def file_field(
    empty: FieldValue,
    label: str | None = None,
    format: str = "%d",
    kind: Literal["number", "text", "list", "mapping"] = "number",
    *,
    key: str | None = None,
    items: type[JsonRecord] | None = None,
) -> Any:
    """A field of a collector's `FileFields`: its value for a file it has nothing for, and, with a label,
    the explorer column that shows it."""
    return json_field(empty, key=key, items=items, metadata={FILE_FIELD: (label, format, kind)})


@dataclass(frozen=True)
class MetricsSection(JsonRecord):
    """A collector's section of the stored `metrics` object; subclasses declare its keys with `measure`."""

    @classmethod
    def measures(cls) -> tuple[Measure, ...]:
        return tuple(Measure(key, *spec.metadata[MEASURE]) for key, spec in cls.json_fields())


@dataclass(frozen=True)
class FileFields(JsonRecord):
    """The keys one collector writes into a file-tree entry; subclasses declare them with `file_field`."""

    @classmethod
    def declared(cls) -> tuple[FileField, ...]:
        return tuple(FileField(key, _default(spec), *spec.metadata[FILE_FIELD]) for key, spec in cls.json_fields())


def _default(spec: Field[Any]) -> FieldValue:
    if spec.default is MISSING:
        raise TypeError(f"file field {spec.name} needs its empty value as default")
    return cast(FieldValue, spec.default)


@dataclass(frozen=True)
class FileSection(JsonRecord):
    """What a collector's per-file step returns for one file (from a worker, through the cache)."""


def _field_name(key: str, index: int) -> str:
    return key if key.isidentifier() and not iskeyword(key) and key != "extra" else f"field_{index}"


@cache
def section_type(name: str, measures: tuple[Measure, ...]) -> type[MetricsSection]:
    """The record of a collector that declares its measures as a list (no class of its own)."""
    columns = [
        (_field_name(item.key, index), Any, measure(item.better, item.aggregate, key=item.key))
        for index, item in enumerate(measures)
    ]
    return make_dataclass(f"{name.title()}Metrics", columns, bases=(MetricsSection,), frozen=True)


@cache
def file_fields_type(name: str, declared: tuple[FileField, ...]) -> type[FileFields]:
    """The record of a collector that declares its file fields as a list (no class of its own)."""
    columns = [
        (_field_name(item.key, index), Any, file_field(item.empty, item.label, item.format, item.kind, key=item.key))
        for index, item in enumerate(declared)
    ]
    return make_dataclass(f"{name.title()}FileFields", columns, bases=(FileFields,), frozen=True)


@dataclass(frozen=True)
class ScoreDecl:
    """The collector's 0-100 score as people see it; scoring.py owns the formula (or, with `measure`,
    takes that measure as it is). `short`: the history table's column heading (none: not shown there)."""

    label: str
    meaning: str
    measure: str | None = None
    short: str | None = None


@dataclass(frozen=True)
class CollectorSpec:
    """Everything the rest of Vibe8 knows about a collector; progress steps, score cards, explorer
    columns, empty file entries and cache keys are all derived from these declarations.

    What it stores is declared once: either as records (`metrics`, `files`, whose fields give
    `measures` and `file_fields`) or as the lists `measures` and `file_fields` (records are then made
    from them); `section_type` and `files_type` are the records either way."""

    name: str  # its key in `metrics`, its progress step, its findings' `collector`
    label: str
    order: int  # position in `metrics` (the seed's order)
    metrics: type[MetricsSection] | None = None
    measures: tuple[Measure, ...] = ()
    files: type[FileFields] | None = None
    file_fields: tuple[FileField, ...] = ()
    score: ScoreDecl | None = None
    per_file_rank: int | None = None  # position in the per-file step (cheap first); None: no per-file step
    project_cacheable: bool = False  # its project step depends only on the files' paths and bytes
    tools: tuple[str, ...] = ()  # distributions whose versions its figures depend on (in cache keys)
    finding_label: str | None = None  # what the explorer calls its findings
    needs_parse: bool = False  # it measures only files that parse: no score when none does
    # Added after runs were stored (the seed's ten are not): a stored or imported run may lack its section,
    # and then keeps none (nothing is made up). Such a collector has no score.
    optional_section: bool = False

    def __post_init__(self) -> None:
        if self.metrics is not None:
            object.__setattr__(self, "measures", self.metrics.measures())
        if self.files is not None:
            object.__setattr__(self, "file_fields", self.files.declared())

    @property
    def section_type(self) -> type[MetricsSection]:
        return self.metrics if self.metrics is not None else section_type(self.name, self.measures)

    @property
    def files_type(self) -> type[FileFields]:
        return self.files if self.files is not None else file_fields_type(self.name, self.file_fields)

    @property
    def per_file(self) -> bool:
        return self.per_file_rank is not None

    @property
    def collected_keys(self) -> tuple[str, ...]:
        """The metrics keys the collector itself writes (every measure but the scores)."""
        return tuple(measure.key for measure in self.measures if measure.aggregate != "score")


@dataclass
class ParsedSource:
    """One Python file, read and decoded once; `tree` is None when it does not parse."""

    path: str  # POSIX path relative to the analysed root
    abs_path: Path
    text: str  # decoded text (undecodable bytes replaced, so line-based collectors still work)
    tree: ast.Module | None
    parse_error: str | None
    data: bytes  # the bytes as read (bandit's file-level tests read them, not the decoded text)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def raw_with_note(self) -> tuple[RawModule, str | None]:
        """radon raw's counts, shared by size and mi, and why plain counts replaced them (or None)."""
        return raw_counts(self.text, self.lines, self.tree)

    @property
    def raw(self) -> RawModule:
        return self.raw_with_note[0]

    @cached_property
    def imports(self) -> list[ast.Import | ast.ImportFrom]:
        """Every import statement, at any depth (shared by deps and dupes), in source order.

        Only statement lists are walked (an import is a statement; no expression holds one), which
        visits a sixth of the nodes `ast.walk` would."""
        if self.tree is None:
            raise ValueError("the file does not parse")
        found: list[ast.Import | ast.ImportFrom] = []
        pending: list[ast.AST] = [self.tree]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append(node)
                continue
            for name in STATEMENT_LISTS:
                children = getattr(node, name, None)
                if isinstance(children, list):
                    pending.extend(children)
        found.sort(key=lambda node: (node.lineno, node.col_offset))
        return found

    @cached_property
    def complexity(self) -> ComplexityVisitor:
        """radon's complexity visitor over the parsed tree, shared by cyclomatic and mi."""
        if self.tree is None:
            raise ValueError("the file does not parse")
        return ComplexityVisitor.from_ast(self.tree)


@dataclass
class FileRecord:
    """The per-file results a worker returned: one section per collector (None if that collector failed)."""

    path: str
    parse_error: str | None
    sections: dict[str, Any]
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "parse_error": self.parse_error,
            "sections": self.sections,
            "errors": self.errors,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileRecord:
        return cls(data["path"], data["parse_error"], data["sections"], list(data["errors"]))


SectionT = TypeVar("SectionT", bound=FileSection)


@dataclass
class ProjectContext:
    """Everything a collector's project step may use: the folder, every file's sections, the settings."""

    root: Path
    files: list[FileRecord]
    settings: EngineSettings
    deadline: float  # time.monotonic() by which the collector must be done
    run_isolated: Callable[..., Any]  # run a picklable function in a worker process and return its result
    churn: bool = True
    started: dict[str, Future[Any]] = field(default_factory=dict)  # collector name -> what its `start` began

    def time_left(self) -> float:
        return max(0.1, self.deadline - time.monotonic())

    def started_result(self, name: str) -> Any | None:
        """What collector `name`'s `start` began, once done; None when nothing was started or its worker
        was lost to another file's crash (then the collector runs the work once more itself)."""
        future = self.started.get(name)
        if future is None:
            return None
        try:
            return future.result(timeout=self.time_left())
        except TimeoutError:
            raise TimeoutError(f"no answer within {self.time_left():g} s") from None
        except Exception as exc:  # noqa: BLE001 - a lost worker: the caller runs the work again
            log.debug("the early step of %s failed (%s); running it again", name, type(exc).__name__)
            return None

    def sections(self, name: str, kind: type[SectionT]) -> Iterator[tuple[FileRecord, SectionT]]:
        """(file, section) for every file where collector `name` produced a section (of type `kind`)."""
        for record in self.files:
            section = record.sections.get(name)
            if section is not None:
                yield record, kind.from_json(section)


@dataclass(frozen=True)
class EarlyStart:
    """What a collector's `start` may use: the folder, the files within the size limit, ways to run a
    function in a worker process (`submit`: Python work on the files, isolated) or in a thread of this
    process (`in_thread`: waiting on git's own processes), the settings, and whether git history may be read."""

    root: Path
    paths: list[str]
    submit: Callable[..., Future[Any]]
    in_thread: Callable[..., Future[Any]]
    settings: EngineSettings
    history: bool


@dataclass
class CollectorResult:
    """A collector's project-level output: its metrics section (None: every measure null), each file's
    fields, findings and error entries."""

    metrics: MetricsSection | None = None
    files: dict[str, FileFields] = field(default_factory=dict)  # path -> its file_tree fields
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # path -> findings
    errors: list[str] = field(default_factory=list)

    def add_finding(self, path: str, finding: Finding) -> None:
        self.findings.setdefault(path, []).append(finding)


class Collector:
    """Base class: subclasses set `spec`, and override `collect` (and `analyse_file` when spec.per_file)."""

    spec: ClassVar[CollectorSpec]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def per_file(self) -> bool:
        return self.spec.per_file

    def analyse_file(self, source: ParsedSource) -> FileSection | None:
        """Per-file step, run in a worker; the default collector has none."""
        return None

    def start(self, early: EarlyStart) -> Future[Any] | None:
        """Optionally begin, in a worker, cross-file work that needs only the files themselves (and, when
        `early.history`, their git history), so that it runs beside the per-file phase; `collect` finds
        the future in `project.started`. Default: nothing."""
        return None

    def finish_entry(self, entry: FileEntry, findings: Sequence[Finding]) -> FileEntry:
        """Once every collector's fields and stored findings are in a file's entry: join them (authorship
        marks blocks and findings). `findings`: every finding of the file, before the stored cap, so
        that counts stay exact. Default: the entry as it is."""
        return entry

    def collect(self, project: ProjectContext) -> CollectorResult:
        """The project step: measures only (scoring.py adds the scores), per-file fields and findings."""
        raise NotImplementedError

    def empty_metrics(self) -> MetricsSection:
        """The measures left when the collector failed or ran out of time: every key null."""
        return self.spec.section_type()
