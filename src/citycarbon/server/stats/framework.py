"""The framework a year's statistics are checked and assessed in.

Statistics are kept for the years of a target period: the period, the jurisdiction tree, the
targets, the checklist, the plan indicators and the emission factors decide which figures are
valid (the kernel's ``parse_input`` checks them all). The app that owns target sets (``targets``)
provides them through :func:`register_provider`, so this app does not depend on it; a year that
no target period covers cannot hold statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Framework",
    "framework_for",
    "frameworks_cached",
    "newest_framework",
    "register_provider",
]


@dataclass(frozen=True)
class Framework:
    """A kernel input without statistics, and how its jurisdictions map to ours.

    ``skeleton`` holds the top-level fields of the targets kernel's input (``base_year``,
    ``target_year``, ``tree``, ``indicators``, ``config``, ``co2_factors``, ``grid_factor``,
    ``title``); ``jurisdictions`` maps a jurisdiction code to its entry in the input (``id`` —
    the kernel's id, ``name``, the targets) without ``years``; ``annual_targets`` the year's own
    targets by (code, year); ``aliases`` other names of a jurisdiction (the kernel's id of a
    shipped set) → code.
    """

    key: str
    label: str
    base_year: int
    target_year: int
    skeleton: Mapping[str, Any]
    jurisdictions: Mapping[str, Mapping[str, Any]]
    annual_targets: Mapping[tuple[str, int], Mapping[str, float]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: A shipped set of ``citycarbon.targets`` whose tree this one is (exports name it, so the
    #: workbook runs with ``citycarbon calc targets`` as it is).
    tree_ref: str | None = None

    def covers(self, year: int) -> bool:
        return self.base_year <= year <= self.target_year

    def resolve(self, name: str) -> str | None:
        """Our code of the jurisdiction called ``name`` (its code or an alias), if in the set."""
        if name in self.jurisdictions:
            return name
        return self.aliases.get(name)

    def kernel_id(self, code: str) -> str:
        return str(self.jurisdictions[code]["id"])

    def code_of(self, kernel_id: str) -> str | None:
        for code, entry in self.jurisdictions.items():
            if entry["id"] == kernel_id:
                return code
        return None

    @property
    def checklist(self) -> list[Mapping[str, Any]]:
        config = self.skeleton.get("config") or {}
        items = config.get("checklist") or []
        return list(items) if isinstance(items, list) else []

    @property
    def indicators(self) -> list[Mapping[str, Any]]:
        items = self.skeleton.get("indicators") or []
        return list(items) if isinstance(items, list) else []

    def kernel_input(
        self, years_by_code: Mapping[str, Mapping[int, Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """The kernel's input for these jurisdictions' figures (year → kernel year fields)."""
        data = {key: value for key, value in self.skeleton.items() if value is not None}
        jurisdictions = []
        for code, years in years_by_code.items():
            entry = dict(self.jurisdictions[code])
            entry["years"] = {
                str(year): {**figures, **self.annual_targets.get((code, year), {})}
                for year, figures in sorted(years.items())
            }
            jurisdictions.append(entry)
        data["jurisdictions"] = jurisdictions
        return data


Provider = Callable[[int], Framework | None]
Latest = Callable[[], Framework | None]
_PROVIDERS: list[tuple[Provider, Latest]] = []


def register_provider(for_year: Provider, latest: Latest) -> None:
    """Add a source of frameworks (called from the providing app's ``ready``): the framework
    of a year, and the newest one."""
    if (for_year, latest) not in _PROVIDERS:
        _PROVIDERS.append((for_year, latest))


def newest_framework() -> Framework | None:
    """The framework of the newest target period, if any."""
    for _for_year, latest in _PROVIDERS:
        found = latest()
        if found is not None:
            return found
    return None


_CACHE: ContextVar[dict[int, Framework | None] | None] = ContextVar(
    "citycarbon_stats_frameworks", default=None
)


@contextmanager
def frameworks_cached() -> Iterator[None]:
    """Within the block, each year's framework is built once (one import, one batch)."""
    if _CACHE.get() is not None:
        yield
        return
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def framework_for(year: int) -> Framework | None:
    """The framework covering ``year``, if any provider has one."""
    cache = _CACHE.get()
    if cache is not None and year in cache:
        return cache[year]
    found = None
    for provider, _latest in _PROVIDERS:
        found = provider(year)
        if found is not None:
            break
    if cache is not None:
        cache[year] = found
    return found
