"""A run's stored JSON as typed records: `RunMetrics` (the `metrics` column) and `FileTree` of
`FileEntry` (the `file_tree` column), each with one `to_json` / `from_json`.

The records of each collector (its `MetricsSection` and `FileFields`) are named by the registry; what a
run stores for a collector the registry does not know (an older or newer engine's) is kept as stored in
`extra` and written back unchanged. The JSON shape is the seed's (/work/shared/seed/DATABASE.md) and
docs/METRICS.md's; tests/engine/golden/run.json pins it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from vibe8_core.collectors import registry
from vibe8_core.collectors.base import FileFields, MetricsSection
from vibe8_core.findings import Finding

SectionT = TypeVar("SectionT", bound=MetricsSection)
FieldsT = TypeVar("FieldsT", bound=FileFields)
FILE_TREE_VERSION = 1
# The keys of a file-tree entry that belong to no collector: scoring's severity and grade, and the file's own.
ENTRY_KEYS = ("path", "severity", "grade", "parse_error", "findings", "findings_not_stored")


def _mapping(data: Any) -> Mapping[str, Any]:
    return data if isinstance(data, Mapping) else {}


def stored_entries(file_tree: Any) -> list[Mapping[str, Any]]:
    """The stored entries of a `file_tree` object, for code that reads only some records of each (with
    `pick`) where reading whole `FileEntry`s of a large tree would cost too much."""
    files = _mapping(file_tree).get("files")
    return [entry for entry in files if isinstance(entry, Mapping)] if isinstance(files, list) else []


@dataclass(frozen=True)
class RunMetrics:
    """The `metrics` object: one section per registered collector, in the registry's order."""

    sections: Mapping[str, MetricsSection]
    extra: Mapping[str, Any] = field(default_factory=dict)  # sections of collectors not registered here

    @classmethod
    def from_json(cls, data: Any) -> RunMetrics:
        """A stored `metrics` object; a section that is missing (or not an object) reads as all null, but
        that of a collector added after runs were stored (`optional_section`) stays missing."""
        stored = _mapping(data)
        sections = {
            spec.name: spec.section_type.from_json(_mapping(stored.get(spec.name)))
            for spec in registry.specs()
            if spec.name in stored or not spec.optional_section  # a run stored before it keeps none
        }
        return cls(sections, {name: value for name, value in stored.items() if name not in sections})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: section.to_json() for name, section in self.sections.items()}
        data.update((name, value) for name, value in self.extra.items() if name not in data)
        return data

    def of(self, kind: type[SectionT]) -> SectionT:
        """The section whose record is `kind` (all null when this run has none)."""
        for section in self.sections.values():
            if isinstance(section, kind):
                return section
        return kind()

    def section(self, name: str) -> MetricsSection | None:
        return self.sections.get(name)

    def with_section(self, name: str, section: MetricsSection) -> RunMetrics:
        return replace(self, sections={**self.sections, name: section})


_EMPTY: dict[type[FileFields], FileFields] = {}


def _empty(kind: type[FieldsT]) -> FieldsT:
    """The record of a file a collector wrote nothing for; one per class (records never change)."""
    found = _EMPTY.get(kind)
    if found is None:
        found = _EMPTY[kind] = kind()
    return found  # type: ignore[return-value]  # stored under its own class


@dataclass(frozen=True)
class EntryLayout:
    """Which record reads which keys of a file-tree entry, worked out once per tree read."""

    collectors: tuple[tuple[str, type[FileFields], bool], ...]  # (name, its fields' record, optional section)
    claimed: frozenset[str]  # every key some record or the entry itself declares

    @classmethod
    def of_registry(cls) -> EntryLayout:
        specs = registry.specs()
        collectors = tuple((spec.name, spec.files_type, spec.optional_section) for spec in specs)
        claimed = {key for _, kind, _ in collectors for key in kind.stored_keys()}.union(ENTRY_KEYS)
        return cls(collectors, frozenset(claimed))


@dataclass(frozen=True)
class FileEntry:
    """One analysed file: each collector's fields (by collector name), its findings, and scoring's
    severity and grade. Stored flat: every collector's keys side by side with the entry's own."""

    path: str
    fields: Mapping[str, FileFields]
    severity: float = 0.0
    grade: str = "A"
    parse_error: str | None = None
    findings: tuple[Finding, ...] = ()
    findings_not_stored: int = 0  # findings left out by the per-collector cap (the counts stay exact)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls, path: str, parse_error: str | None = None) -> FileEntry:
        """A file's entry before any collector fills it: every declared field at its empty value."""
        return cls(path, {spec.name: _empty(spec.files_type) for spec in registry.specs()}, parse_error=parse_error)

    @classmethod
    def from_json(cls, data: Any, layout: EntryLayout | None = None) -> FileEntry:
        stored = _mapping(data)
        layout = layout or EntryLayout.of_registry()
        fields = {
            name: kind.pick(stored)
            for name, kind, optional in layout.collectors
            if not optional or not kind.stored_keys() or not stored.keys().isdisjoint(kind.stored_keys())
        }  # an entry stored before an optional collector existed keeps none of its fields
        findings = tuple(Finding.from_dict(item) for item in stored.get("findings") or () if isinstance(item, dict))
        return cls(
            str(stored.get("path") or ""), fields, float(stored.get("severity") or 0.0),
            str(stored.get("grade") or "A"), stored.get("parse_error"), findings,
            int(stored.get("findings_not_stored") or 0),
            {key: value for key, value in stored.items() if key not in layout.claimed},
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path}
        for fields in self.fields.values():
            data.update(fields.to_json())
        data.update(severity=self.severity, grade=self.grade, parse_error=self.parse_error)
        if self.findings_not_stored:
            data["findings_not_stored"] = self.findings_not_stored
        data["findings"] = [finding.to_dict() for finding in self.findings]
        data.update((key, value) for key, value in self.extra.items() if key not in data)
        return data

    def of(self, kind: type[FieldsT]) -> FieldsT:
        """The fields whose record is `kind` (their empty values when no collector wrote them)."""
        for fields in self.fields.values():
            if type(fields) is kind:
                return fields
        return _empty(kind)

    def with_fields(self, fields: FileFields) -> FileEntry:
        """The entry with the fields of the same record type replaced by `fields`."""
        name = next((name for name, held in self.fields.items() if type(held) is type(fields)), None)
        if name is None:
            raise LookupError(f"no collector of this entry writes {type(fields).__name__}")
        return replace(self, fields={**self.fields, name: fields})


@dataclass(frozen=True)
class FileTree:
    """The `file_tree` object: a version and one entry per analysed file."""

    files: tuple[FileEntry, ...]
    version: int = FILE_TREE_VERSION
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> FileTree:
        stored = _mapping(data)
        layout = EntryLayout.of_registry()
        files = stored.get("files") or ()
        entries = tuple(FileEntry.from_json(item, layout) for item in files if isinstance(item, dict))
        version = stored.get("version")
        extra = {key: value for key, value in stored.items() if key not in ("version", "files")}
        return cls(entries, version if isinstance(version, int) else FILE_TREE_VERSION, extra)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": self.version, "files": [entry.to_json() for entry in self.files]}
        data.update((key, value) for key, value in self.extra.items() if key not in data)
        return data

    def __iter__(self) -> Iterator[FileEntry]:
        return iter(self.files)

    def entry(self, path: str) -> FileEntry | None:
        return next((entry for entry in self.files if entry.path == path), None)
