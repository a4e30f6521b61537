"""The unit registry of Chinese energy statistics and GHG reporting.

A pint registry with exact :class:`~decimal.Decimal` magnitudes, extended with the units a
statistical office or an enterprise energy manager types: tonnes and ten-thousand tonnes (万吨),
normal cubic metres and ten-thousand cubic metres (万立方米), kWh and 10⁴ kWh (万千瓦时), GJ and TJ,
tonnes of standard coal equivalent (吨标准煤, tce), carbon and CO2 masses (tC, tCO2).

Carbon and each greenhouse gas are *dimensions* of their own, so ``tC/TJ`` can never be mistaken
for ``tCO2/TJ`` and ``kgN2O/t`` never for ``kgCH4/t``.

Unit strings are plain text (:func:`parse_unit`): ``t``, ``10^4 t``, ``Nm3``, ``10^4 Nm3``,
``GJ/t``, ``GJ/(10^4 Nm3)``, ``GJ/10^4 Nm3`` (per ten thousand cubic metres — a scale after ``/``
belongs to the denominator), ``tC/TJ``, ``tCO2/MWh``, ``%``, ``fraction`` and the Chinese forms.

References
----------
.. [1] GB/T 2589-2008 综合能耗计算通则: 1 kgce = 29 307.6 kJ (7 000 kcal).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

import pint

__all__ = [
    "GAS_UNITS",
    "UNIT_ALIASES",
    "Q",
    "UnitError",
    "convert",
    "parse_unit",
    "ureg",
]


class UnitError(ValueError):
    """A unit string that cannot be read, or a quantity in the wrong dimension."""


ureg: Final[Any] = pint.UnitRegistry(non_int_type=Decimal, autoconvert_offset_to_baseunit=True)
Q: Final[Any] = ureg.Quantity

#: The gases that are dimensions of their own: mass of CO2, CH4, N2O ... never interchangeable.
GAS_UNITS: Final = (
    "CO2", "CH4", "N2O", "SF6", "NF3", "CF4", "C2F6", "C3F8", "C4F10", "C6F14",
    "HFC23", "HFC32", "HFC125", "HFC134a", "HFC143a", "HFC152a", "HFC227ea", "HFC236fa",
    "HFC245fa",
)  # fmt: skip

_DEFINITIONS: Final = (
    # Volumes of gas at normal conditions (0 °C, 101.325 kPa), as in Chinese energy statistics.
    "Nm3 = meter ** 3 = Nm³",
    # Standard coal equivalent (GB/T 2589): 1 kgce = 29.3076 MJ.
    "kgce = 29.3076 megajoule",
    "tce = 1000 kgce",
    # Carbon as an element has its own dimension.
    "gram_carbon = [carbon] = gC",
    "kgC = 1000 gC",
    "tC = 1000000 gC",
)

for _definition in _DEFINITIONS:
    ureg.define(_definition)
for _gas in GAS_UNITS:
    ureg.define(f"gram_{_gas} = [{_gas.lower()}] = g{_gas}")
    ureg.define(f"kg{_gas} = 1000 g{_gas}")
    ureg.define(f"t{_gas} = 1000000 g{_gas}")

#: Plain-text and Chinese unit names, mapped to pint expressions. Matching ignores case only for
#: the ASCII aliases listed here in lower case.
UNIT_ALIASES: Final[dict[str, str]] = {
    # mass
    "t": "metric_ton", "吨": "metric_ton", "tonne": "metric_ton", "tonnes": "metric_ton",
    "kg": "kilogram", "千克": "kilogram", "公斤": "kilogram",
    "万吨": "10000 * metric_ton",
    # volume
    "nm3": "Nm3", "nm³": "Nm3", "m3": "Nm3", "m³": "Nm3", "立方米": "Nm3", "标准立方米": "Nm3",
    "万立方米": "10000 * Nm3", "万标准立方米": "10000 * Nm3",
    # energy
    "kwh": "kilowatt_hour", "千瓦时": "kilowatt_hour", "度": "kilowatt_hour",
    "mwh": "megawatt_hour", "兆瓦时": "megawatt_hour",
    "gwh": "gigawatt_hour",
    "万千瓦时": "10000 * kilowatt_hour",
    "亿千瓦时": "100000000 * kilowatt_hour",
    "mj": "megajoule", "兆焦": "megajoule", "pj": "petajoule",
    "g": "gram", "克": "gram", "kt": "1000 * metric_ton", "mt": "1000000 * metric_ton",
    "l": "liter", "升": "liter",
    "gj": "gigajoule", "吉焦": "gigajoule", "百万千焦": "gigajoule",
    "tj": "terajoule", "太焦": "terajoule",
    "kj": "kilojoule", "千焦": "kilojoule",
    "tce": "tce", "吨标准煤": "tce", "吨标煤": "tce",
    "kgce": "kgce", "千克标准煤": "kgce", "千克标煤": "kgce",
    "万吨标准煤": "10000 * tce", "万吨标煤": "10000 * tce",
    # carbon and CO2
    "tc": "tC", "kgc": "kgC", "吨碳": "tC",
    "tco2": "tCO2", "kgco2": "kgCO2", "吨二氧化碳": "tCO2",
    # ratios
    "%": "percent", "percent": "percent", "百分比": "percent",
    "fraction": "dimensionless", "1": "dimensionless", "比例": "dimensionless",
    # temperature and specific enthalpy (steam tables)
    "°c": "degree_Celsius", "degc": "degree_Celsius", "℃": "degree_Celsius",
    "kj/kg": "kilojoule / kilogram",
    # area (agriculture and forestry statistics)
    "ha": "hectare", "hm2": "hectare", "hm²": "hectare", "公顷": "hectare",
    "千公顷": "1000 * hectare", "万公顷": "10000 * hectare",
    "亩": "hectare / 15", "万亩": "10000 * hectare / 15",
    "km2": "kilometer ** 2", "km²": "kilometer ** 2", "平方公里": "kilometer ** 2",
    # counts (head of livestock, wells, units of equipment): bare numbers
    "head": "dimensionless", "头": "dimensionless", "只": "dimensionless",
    "count": "dimensionless", "个": "dimensionless", "台": "dimensionless",
    "万头": "10000 * dimensionless", "万只": "10000 * dimensionless",
    # distance (vehicle-kilometres in transport statistics)
    "km": "kilometer", "公里": "kilometer", "千米": "kilometer",
    "万公里": "10000 * kilometer",
    # time
    "h": "hour", "a": "year", "yr": "year", "年": "year",
}  # fmt: skip
for _gas in GAS_UNITS:
    for _prefix in ("g", "kg", "t"):
        UNIT_ALIASES[f"{_prefix}{_gas}".lower()] = f"{_prefix}{_gas}"

#: Canonical names the library itself writes (so every alias target reads back).
_PINT_NAMES: Final = frozenset(
    {"Nm3", "tce", "kgce", "tC", "kgC", "gC", "GJ", "TJ", "MJ", "kJ", "MWh", "kWh", "GWh"}
    | {f"{p}{g}" for g in GAS_UNITS for p in ("g", "kg", "t")}
)

_SCALE = re.compile(
    r"^\s*(?:(?P<pow>10\s*(?:\^|\*\*)\s*(?P<exp>-?\d+))|(?P<sup>10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)"
    r"|(?P<num>\d+(?:\.\d+)?(?:e-?\d+)?))\s*(?:\*|×|·)?\s*(?P<rest>.*)$"
)
_SUPERSCRIPTS: Final = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith(("(", "（")) and text.endswith((")", "）")):
        inner = text[1:-1]
        depth = 0
        balanced = True
        for ch in inner:
            depth += ch in "(（"
            depth -= ch in ")）"
            if depth < 0:
                balanced = False
                break
        if not balanced:
            break
        text = inner.strip()
    return text


def _term(text: str, original: str) -> str:
    """Translate one side of a ratio, ``[scale] name``, to a pint expression."""
    text = _strip_parens(text)
    if not text:
        raise UnitError(f"unit {original!r}: empty unit")
    scale = ""
    match = _SCALE.match(text)
    if match and match.group("rest"):
        if match.group("pow"):
            scale = f"1e{int(match.group('exp'))}"
        elif match.group("sup"):
            scale = f"1e{int(match.group('sup')[2:].translate(_SUPERSCRIPTS))}"
        else:
            scale = match.group("num")
        text = _strip_parens(match.group("rest"))
    name = UNIT_ALIASES.get(text, UNIT_ALIASES.get(text.lower()))
    if name is None:
        if "*" in text or " " in text.strip():
            parts = [p for p in re.split(r"\s*\*\s*|\s+", text) if p]
            name = " * ".join(_term(p, original) for p in parts)
        elif text in _PINT_NAMES:
            name = text
        else:
            raise UnitError(f"unit {original!r}: unknown unit {text!r}")
    return f"({scale} * {name})" if scale else f"({name})"


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> Any:
    """Read a unit string a person typed and return it as a pint quantity of magnitude 1·scale.

    A scale factor (``10^4``, ``10⁴``, ``1e4``, ``万``) belongs to the term it stands before; the
    part after ``/`` is the denominator as a whole, so ``GJ/10^4 Nm3`` is gigajoules per ten
    thousand normal cubic metres.

    Raises
    ------
    UnitError
        When the text is empty, names an unknown unit or has more than one ``/``.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"unit {text!r}: a unit is required")
    cleaned = text.strip().replace("／", "/")
    depth = 0
    cut = -1
    for i, ch in enumerate(cleaned):
        depth += ch in "(（"
        depth -= ch in ")）"
        if ch == "/" and depth == 0:
            if cut >= 0:
                raise UnitError(f"unit {text!r}: write at most one '/' (use parentheses)")
            cut = i
    if cut < 0:
        expr = _term(cleaned, text)
    else:
        expr = f"{_term(cleaned[:cut], text)} / {_term(cleaned[cut + 1 :], text)}"
    try:
        return ureg.parse_expression(expr)
    except (pint.errors.PintError, ValueError, TypeError) as exc:
        raise UnitError(f"unit {text!r}: {exc}") from None


