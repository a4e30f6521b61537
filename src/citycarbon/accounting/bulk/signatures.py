"""Signatures and formula classes: which lines ``compute`` and ``check`` treat alike.

A source type's functions may branch on a line's choices, on the units of multi-unit fields
and on which optional fields are given, never on numbers. Those are the *dimensions*
(:class:`SignatureDim`) of a line's *signature*, one integer key per line
(:func:`line_signatures`). ``compute`` is traced once per distinct signature; signatures with
the same traced formula form one :class:`FormulaClass` (:func:`formula_classes`), computed
together. :func:`signature_strings` gives what the functions see for a signature, and
:class:`SignatureGroups` the lines of each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from citycarbon.accounting.bulk.batch import (
    BoolArray,
    CodeArray,
    FloatArray,
    IndexArray,
    SourceBlock,
    UnitArray,
)
from citycarbon.accounting.bulk.trace import Node, trace_compute
from citycarbon.accounting.model import SourceType


@dataclass(frozen=True)
class SignatureDim:
    """One thing ``compute`` or ``check`` may branch on: a choice, a unit, or a field's presence.

    Code 0 is *not given*; code ``k + 1`` is ``labels[k]`` (for ``present``: 1 = given).
    """

    kind: Literal["choice", "unit", "present"]
    field: str
    labels: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class FormulaClass:
    """Lines that run through the same traced formula.

    ``strings`` are the choices and units passed to ``compute`` (those of the class's first
    signature), ``numeric`` the numeric fields present, ``exprs`` the traced formula per gas
    (``None`` when untraceable), ``signatures`` the indices of the signatures in this class.
    """

    strings: Mapping[str, str]
    numeric: tuple[str, ...]
    exprs: Mapping[str, Node] | None
    signatures: tuple[int, ...]


def line_signatures(
    source: SourceType,
    block: SourceBlock,
    choices: Mapping[str, CodeArray],
    units: Mapping[str, UnitArray],
    columns: Mapping[str, FloatArray],
    optional: Sequence[str],
) -> tuple[
    tuple[SignatureDim, ...],
    npt.NDArray[Any] | None,
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
]:
    """Each line's combination of choices, units and presence, as one integer key (mixed
    radix over the dimensions); the distinct keys present, sorted; their codes per dim."""
    dims: list[SignatureDim] = []
    codes: list[npt.NDArray[Any]] = []
    for item in source.fields:
        if item.kind == "choice":
            labels = block.labels.get(item.name, ())
            if labels:
                dims.append(SignatureDim("choice", item.name, labels))
                codes.append(choices[item.name])
        elif item.name in units:
            dims.append(SignatureDim("unit", item.name, item.units))
            codes.append(units[item.name])
        if item.name in optional:
            dims.append(SignatureDim("present", item.name, ("given",)))
            codes.append(~np.isnan(columns[item.name]))
    if not dims or len(block) == 0:
        one = np.zeros(1, dtype=np.int64)
        return tuple(dims), None, one, np.zeros((1, len(dims)), dtype=np.int64)
    radix = [len(d.labels) + 1 for d in dims]
    space = math.prod(radix)
    dtype = np.int32 if space < 2**31 else np.int64
    # Codes are -1 (not given) .. k-1 for choices and units, 0/1 for presence; shifted so
    # that 0 is "not given".
    shift = [0 if d.kind == "present" else 1 for d in dims]
    key: npt.NDArray[Any] = codes[0].astype(dtype) + shift[0]
    for size, column, offset in zip(radix[1:], codes[1:], shift[1:], strict=True):
        np.multiply(key, size, out=key)
        np.add(key, column, out=key, casting="unsafe")
        if offset:
            np.add(key, offset, out=key)
    if space <= 4 * len(block) + 4096:
        present = np.flatnonzero(np.bincount(key, minlength=space)).astype(np.int64)
    else:
        present = np.unique(key).astype(np.int64)
    table = np.zeros((present.size, len(dims)), dtype=np.int64)
    rest = present.copy()
    for d in range(len(dims) - 1, -1, -1):
        table[:, d] = rest % radix[d]
        rest = rest // radix[d]
    return tuple(dims), key, present, table


def formula_classes(
    source: SourceType,
    dims: Sequence[SignatureDim],
    signatures: npt.NDArray[np.int64],
    columns: Mapping[str, FloatArray],
) -> tuple[tuple[FormulaClass, ...], IndexArray]:
    """Trace ``compute`` once per signature (row of ``signatures``); signatures with the same
    formula form one class (an untraceable one is a class of its own). Returns the classes and
    the class of each signature."""
    by_formula: dict[object, list[int]] = {}
    first: dict[object, tuple[dict[str, str], tuple[str, ...], dict[str, Node] | None]] = {}
    for index in range(signatures.shape[0]):
        strings, numeric = signature_strings(source, dims, signatures[index], columns)
        exprs = trace_compute(source, strings, numeric)
        key: object = ("untraced", index) if exprs is None else tuple(sorted(exprs.items()))
        by_formula.setdefault(key, []).append(index)
        first.setdefault(key, (strings, numeric, exprs))
    classes = []
    sig_class = np.zeros(signatures.shape[0], dtype=np.intp)
    for number, (key, members) in enumerate(by_formula.items()):
        strings, numeric, exprs = first[key]
        classes.append(FormulaClass(strings, numeric, exprs, tuple(members)))
        sig_class[members] = number
    return tuple(classes), sig_class


def line_classes(
    classes: Sequence[FormulaClass],
    sig_class: IndexArray,
    signature: npt.NDArray[Any] | None,
    keys: npt.NDArray[np.int64],
    size: int,
) -> IndexArray | None:
    """The formula class of each line (``None`` when there is only one class), from the class
    of each signature ``sig_class``; ``signature`` and ``keys`` as :func:`line_signatures`
    gives them for ``size`` lines."""
    if len(classes) <= 1:
        return None
    assert signature is not None
    if keys.size and keys[-1] <= 4 * size + 4096:
        lookup = np.zeros(int(keys[-1]) + 1, dtype=np.intp)
        lookup[keys] = sig_class
        line_class: IndexArray = lookup[signature]
        return line_class
    line_class = sig_class[np.searchsorted(keys, signature)]
    return line_class


def signature_strings(
    source: SourceType,
    dims: Sequence[SignatureDim],
    codes: npt.NDArray[np.int64],
    columns: Mapping[str, FloatArray],
) -> tuple[dict[str, str], tuple[str, ...]]:
    """What ``compute`` and ``check`` see for one signature: the choices and units as text, and
    the numeric fields present (as on the exact path, a field left out with no default is
    absent, and so is its unit)."""
    strings: dict[str, str] = {}
    absent: set[str] = set()
    for dim, code in zip(dims, codes.tolist(), strict=True):
        if dim.kind == "choice" and code:
            strings[dim.field] = dim.labels[code - 1]
        elif dim.kind == "unit" and code:
            strings[f"{dim.field}@unit"] = dim.labels[code - 1]
        elif dim.kind == "present" and not code:
            absent.add(dim.field)
    numeric = []
    for item in source.fields:
        if item.kind == "choice" or item.name in absent or item.name not in columns:
            strings.pop(f"{item.name}@unit", None)
            continue
        numeric.append(item.name)
        if len(item.units) <= 1:
            strings[f"{item.name}@unit"] = item.units[0] if item.units else ""
    return strings, tuple(numeric)


class SignatureGroups:
    """The lines of each signature, found by one stable sort when first asked for."""

    def __init__(self, signature: npt.NDArray[Any] | None, keys: npt.NDArray[np.int64]) -> None:
        self.signature = signature
        self.keys = keys
        self.order: IndexArray | None = None
        self.sorted: npt.NDArray[Any] | None = None

    def rows(self, index: int, line_error: BoolArray) -> IndexArray:
        """Lines of signature ``index`` not already in error, in order."""
        if self.signature is None:
            return np.flatnonzero(~line_error)
        if self.order is None or self.sorted is None:
            self.order = np.argsort(self.signature, kind="stable")
            self.sorted = self.signature[self.order]
        key = self.keys[index]
        start = int(np.searchsorted(self.sorted, key, side="left"))
        stop = int(np.searchsorted(self.sorted, key, side="right"))
        rows: IndexArray = self.order[start:stop]
        kept: IndexArray = rows[~line_error[rows]]
        return kept
