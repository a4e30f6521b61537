"""Formula trees: tracing ``compute`` and ``check`` with symbolic numbers, and evaluating the trees.

A source type's ``compute`` may branch on choices, units and which fields are given, never on
numbers. :func:`trace_compute` calls it once for one combination of those with a
:class:`Symbol` in place of each number: arithmetic on symbols builds a formula tree
(:data:`Node`), and anything else (converting, printing, hashing a number) makes the function
untraceable. Lines whose combinations give the same tree can be computed together.

A ``check`` may compare numbers (recovered ≤ generated). :func:`explore` runs it once per path
through those comparisons, each comparison a symbolic condition whose outcome the explorer
chooses, and returns every path with the comparisons taken and what the check found on it.
:func:`evaluate` computes a tree on columns and :func:`condition` decides a comparison on
columns, marking the lines too close to call in floating point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from decimal import Decimal
from typing import Any, Final, cast

import numpy as np

from citycarbon.accounting.bulk.batch import BoolArray
from citycarbon.accounting.model import SourceType, Value

#: A traced formula: ``("field", name)``, ``("const", text)``, ``("neg", node)`` or
#: ``(op, left, right)`` with ``op`` one of ``+ - * / **``.
Node = tuple[Any, ...]


class _UntraceableError(Exception):
    """The function did something with a number other than + - * / (compare, convert ...)."""


def _as_node(value: object) -> Node:
    """The tree of an operand: a symbol's own, or a constant (ints and Decimals as written,
    floats as their shortest repr)."""
    if isinstance(value, Symbol):
        return value.node
    if isinstance(value, bool):
        raise _UntraceableError("a boolean used as a number")
    if isinstance(value, (int, Decimal)):
        return ("const", str(value))
    if isinstance(value, (float, np.floating)):
        return ("const", repr(float(value)))
    raise _UntraceableError(f"operand of type {type(value).__name__}")


class Symbol:
    """A symbolic number: arithmetic builds a formula tree, anything else is refused."""

    __slots__ = ("node",)
    __array_ufunc__ = None  # numpy scalars defer to the reflected operators below

    def __init__(self, node: Node) -> None:
        self.node = node

    def _op(self, op: str, other: object, reflected: bool) -> Symbol:
        other_node = _as_node(other)
        return Symbol((op, other_node, self.node) if reflected else (op, self.node, other_node))

    def __add__(self, other: object) -> Symbol:
        return self._op("+", other, False)

    def __radd__(self, other: object) -> Symbol:
        return self._op("+", other, True)

    def __sub__(self, other: object) -> Symbol:
        return self._op("-", other, False)

    def __rsub__(self, other: object) -> Symbol:
        return self._op("-", other, True)

    def __mul__(self, other: object) -> Symbol:
        return self._op("*", other, False)

    def __rmul__(self, other: object) -> Symbol:
        return self._op("*", other, True)

    def __truediv__(self, other: object) -> Symbol:
        return self._op("/", other, False)

    def __rtruediv__(self, other: object) -> Symbol:
        return self._op("/", other, True)

    def __pow__(self, other: object) -> Symbol:
        return self._op("**", other, False)

    def __rpow__(self, other: object) -> Symbol:
        return self._op("**", other, True)

    def __neg__(self) -> Symbol:
        return Symbol(("neg", self.node))

    def __pos__(self) -> Symbol:
        return self

    def _compare(self, op: str, other: object) -> Any:
        explorer = _EXPLORER.get()
        if explorer is None:
            raise _UntraceableError("a formula compared numbers")
        return _Cond((op, self.node, _as_node(other)), explorer)

    def __lt__(self, other: object) -> Any:
        return self._compare("<", other)

    def __le__(self, other: object) -> Any:
        return self._compare("<=", other)

    def __gt__(self, other: object) -> Any:
        return self._compare(">", other)

    def __ge__(self, other: object) -> Any:
        return self._compare(">=", other)

    def __eq__(self, other: object) -> Any:
        if isinstance(other, (Symbol, int, float, Decimal, np.number)):
            return self._compare("==", other)
        return False

    def __ne__(self, other: object) -> Any:
        if isinstance(other, (Symbol, int, float, Decimal, np.number)):
            return self._compare("!=", other)
        return True

    def _refuse(self, *args: object) -> Any:
        raise _UntraceableError("a number was converted, tested or printed")

    __bool__ = __float__ = __int__ = __index__ = __abs__ = __round__ = _refuse
    __floordiv__ = __mod__ = __hash__ = __str__ = __format__ = _refuse


class _Cond:
    """A comparison of symbolic numbers; testing it takes the branch the explorer says."""

    __slots__ = ("explorer", "node")

    def __init__(self, node: Node, explorer: _Explorer) -> None:
        self.node = node
        self.explorer = explorer

    def __bool__(self) -> bool:
        return self.explorer.decide(self.node)


class _Explorer:
    """Walks one path through a check: the branches given in ``prefix``, then ``False``."""

    limit: Final = 16

    def __init__(self, prefix: Sequence[bool]) -> None:
        self.prefix = prefix
        self.path: list[tuple[Node, bool]] = []

    def decide(self, node: Node) -> bool:
        step = len(self.path)
        if step >= self.limit:
            raise _UntraceableError("too many comparisons")
        choice = self.prefix[step] if step < len(self.prefix) else False
        self.path.append((node, choice))
        return choice


_EXPLORER: ContextVar[_Explorer | None] = ContextVar("citycarbon_bulk_explorer", default=None)

#: At most this many paths through one check are explored; beyond, lines are checked one by one.
_MAX_PATHS: Final = 64


def explore(
    check: Callable[[Mapping[str, Value]], list[tuple[str, str]]], values: Mapping[str, object]
) -> list[tuple[list[tuple[Node, bool]], list[tuple[str, str]] | None]]:
    """Every path through ``check``: the comparisons taken, and its result (``None`` when the
    path does something that needs actual numbers, such as printing one in a message)."""
    stack: list[list[bool]] = [[]]
    paths: list[tuple[list[tuple[Node, bool]], list[tuple[str, str]] | None]] = []
    while stack:
        prefix = stack.pop()
        explorer = _Explorer(prefix)
        token = _EXPLORER.set(explorer)
        result: list[tuple[str, str]] | None
        try:
            result = check(cast(Mapping[str, Value], values))
        except _UntraceableError:
            result = None
        finally:
            _EXPLORER.reset(token)
        paths.append((explorer.path, result))
        if len(paths) > _MAX_PATHS:
            raise _UntraceableError("too many paths")
        for step in range(len(prefix), len(explorer.path)):
            stack.append([d for _, d in explorer.path[:step]] + [True])
    return paths


def trace_compute(
    source: SourceType, strings: Mapping[str, str], numeric: Iterable[str]
) -> dict[str, Node] | None:
    """The formula ``source.compute`` applies, per gas, for one combination of choices and units.

    Parameters
    ----------
    source : SourceType
    strings : mapping of str to str
        The choice values and ``"<field>@unit"`` entries, as the exact path passes them.
    numeric : iterable of str
        The numeric fields present; each becomes a symbol ``("field", name)``.

    Returns
    -------
    dict or None
        Gas id → formula tree, or ``None`` when the function does more than arithmetic on the
        numbers (it then runs on arrays directly, or line by line for checks).
    """
    values: dict[str, object] = dict(strings)
    for name in numeric:
        values[name] = Symbol(("field", name))
    try:
        out = source.compute(cast(Mapping[str, Value], values))
        return {str(gas): _as_node(mass) for gas, mass in out.items()}
    except Exception:  # anything but arithmetic makes the formula untraceable
        return None


def evaluate(node: Node, columns: Mapping[str, Any]) -> Any:
    """Compute formula tree ``node`` in floating point, fields taken from ``columns`` (arrays
    or floats)."""
    tag = node[0]
    if tag == "field":
        return columns[node[1]]
    if tag == "const":
        return float(node[1])
    if tag == "neg":
        return -evaluate(node[1], columns)
    left, right = evaluate(node[1], columns), evaluate(node[2], columns)
    if tag == "+":
        return left + right
    if tag == "-":
        return left - right
    if tag == "*":
        return left * right
    if tag == "/":
        return left / right
    return left**right


_COMPARISONS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}

#: Two computed numbers closer than this (relative) are compared exactly, not in floating point.
CLOSE: Final = 1e-12


def condition(node: Node, columns: Mapping[str, Any], size: int) -> tuple[BoolArray, BoolArray]:
    """A traced comparison on columns: where it holds, and where it is too close to call.

    Comparing a given value with another or with a constant is decided in floating point:
    reading a decimal as the nearest float keeps its order, and keeps equality for the up to 15
    significant digits a float holds. Comparing computed values (sums, products) is too close
    to call when they differ by rounding only, and then the line is checked exactly.
    """
    computed = node[1][0] not in ("field", "const") or node[2][0] not in ("field", "const")
    with np.errstate(all="ignore"):
        left = np.asarray(evaluate(node[1], columns), dtype=np.float64)
        right = np.asarray(evaluate(node[2], columns), dtype=np.float64)
        truth = _COMPARISONS[node[0]](left, right)
        if computed:
            scale = np.maximum(np.abs(left), np.abs(right))
            close = np.abs(left - right) <= CLOSE * scale
        else:
            close = np.zeros(np.broadcast(left, right).shape, dtype=bool)
    return (
        np.broadcast_to(truth, (size,)).astype(bool),
        np.broadcast_to(close, (size,)).astype(bool),
    )
