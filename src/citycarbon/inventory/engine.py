"""Compiling an inventory: validate everything, refuse or compute everything.

:func:`compile_inventory` reads nothing and writes nothing: it takes an
:class:`~citycarbon.inventory.form.InventoryInput` and returns an
:class:`~citycarbon.inventory.results.InventoryResult`, or raises
:class:`~citycarbon.inventory.model.InventoryRefusedError` with every problem found — the energy
balance, every line of every category, every notation key — and no result.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from citycarbon.factors import FactorLibrary, default_library
from citycarbon.inventory.energy.balance import EnergyBalance, parse_balance
from citycarbon.inventory.form import InventoryInput, NotationInput
from citycarbon.inventory.model import (
    GAS_GROUPS,
    NOTATION_KEYS,
    NOTHING,
    Category,
    InventoryError,
    InventoryRefusedError,
    LineInput,
    Location,
    gas_group,
    record,
)
from citycarbon.inventory.registry import categories as registered
from citycarbon.inventory.resolve import ResolvedLine, Resolver
from citycarbon.inventory.results import (
    CategoryResult,
    InventoryResult,
    LineResult,
    completeness,
)
from citycarbon.units import DEFAULT_METRIC, METRICS, GWPError, gwp

__all__ = [
    "CHECKS",
    "DEFAULT_FACTOR_SETS",
    "Compilation",
    "compile_inventory",
    "register_check",
]

#: Factor sets (guideline ids of the factor library) tried in order when the input names none:
#: the provincial inventory guideline, the enterprise guidelines' shared appendix-2 table (the
#: same national fuel data), the IPCC 1996 Revised Guidelines with GPG 2000, IPCC 2006.
DEFAULT_FACTOR_SETS: Final = ("provincial2011", "ndrc2013-appendix2", "ipcc1996", "ipcc2006")


@dataclass
class Compilation:
    """Everything a compilation step can see: the input, the parsed balance, the resolver, and
    (after computing) the category results. Derive hooks and checks receive it."""

    input: InventoryInput
    library: FactorLibrary
    factor_sets: tuple[str, ...]
    metric: str
    balance: EnergyBalance | None
    resolver: Resolver
    results: dict[str, CategoryResult] = field(default_factory=dict)


#: A quality check run after the categories are computed (the reference approach): returns its
#: report, or adds errors (which refuse the inventory).
Check = Callable[[Compilation, list[InventoryError]], Any]

#: Checks by id; a check may read its own section ``categories.<id>`` (local values only).
CHECKS: dict[str, Check] = {}


def register_check(check_id: str, check: Check) -> Check:
    """Register a quality check; its id may be used as a section for local values."""
    if check_id in CHECKS:
        raise ValueError(f"check {check_id!r} registered twice")
    CHECKS[check_id] = check
    return check


class _GWPs:
    """The GWPs of one metric, looked up only for the gases lines actually emit: a gas the metric
    has no value for (SAR and HFC-245fa) refuses the lines that emit it, not every inventory."""

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self._values: dict[str, float | None] = {}
        self._by_gases: dict[tuple[str, ...], list[float | None]] = {}

    def get(self, gas: str) -> float | None:
        """The GWP of ``gas`` [tCO2e/t], or ``None`` when the metric has no value for it."""
        values = self._values
        if gas in values:
            return values[gas]
        try:
            value: float | None = float(gwp(gas, self.metric))
        except GWPError:
            value = None
        values[gas] = value
        return value

    def factors(self, masses: Mapping[str, float]) -> list[float | None]:
        """The GWPs of the gases of ``masses``, in its order (``None`` for a gas the metric
        cannot weigh); by the tuple of gases, which repeats from line to line."""
        gases = tuple(masses)
        found = self._by_gases.get(gases)
        if found is None:
            found = self._by_gases[gases] = [self.get(gas) for gas in gases]
        return found

    def refusal(self, category: Category, line: ResolvedLine, gas: str) -> InventoryError:
        """The refusal of a line that emits ``gas``, which the metric cannot weigh."""
        others = []
        for metric in METRICS:
            try:
                gwp(gas, metric)
            except GWPError:
                continue
            others.append(metric)
        where = next(
            (u.where for u in line.params if u.origin == "choice" and u.value == gas and u.where),
            line.line.where,
        )
        hint = f"metrics with a value: {', '.join(others)}" if others else "no metric has one"
        return InventoryError(
            f"{category.id} emits {gas}, which {self.metric} gives no GWP for; compile under "
            f"another metric ({hint}) or leave the line out",
            where,
            gas,
        )


def _sections(
    inventory: InventoryInput, known: Mapping[str, Category], errors: list[InventoryError]
) -> None:
    for category_id, section in inventory.categories.items():
        item = known.get(category_id)
        if item is None:
            if category_id in CHECKS:
                if section.rows:
                    errors.append(
                        InventoryError("a check takes local values only, no rows", section.where)
                    )
                continue
            errors.append(
                InventoryError(
                    f"unknown category; known: {', '.join(sorted([*known, *CHECKS]))}",
                    section.where,
                    category_id,
                )
            )
            continue
        if section.rows and not item.rows_allowed:
            errors.append(
                InventoryError(
                    f"{category_id} is computed from the energy balance; it takes no rows",
                    section.where,
                )
            )
        if section.rows and item.derive is not None and inventory.balance is not None:
            errors.append(
                InventoryError(
                    f"{category_id} comes from the energy balance here; give either the balance "
                    "or rows, not both (they would be counted twice)",
                    section.where,
                )
            )
        names = {p.name for p in item.params}
        for name, where in section.local_where.items():
            if name not in names:
                errors.append(
                    InventoryError(
                        f"{category_id} has no parameter {name!r}", where, section.local[name]
                    )
                )


def _notation(
    inventory: InventoryInput,
    known: Mapping[str, Category],
    errors: list[InventoryError],
) -> dict[tuple[str, str], NotationInput]:
    result: dict[tuple[str, str], NotationInput] = {}
    for item in inventory.notation_keys:
        where = item.where
        category = known.get(item.category)
        if category is None:
            errors.append(
                InventoryError(
                    "unknown category", Location(where.sheet, where.row, "category"), item.category
                )
            )
            continue
        try:
            group = gas_group(item.gas) if item.gas not in GAS_GROUPS else item.gas
        except ValueError:
            errors.append(
                InventoryError(
                    f"unknown gas; gases: {', '.join(GAS_GROUPS)}",
                    Location(where.sheet, where.row, "gas"),
                    item.gas,
                )
            )
            continue
        if group not in category.gas_groups:
            errors.append(
                InventoryError(
                    f"{category.id} has no {group}; it has {', '.join(category.gas_groups)}",
                    Location(where.sheet, where.row, "gas"),
                    item.gas,
                )
            )
            continue
        if item.key not in NOTATION_KEYS:
            errors.append(
                InventoryError(
                    f"unknown notation key; keys: {', '.join(NOTATION_KEYS)}",
                    Location(where.sheet, where.row, "key"),
                    item.key,
                )
            )
            continue
        if not item.reason:
            errors.append(
                InventoryError(
                    "every notation key needs a reason", Location(where.sheet, where.row, "reason")
                )
            )
            continue
        if item.included_in is not None and item.included_in not in known:
            errors.append(
                InventoryError(
                    "unknown category",
                    Location(where.sheet, where.row, "included_in"),
                    item.included_in,
                )
            )
            continue
        if (category.id, group) in result:
            errors.append(InventoryError(f"a second notation key for {category.id} {group}", where))
            continue
        result[(category.id, group)] = (
            item
            if (item.category, item.gas) == (category.id, group)
            else NotationInput(category.id, group, item.key, item.reason, where, item.included_in)
        )
    return result


def _lines(comp: Compilation, item: Category, errors: list[InventoryError]) -> list[LineInput]:
    if item.derive is not None and comp.input.balance is not None:
        # From the balance; if the balance itself was refused, its errors are reported already.
        return item.derive(comp, errors) if comp.balance is not None else []
    section = comp.input.categories.get(item.id)
    if section is not None and item.rows_allowed:
        return list(section.rows)
    return []


def _masses(item: Category, resolved: ResolvedLine) -> dict[str, float]:
    """The masses of gases one line emits [t], by gas species (before any GWP)."""
    return {gas: float(mass) for gas, mass in item.compute(resolved.values).items()}


def _compute(
    item: Category,
    resolved: ResolvedLine,
    gwps: _GWPs,
    errors: list[InventoryError],
    masses: dict[str, float] | None = None,
) -> LineResult | None:
    """The result of one line, or ``None`` with a refusal when the metric cannot weigh a gas the
    line emits (only the gases present in the line's result are weighed). ``masses`` are the
    line's masses when already computed."""
    if masses is None:
        masses = _masses(item, resolved)
    memo = (
        {gas: float(m) for gas, m in item.memo(resolved.values).items()} if item.memo else NOTHING
    )
    factors = gwps.factors(masses)
    if None in factors:
        unweighed = [gas for gas, value in zip(masses, factors, strict=True) if value is None]
        errors.extend(gwps.refusal(item, resolved, gas) for gas in unweighed)
        return None
    total = sum(map(operator.mul, masses.values(), factors))
    if item.subcategory or item.key_group:
        both = resolved.values | resolved.context
        subcategory = item.subcategory(both) if item.subcategory else item.code
        key_group = item.key_group(both) if item.key_group else item.code
    else:
        subcategory = key_group = item.code
    return record(
        LineResult,
        category=item.id,
        label=resolved.line.label,
        subcategory=subcategory,
        key_group=key_group,
        masses_t=masses,
        co2e_t=total,
        params=resolved.params,
        where=resolved.line.where,
        memo_t=memo,
        values=resolved.values,
    )


def _check_notation(
    notation: Mapping[tuple[str, str], NotationInput],
    estimated: Callable[[str], set[str]],
    errors: list[InventoryError],
) -> None:
    """A key other than ``C`` only on a cell no line estimates, ``C`` only on one a line does.

    A cell is estimated when a line of the category emits a gas of the group (a mass, possibly
    zero, in the line's result) — the cells the completeness report counts as estimated by
    lines; so every cell it lists as missing can take a key.
    """
    for (category_id, group), note in notation.items():
        has = group in estimated(category_id)
        if has and note.key != "C":
            errors.append(
                InventoryError(
                    f"{category_id} {group} is estimated; a notation key {note.key} is only for "
                    "an empty cell (use C to mark an estimate confidential)",
                    note.where,
                )
            )
        if not has and note.key == "C":
            errors.append(
                InventoryError(
                    f"{category_id} {group} has no estimate to keep confidential", note.where
                )
            )


def compile_inventory(
    inventory: InventoryInput,
    *,
    metric: str | None = None,
    library: FactorLibrary | None = None,
    factor_sets: Sequence[str] | None = None,
) -> InventoryResult:
    """Compile one jurisdiction-year.

    Parameters
    ----------
    inventory : the input (see :func:`~citycarbon.inventory.form.read_form`).
    metric : GWP metric for CO2e (default: the input's ``gwp``, else SAR GWP-100).
    library : factor library (default: the shipped one).
    factor_sets : guideline sets tried for defaults (default: the input's, else
        :data:`DEFAULT_FACTOR_SETS`).

    Raises
    ------
    InventoryRefusedError
        With every problem found; no result is produced.
    """
    errors: list[InventoryError] = []
    library = library or default_library()
    chosen = metric or inventory.gwp or DEFAULT_METRIC
    if chosen not in METRICS:
        errors.append(
            InventoryError(
                f"unknown GWP metric; choose {', '.join(METRICS)}",
                Location("inventory", "gwp"),
                chosen,
            )
        )
        chosen = DEFAULT_METRIC
    if inventory.year is None:
        errors.append(InventoryError("an inventory needs a year", Location("inventory", "year")))
    sets = tuple(factor_sets or inventory.factor_sets or DEFAULT_FACTOR_SETS)
    balance = parse_balance(inventory.balance, errors) if inventory.balance is not None else None
    known = {c.id: c for c in registered()}
    _sections(inventory, known, errors)
    notation = _notation(inventory, known, errors)
    local = {cid: dict(sec.local) for cid, sec in inventory.categories.items()}
    local_where = {cid: dict(sec.local_where) for cid, sec in inventory.categories.items()}
    resolver = Resolver(library, sets, inventory.region, inventory.year, local, local_where)
    comp = Compilation(inventory, library, sets, chosen, balance, resolver)
    gwps = _GWPs(chosen)
    resolved: dict[str, list[ResolvedLine]] = {}
    for item in known.values():
        resolved[item.id] = resolver.resolve_all(item, _lines(comp, item, errors), errors)
    # Compute every resolved line: which cells the lines estimate decides which notation keys
    # are allowed. Refusals found computing (a line the metric cannot weigh, arithmetic) are
    # reported when there is no other problem, as nothing would be computed then.
    pending: list[InventoryError] = []
    computed: dict[str, list[LineResult]] = {}
    species: dict[str, set[str]] = {}
    for item in known.values():
        lines_out: list[LineResult] = []
        emitted: set[str] = set()
        for line in resolved[item.id]:
            try:
                masses = _masses(item, line)
                emitted.update(masses)
                result = _compute(item, line, gwps, pending, masses)
            except (ArithmeticError, ValueError) as exc:
                pending.append(InventoryError(f"cannot compute {item.id}: {exc}", line.line.where))
                continue
            if result is not None:
                lines_out.append(result)
        computed[item.id] = lines_out
        species[item.id] = emitted

    def estimated(category_id: str) -> set[str]:
        return {gas_group(gas) for gas in species.get(category_id, ())}

    _check_notation(notation, estimated, errors)
    if errors:
        raise InventoryRefusedError(errors)
    if pending:
        raise InventoryRefusedError(pending)

    keys: dict[str, dict[str, NotationInput]] = {}
    for (category_id, group), note in notation.items():
        keys.setdefault(category_id, {})[group] = note
    for item in known.values():
        lines_out = computed[item.id]
        totals: dict[str, float] = {}
        if item.derive is not None and comp.balance is not None:
            # Computed from the balance: a gas without lines is an estimate of zero.
            totals = dict.fromkeys(item.gases, 0.0)
        for out_line in lines_out:
            for gas, mass in out_line.masses_t.items():
                totals[gas] = totals.get(gas, 0.0) + mass
        comp.results[item.id] = record(
            CategoryResult,
            category=item,
            lines=tuple(lines_out),
            masses_t=totals,
            co2e_t=sum(out_line.co2e_t for out_line in lines_out),
            notation=keys.get(item.id, NOTHING),
        )
    checks: dict[str, Any] = {}
    if not errors:
        for check_id, check in CHECKS.items():
            report = check(comp, errors)
            if report is not None:
                checks[check_id] = report
    if errors:
        raise InventoryRefusedError(errors)
    ordered = tuple(comp.results[c] for c in known)
    return InventoryResult(
        jurisdiction=inventory.jurisdiction,
        year=inventory.year,
        region=inventory.region,
        metric=chosen,
        factor_library=library.version,
        factor_sets=sets,
        categories=ordered,
        completeness=completeness(known.values(), comp.results),
        checks=checks,
    )
