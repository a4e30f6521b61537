"""The checks' configuration: thresholds, severities (``checks.yaml``), ranges (``ranges.csv``).

Checks are configured by data, not code. :func:`default_config` reads the shipped files in
``citycarbon/accounting/data/monitoring``; :meth:`CheckConfig.from_mapping` reads the same
structure from elsewhere (the server keeps the office's own settings), and
:meth:`RangeTable.from_csv_text` another ranges file.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, cast

import yaml

from citycarbon.accounting.monitoring.findings import SEVERITIES, Severity
from citycarbon.factors import VERIFICATION_STATUSES
from citycarbon.numbers import NumberError, to_decimal
from citycarbon.units import UnitError, convert

__all__ = [
    "BAND_SOURCES",
    "CHECK_NAMES",
    "CheckConfig",
    "CheckSettings",
    "ConfigError",
    "RangeRule",
    "RangeTable",
    "band_source",
    "default_config",
    "default_ranges",
    "describe_band",
]

#: The checks, in the order they run.
CHECK_NAMES: Final = (
    "structure",
    "completeness",
    "duplicates",
    "units",
    "negatives",
    "evidence",
    "ranges",
    "carbon_band",
    "jumps",
    "intensity",
    "annual_totals",
)

_RANGE_COLUMNS: Final = (
    "id",
    "check",
    "source",
    "subject",
    "parameter",
    "low",
    "high",
    "hard_low",
    "hard_high",
    "unit",
    "valid_from",
    "valid_to",
    "basis",
    "document",
    "status",
    "note",
)


class ConfigError(ValueError):
    """A configuration that cannot be used (names the file, row or key)."""


@dataclass(frozen=True)
class CheckSettings:
    """One check's settings: on or off, its severity and its own options."""

    enabled: bool = True
    severity: Severity = "error"
    options: Mapping[str, Any] = field(default_factory=dict)

    def option(self, name: str, default: Any = None) -> Any:
        """The option ``name`` (or ``default``)."""
        return self.options.get(name, default)


@dataclass(frozen=True)
class RangeRule:
    """An expected range (``check == "range"``) or a plausible carbon band (``"carbon_band"``)."""

    id: str
    check: Literal["range", "carbon_band"]
    source: str
    subject: str
    parameter: str
    low: Decimal | None
    high: Decimal | None
    hard_low: Decimal | None
    hard_high: Decimal | None
    unit: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    basis: str
    document: str
    status: str
    note: str = ""

    def applies(self, year: int, month: int) -> bool:
        """Whether the rule is valid for the month (its first day)."""
        day = dt.date(year, max(month, 1), 1)
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    def bounds(
        self, unit: str
    ) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
        """``(low, high, hard_low, hard_high)`` converted to ``unit``."""
        return _converted(self, unit)


#: Where a range comes from, told in words (English templates by kind; the server translates
#: them): a published band names its document; a derived one says how it was derived.
BAND_SOURCES: Final[dict[str, str]] = {
    "published": "published: {document}",
    "default_tolerance": "factor library default ± {tolerance}",
    "default_points": "factor library default − {points} points (at least {floor}), up to "
    "{ceiling}",
    "product": "NCV band × carbon-content band",
    "document": "{document}",
}

_DERIVED: Final = (
    ("default_tolerance", re.compile(r"^factor library \S+ ± (?P<tolerance>.+)$")),
    (
        "default_points",
        re.compile(
            r"^factor library \S+ − (?P<points>\S+) points \(at least (?P<floor>[^)]+)\), "
            r"up to (?P<ceiling>.+)$"
        ),
    ),
    ("product", re.compile(r"^NCV band × carbon-content band\b")),
)


def band_source(rule: RangeRule) -> tuple[str, dict[str, str]]:
    """How ``rule``'s range was made, as a kind of :data:`BAND_SOURCES` and its parameters.

    The ``document`` column of a derived row names the factor row it starts from by id
    ("factor library cc.bituminous_coal ± 7 %"); the kind leaves the id out (the rule's fuel
    and parameter say which default it is). A document of no known form is quoted as written.
    """
    if rule.basis == "published":
        return "published", {"document": rule.document}
    for kind, pattern in _DERIVED:
        match = pattern.match(rule.document)
        if match is not None:
            return kind, {k: v.strip() for k, v in match.groupdict().items()}
    return "document", {"document": rule.document}


