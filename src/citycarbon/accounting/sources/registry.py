"""The registry of source types: every module in this package registers its own."""

from __future__ import annotations

from citycarbon.accounting.model import SourceType

__all__ = ["SOURCE_TYPES", "register", "source_type"]

SOURCE_TYPES: dict[str, SourceType] = {}


def register(source: SourceType) -> SourceType:
    """Add ``source`` to the registry; ids are unique."""
    if source.id in SOURCE_TYPES:
        raise ValueError(f"source type {source.id!r} registered twice")
    SOURCE_TYPES[source.id] = source
    return source


def source_type(source_id: str) -> SourceType:
    """The source type ``source_id``; :class:`KeyError` names the known ids when unknown."""
    if source_id not in SOURCE_TYPES:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(sorted(SOURCE_TYPES))}")
    return SOURCE_TYPES[source_id]
