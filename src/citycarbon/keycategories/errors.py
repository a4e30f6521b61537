"""Refusals of key-category input: each names the row, the column and the value."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["KeyCategoryError", "WorksheetError"]


class KeyCategoryError(ValueError):
    """One refusal, naming where it is: the worksheet row, the column and the value.

    ``row`` is the spreadsheet row number of a CSV worksheet (the header is row 1, the first
    category row 2), or the 1-based position of a :class:`~citycarbon.keycategories.Category`
    handed in directly; ``None`` when the problem is the worksheet as a whole.
    """

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.message = message
        self.row = row
        self.column = column
        self.value = value
        super().__init__(self.describe())

    def describe(self) -> str:
        """A sentence naming the row, the column and the value, then the problem."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        """The refusal as plain data."""
        value = self.value if isinstance(self.value, str | int | float | None) else str(self.value)
        return {"row": self.row, "column": self.column, "value": value, "message": self.message}


class WorksheetError(ValueError):
    """A worksheet refused as a whole: every problem found in it; nothing was computed."""

    def __init__(self, problems: Sequence[KeyCategoryError]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.describe() for p in self.problems))
