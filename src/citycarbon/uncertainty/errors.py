"""Refusals of uncertainty input: each names where it is (row or item), the column and the value."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ModelError", "UncertaintyError", "WorksheetError"]


class UncertaintyError(ValueError):
    """One refusal.

    ``row`` is the spreadsheet row of a CSV worksheet (header row 1, first data row 2) or the
    1-based position of a line handed in directly; ``item`` names a Monte Carlo model element
    (``"variable ef_coal"``, ``"cell 3"``); ``column`` is the column or field; ``value`` the value
    refused.
    """

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        item: str | None = None,
    ) -> None:
        self.message = message
        self.row = row
        self.column = column
        self.value = value
        self.item = item
        super().__init__(self.describe())

    def describe(self) -> str:
        """A sentence naming the item or row, the column and the value, then the problem."""
        where = []
        if self.item is not None:
            where.append(self.item)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            noun = "field" if self.item is not None and self.row is None else "column"
            where.append(f"{noun} {self.column}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        """The refusal as plain data."""
        value = self.value if isinstance(self.value, str | int | float | None) else str(self.value)
        return {
            "item": self.item,
            "row": self.row,
            "column": self.column,
            "value": value,
            "message": self.message,
        }


class _RefusalError(ValueError):
    def __init__(self, problems: Sequence[UncertaintyError]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.describe() for p in self.problems))


class WorksheetError(_RefusalError):
    """An Approach 1 worksheet refused as a whole: every problem found; nothing was computed."""


class ModelError(_RefusalError):
    """A Monte Carlo model (variables and cells) refused as a whole; nothing was simulated."""