def convert(value: Decimal, unit: str, target: str) -> Decimal:
    """Convert ``value`` in ``unit`` to the unit ``target`` exactly.

    Both units are plain-text strings read by :func:`parse_unit`.

    Raises
    ------
    UnitError
        When either unit is unknown or the two have different dimensions (for example ``m3``
        where tonnes are meant).
    """
    source = parse_unit(unit)
    goal = parse_unit(target)
    if source.dimensionality != goal.dimensionality:
        raise UnitError(
            f"unit {unit!r} is {_describe(source)}, but {target!r} ({_describe(goal)}) is needed"
        )
    ratio = (source / goal).to("dimensionless").magnitude
    result = Decimal(value) * Decimal(str(ratio))
    return result


_BASE_NAMES: Final = {
    "[mass]": "mass",
    "[length]": "length",
    "[time]": "time",
    "[temperature]": "temperature",
    "[carbon]": "carbon",
    **{f"[{gas.lower()}]": gas for gas in GAS_UNITS},
}


def _describe(quantity: Any) -> str:
    """Name a dimensionality the way a reader of energy statistics would (energy/mass …)."""
    dims = {str(k): int(v) for k, v in dict(quantity.dimensionality).items()}
    time = dims.get("[time]", 0)
    if time and time % 2 == 0:
        energy = -time // 2
        dims["[time]"] = 0
        dims["[length]"] = dims.get("[length]", 0) - 2 * energy
        dims["[mass]"] = dims.get("[mass]", 0) - energy
        dims["energy"] = energy
    length = dims.get("[length]", 0)
    if length and length % 3 == 0:
        dims["volume"] = dims.pop("[length]") // 3
    num = [(_BASE_NAMES.get(k, k), v) for k, v in dims.items() if v > 0]
    den = [(_BASE_NAMES.get(k, k), -v) for k, v in dims.items() if v < 0]

    def join(items: list[tuple[str, int]]) -> str:
        return "·".join(name if power == 1 else f"{name}^{power}" for name, power in items)

    if not num and not den:
        return "ratio"
    text = join(num) or "1"
    return f"{text}/{join(den)}" if den else text