def describe_band(rule: RangeRule, table: str = "ranges.csv") -> str:
    """Where ``rule``'s range comes from, in English: ``ranges.csv, status D: factor library
    default ± 7 %`` (the table, the row's verification status, :func:`band_source`)."""
    kind, params = band_source(rule)
    return f"{table}, status {rule.status}: {BAND_SOURCES[kind].format(**params)}"


@cache
def _convert_bounds(
    values: tuple[Decimal | None, ...], unit_from: str, unit_to: str
) -> tuple[Decimal | None, ...]:
    return tuple(None if v is None else convert(v, unit_from, unit_to) for v in values)


def _converted(
    rule: RangeRule, unit: str
) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    values = (rule.low, rule.high, rule.hard_low, rule.hard_high)
    low, high, hard_low, hard_high = _convert_bounds(values, rule.unit, unit)
    return low, high, hard_low, hard_high


@dataclass(frozen=True)
class RangeTable:
    """The range rules, looked up by check, source, subject, parameter and month."""

    rules: tuple[RangeRule, ...]
    name: str = "ranges.csv"
    _index: Mapping[tuple[str, str, str, str], tuple[RangeRule, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[tuple[str, str, str, str], list[RangeRule]] = {}
        ids: set[str] = set()
        for rule in self.rules:
            if rule.id in ids:
                raise ConfigError(f"{self.name}: rule id {rule.id!r} twice")
            ids.add(rule.id)
            key = (rule.check, rule.source, rule.subject, rule.parameter)
            for other in index.get(key, []):
                if _overlap(rule, other):
                    raise ConfigError(
                        f"{self.name}: rules {other.id!r} and {rule.id!r} overlap in validity"
                    )
            index.setdefault(key, []).append(rule)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    def find(
        self, check: str, source: str, subject: str, parameter: str, year: int, month: int
    ) -> RangeRule | None:
        """The rule for the subject (else for ``*``) valid in the month, or ``None``."""
        for who in (subject, "*"):
            for rule in self._index.get((check, source, who, parameter), ()):
                if rule.applies(year, month):
                    return rule
        return None

    def candidates(
        self, check: str, source: str, subject: str, parameter: str
    ) -> tuple[RangeRule, ...]:
        """Every rule for the subject and for ``*`` (whatever their validity), subject first."""
        return self._index.get((check, source, subject, parameter), ()) + self._index.get(
            (check, source, "*", parameter), ()
        )

    @classmethod
    def from_csv_text(cls, text: str, name: str = "ranges.csv") -> RangeTable:
        """Read a ranges file (the columns of the shipped ``ranges.csv``; ``#`` lines are notes)."""
        reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
        missing = set(_RANGE_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ConfigError(f"{name}: missing columns {sorted(missing)}")
        rules = []
        for number, raw in enumerate(reader, start=2):
            try:
                rules.append(_rule(raw))
            except (ValueError, NumberError, UnitError) as exc:
                raise ConfigError(f"{name}, row {number}: {exc}") from None
        return cls(tuple(rules), name)


def _overlap(a: RangeRule, b: RangeRule) -> bool:
    a_from = a.valid_from or dt.date.min
    a_to = a.valid_to or dt.date.max
    b_from = b.valid_from or dt.date.min
    b_to = b.valid_to or dt.date.max
    return a_from <= b_to and b_from <= a_to


def _optional(text: str | None) -> Decimal | None:
    text = (text or "").strip()
    return to_decimal(text) if text else None


def _date(text: str | None) -> dt.date | None:
    text = (text or "").strip()
    return dt.date.fromisoformat(text) if text else None


def _rule(raw: Mapping[str, str]) -> RangeRule:
    check = raw["check"].strip()
    if check not in ("range", "carbon_band"):
        raise ValueError(f"check must be range or carbon_band, not {check!r}")
    status = raw["status"].strip()
    if status not in VERIFICATION_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    rule = RangeRule(
        id=raw["id"].strip(),
        check=cast(Literal["range", "carbon_band"], check),
        source=raw["source"].strip(),
        subject=raw["subject"].strip() or "*",
        parameter=raw["parameter"].strip(),
        low=_optional(raw["low"]),
        high=_optional(raw["high"]),
        hard_low=_optional(raw["hard_low"]),
        hard_high=_optional(raw["hard_high"]),
        unit=raw["unit"].strip(),
        valid_from=_date(raw["valid_from"]),
        valid_to=_date(raw["valid_to"]),
        basis=raw["basis"].strip(),
        document=raw["document"].strip(),
        status=status,
        note=(raw.get("note") or "").strip(),
    )
    if not rule.id or not rule.document:
        raise ValueError("id and document are required")
    if rule.low is not None and rule.high is not None and rule.low > rule.high:
        raise ValueError(f"low {rule.low} above high {rule.high}")
    convert(Decimal(1), rule.unit, rule.unit)  # the unit must be readable
    return rule


@dataclass(frozen=True)
class CheckConfig:
    """Every check's settings, and the range table."""

    checks: Mapping[str, CheckSettings]
    ranges: RangeTable

    def __getitem__(self, name: str) -> CheckSettings:
        return self.checks[name]

    def enabled(self, name: str) -> bool:
        """Whether check ``name`` runs."""
        return self.checks[name].enabled

    def severity(self, name: str) -> Severity:
        """The severity of check ``name``'s findings."""
        return self.checks[name].severity

    def with_check(self, name: str, **changes: Any) -> CheckConfig:
        """A copy with check ``name`` changed (``enabled``, ``severity`` or options)."""
        if name not in self.checks:
            raise ConfigError(f"unknown check {name!r}; checks: {', '.join(CHECK_NAMES)}")
        current = self.checks[name]
        options = dict(current.options)
        base: dict[str, Any] = {}
        for key, value in changes.items():
            if key in ("enabled", "severity"):
                base[key] = value
            else:
                options[key] = value
        updated = replace(current, options=options, **base)
        return replace(self, checks={**self.checks, name: updated})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], ranges: RangeTable | None = None) -> CheckConfig:
        """Read the structure of ``checks.yaml``; checks left out keep the shipped settings.

        Raises
        ------
        ConfigError
            For an unknown check or key, or a severity that is not ``error`` or ``warning``.
        """
        given = data.get("checks", {})
        if not isinstance(given, Mapping):
            raise ConfigError("checks: a mapping of check name to settings")
        shipped = _shipped_mapping()
        checks: dict[str, CheckSettings] = {}
        for name in given:
            if name not in CHECK_NAMES:
                raise ConfigError(f"unknown check {name!r}; checks: {', '.join(CHECK_NAMES)}")
        for name in CHECK_NAMES:
            entry = {**shipped.get(name, {}), **(given.get(name) or {})}
            severity = entry.pop("severity", "error")
            if severity not in SEVERITIES:
                raise ConfigError(f"check {name}: severity must be error or warning")
            enabled = bool(entry.pop("enabled", True))
            checks[name] = CheckSettings(enabled, cast(Severity, severity), entry)
        return cls(checks, ranges or _ranges_for(checks["ranges"]))


def _shipped_mapping() -> dict[str, dict[str, Any]]:
    text = (_data() / "checks.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text)
    return {k: dict(v or {}) for k, v in loaded["checks"].items()}


def _data() -> Any:
    return resources.files("citycarbon.accounting") / "data" / "monitoring"


def _ranges_for(settings: CheckSettings) -> RangeTable:
    name = str(settings.option("file", "ranges.csv"))
    if name == "ranges.csv":
        return default_ranges()
    return RangeTable.from_csv_text((_data() / name).read_text("utf-8"), name)


@cache
def default_ranges() -> RangeTable:
    """The shipped ``ranges.csv``."""
    return RangeTable.from_csv_text((_data() / "ranges.csv").read_text("utf-8"))


@cache
def default_config() -> CheckConfig:
    """The shipped configuration (``checks.yaml`` and ``ranges.csv``)."""
    return CheckConfig.from_mapping({})
