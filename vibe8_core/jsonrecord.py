"""Frozen records that cross a boundary as JSON: one `to_json` / `from_json` for every one of them.

A record's fields are its stored keys, in stored order (`json_field(key=…)` where the key is not a
Python name). Reading keeps every key the record does not declare in `extra` and writing puts them
back after the declared ones, so a run stored by an older or a newer engine reads and writes unchanged.
A list field of records names their type (`items=`), a nested record its type (`record=`); other lists
become tuples, so a record holds no list that could change under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from typing import Any, Self, TypeVar

KEY = "vibe8_json_key"
ITEMS = "vibe8_json_items"
RECORD = "vibe8_json_record"


def json_field(
    default: Any = None,
    *,
    key: str | None = None,
    items: type[JsonRecord] | None = None,
    record: type[JsonRecord] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """A record's field: its default (the value when the key is absent), its stored key when that is
    not the field's name, and the record type of its items or of its value."""
    meta = {**(metadata or {}), KEY: key, ITEMS: items, RECORD: record}
    return field(default=default, metadata=meta)


_SCALARS = (str, int, float, bool, type(None))


def _encode(value: Any) -> Any:
    if type(value) in _SCALARS:  # most values: nothing to convert
        return value
    if isinstance(value, JsonRecord):
        return value.to_json()
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode(value: Any, items: type[JsonRecord] | None, record: type[JsonRecord] | None) -> Any:
    if value is None:
        return None
    if record is not None:
        return record.from_json(value)
    if isinstance(value, list):
        if items is not None:
            return tuple(items.from_json(item) for item in value if isinstance(item, Mapping))
        return tuple(value)
    return value


RecordT = TypeVar("RecordT")


def copy_with(record: RecordT, **values: Any) -> RecordT:
    """A copy of a frozen dataclass with some fields set, without running its __init__ again (what
    `dataclasses.replace` does, at a fraction of its cost, for fields that need no checking)."""
    copied = object.__new__(type(record))
    copied.__dict__.update(record.__dict__)
    copied.__dict__.update(values)
    return copied


def json_key(spec: Field[Any]) -> str:
    return spec.metadata.get(KEY) or spec.name


@dataclass(frozen=True)
class JsonRecord:
    """Base of every record: subclasses are frozen dataclasses whose fields are their stored keys."""

    extra: Mapping[str, Any] = field(default_factory=dict, kw_only=True, repr=False)

    @classmethod
    def json_fields(cls) -> tuple[tuple[str, Field[Any]], ...]:
        """(stored key, field) for every declared field, in stored order."""
        return _declared(cls)

    @classmethod
    def stored_keys(cls) -> tuple[str, ...]:
        return _slots(cls).keys

    def to_json(self) -> dict[str, Any]:
        values = self.__dict__
        data = {key: _encode(values[name]) for key, name in _slots(type(self)).names}
        data.update((key, value) for key, value in self.extra.items() if key not in data)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """The record of a stored object; keys it does not declare are kept in `extra`."""
        record = cls.pick(data)
        declared = _slots(cls).key_set
        extra = {key: value for key, value in data.items() if key not in declared}
        return record if not extra else cls(**record._values(), extra=extra)

    @classmethod
    def pick(cls, data: Any) -> Self:
        """The record of the declared keys of `data` only (a flat object shared by several records)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{cls.__name__}: a stored object was expected, not {type(data).__name__}.")
        values = {
            name: _decode(data[key], items, record) for key, name, items, record in _slots(cls).decoders if key in data
        }
        try:
            return cls(**values)
        except TypeError as exc:
            raise ValueError(f"{cls.__name__}: {exc}") from None

    def value(self, key: str) -> Any:
        """The value stored under `key` (for code that walks the registry's declarations, not a page)."""
        for stored, spec in self.json_fields():
            if stored == key:
                return getattr(self, spec.name)
        return self.extra.get(key)

    def with_values(self, values: Mapping[str, Any]) -> Self:
        """A copy with the values of some stored keys replaced (a key it does not declare goes to `extra`)."""
        names = _slots(type(self)).name_of
        declared = {names[key]: value for key, value in values.items() if key in names}
        extra = {key: value for key, value in values.items() if key not in names}
        if not declared:  # only marks beside the declared keys (authorship's on a block): a plain copy
            return copy_with(self, extra={**self.extra, **extra})
        return replace(self, **declared, extra={**self.extra, **extra}) if extra else replace(self, **declared)

    def _values(self) -> dict[str, Any]:
        return {spec.name: getattr(self, spec.name) for _, spec in self.json_fields()}


@dataclass(frozen=True)
class _Slots:
    """A record class's fields, looked up once: (key, field) pairs, and how each key is read."""

    fields: tuple[tuple[str, Field[Any]], ...]
    names: tuple[tuple[str, str], ...]  # (stored key, field name)
    name_of: Mapping[str, str]  # stored key -> field name
    keys: tuple[str, ...]
    key_set: frozenset[str]
    decoders: tuple[tuple[str, str, type[JsonRecord] | None, type[JsonRecord] | None], ...]


_SLOTS: dict[type, _Slots] = {}


def _slots(cls: type[JsonRecord]) -> _Slots:
    found = _SLOTS.get(cls)
    if found is None:
        pairs = tuple((json_key(spec), spec) for spec in fields(cls) if spec.name != "extra")
        decoders = tuple((key, spec.name, spec.metadata.get(ITEMS), spec.metadata.get(RECORD)) for key, spec in pairs)
        keys = tuple(key for key, _ in pairs)
        names = tuple((key, spec.name) for key, spec in pairs)
        found = _SLOTS[cls] = _Slots(pairs, names, dict(names), keys, frozenset(keys), decoders)
    return found


def _declared(cls: type[JsonRecord]) -> tuple[tuple[str, Field[Any]], ...]:
    return _slots(cls).fields
