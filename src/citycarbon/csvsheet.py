"""Worksheets as CSV: the header and row handling the CSV worksheets of the kernel share.

A worksheet is a header row of column names (case-insensitive, in any order, a UTF-8 BOM
ignored) followed by rows; rows are numbered as in a spreadsheet (the header is row 1). Blank
rows are skipped; a row shorter than the header is padded with empty cells, a longer one is a
problem. Each reader turns the :class:`Problem` records into its own error type, so the
messages stay those of its package.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CsvSheet", "Problem", "number", "open_sheet", "text_of"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a worksheet: a message and where (row, column, value) when known."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None


def text_of(source: str | Path) -> str:
    """The text of ``source``: a path to a UTF-8 file (with or without BOM), or the CSV text
    itself when it is a ``str`` containing a line break."""
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return source
    return Path(source).read_text(encoding="utf-8-sig")


def number(text: str, *, percent: bool) -> float | None:
    """The finite number written in ``text`` (``12.5``; with ``percent`` also ``12.5%``), or
    ``None`` when it is not one."""
    cleaned = text.strip()
    if percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class CsvSheet:
    """An opened worksheet whose header was accepted; :meth:`rows` yields its data rows."""

    names: tuple[str, ...]
    _reader: Iterator[list[str]]
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index = {name: i for i, name in enumerate(self.names)}

    def has(self, name: str) -> bool:
        """Whether the worksheet has the column ``name``."""
        return name in self._index

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row number, {column: cell})`` for every non-blank row of the right width; a row
        with more cells than columns is recorded in :attr:`problems` and skipped."""
        width = len(self.names)
        for row_number, cells in enumerate(self._reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > width:
                self.problems.append(Problem(f"{len(cells)} cells for {width} columns", row_number))
                continue
            padded = cells + [""] * (width - len(cells))
            yield row_number, dict(zip(self.names, padded, strict=True))


def open_sheet(
    source: str | Path, columns: Sequence[str], required: Sequence[str]
) -> tuple[CsvSheet | None, list[Problem]]:
    """Open the worksheet ``source`` and check its header against the known ``columns`` and the
    ``required`` ones. Returns the sheet, or ``None`` and every problem of the header (an empty
    worksheet, an unknown, repeated or missing column)."""
    reader = csv.reader(io.StringIO(text_of(source)))
    header = next(reader, None)
    if header is None:
        return None, [Problem("the worksheet is empty")]
    names = tuple(h.strip().lstrip("\ufeff").strip().lower() for h in header)
    problems = [
        Problem(f"unknown column (expected {', '.join(columns)})", 1, name or "(blank)")
        for name in names
        if name not in columns
    ]
    if len(set(names)) != len(names):
        problems.append(Problem("a column appears twice", 1))
    problems.extend(
        Problem("required column is missing", 1, name) for name in required if name not in names
    )
    if problems:
        return None, problems
    return CsvSheet(names, reader), []
