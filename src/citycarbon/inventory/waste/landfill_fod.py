"""Solid-waste disposal CH4 by first-order decay (一阶衰减法), ``waste.landfill_fod`` (6A).

A line is the waste of one component deposited at one site in one year; the inventory year's
emissions are the sum of what every earlier deposit decomposes in that year. The inventory year
is the inventory's own (``inventory.year``, supplied by the resolver through the ``@year`` default
subject); a line or a local value may still state it, and must then equal it. The deposit history
is checked as a whole (:func:`check_deposit_history`).

References
----------
.. [1] 《省级温室气体清单编制指南（试行）》(2011) 第五章 固体废弃物填埋处理.
.. [2] IPCC (2006) Vol. 5 Ch. 3 (Eq. 3.1-3.6, Tables 3.1-3.3, 2.4).
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from citycarbon.inventory.engine import Compilation, register_check
from citycarbon.inventory.model import (
    YEAR_SUBJECT,
    Category,
    InventoryError,
    Location,
    Num,
    Values,
    param,
)
from citycarbon.inventory.registry import register
from citycarbon.inventory.waste._params import (
    CH4_FRACTION,
    CLIMATES,
    DOCF,
    LANDFILL_SUBCATEGORIES,
    MCF,
    OXIDATION,
    SITE,
    SITE_TYPE,
    WASTE_TYPES,
    doc,
    landfill_subcategory,
)
from citycarbon.inventory.waste.mass_balance import LANDFILL_MASS_BALANCE

__all__ = [
    "LANDFILL_FOD",
    "check_deposit_history",
    "ddocm_deposited",
    "decay_rate_from_half_life",
    "fod_decomposed_fraction",
    "fod_landfill_ch4",
    "fod_landfill_ch4_series",
    "landfill_ch4_emitted",
    "landfill_ch4_generated",
]


def decay_rate_from_half_life(half_life_yr: float) -> float:
    """Decay rate constant of first-order decay from a half-life [1/yr].

    Parameters
    ----------
    half_life_yr : float
        Time for half of the decomposable carbon to decay, t½ [yr].

    Notes
    -----
    .. math:: k = \\frac{\\ln 2}{t_{1/2}}

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 §3.2.1.1 (the reaction constant and the half-life).
    """
    return math.log(2) / half_life_yr


def ddocm_deposited(waste: Num, doc: Num, docf: Num, mcf: Num) -> Num:
    """Decomposable degradable organic carbon in waste deposited [t C].

    Parameters
    ----------
    waste : float or ndarray
        Waste deposited W [t] (wet weight, matching ``doc``).
    doc : float or ndarray
        Degradable organic carbon DOC [fraction of the waste].
    docf : float or ndarray
        Fraction of DOC that decomposes DOCf [fraction].
    mcf : float or ndarray
        Methane correction factor of the site MCF [fraction].

    Notes
    -----
    .. math:: DDOCm = W \\cdot DOC \\cdot DOC_f \\cdot MCF

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.2.
    """
    return waste * doc * docf * mcf


def fod_decomposed_fraction(k: Num, age_yr: Num) -> Num:
    """Share of a deposit's DDOCm that decomposes in the year ``age_yr`` years after deposit.

    Parameters
    ----------
    k : float or ndarray
        Decay rate constant [1/yr].
    age_yr : float or ndarray
        Inventory year minus deposit year, a whole number ≥ 0 [yr].

    Returns
    -------
    float or ndarray
        The fraction of the DDOCm deposited that decomposes in the inventory year: 0 in the year
        of deposit, :math:`1 - e^{-k}` the year after, and so on.

    Notes
    -----
    Waste deposited in year *x* starts to decay on 1 January of *x + 1* (IPCC's convention), so
    the mass left at the end of year *T* is :math:`e^{-k\\,(T-x)}` of the deposit and the mass
    decomposed in *T* is

    .. math:: f(a) = e^{-k\\,m} - e^{-k\\,a}, \\qquad a = T - x, \\quad
              m = \\max(a - 1, 0) = \\tfrac{1}{2}\\,(a - 1 + |a - 1|)

    which is :math:`e^{-k(a-1)}\\,(1 - e^{-k})` for *a* ≥ 1 and 0 for *a* = 0. ``m`` is formed
    arithmetically so that the same function serves floats and arrays.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.4 and 3.5 (the recursion this closed form sums); Vol. 5 Ch. 3
    §3.2.1.1.
    """
    start = (age_yr - 1 + abs(age_yr - 1)) / 2
    result: Num = np.exp(-k * start) - np.exp(-k * age_yr)
    return result


def landfill_ch4_generated(ddocm_decomposed: Num, f: Num) -> Num:
    """CH4 generated from decomposed DDOCm [t CH4].

    Parameters
    ----------
    ddocm_decomposed : float or ndarray
        DDOCm decomposed in the year [t C].
    f : float or ndarray
        Fraction of CH4 in generated landfill gas, by volume [fraction].

    Notes
    -----
    .. math:: CH_4\\,generated = DDOCm_{decomp} \\cdot F \\cdot \\tfrac{16}{12}

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.6.
    """
    return ddocm_decomposed * f * 16 / 12


def landfill_ch4_emitted(generated: Num, recovery: Num, oxidation: Num) -> Num:
    """CH4 emitted from a solid-waste disposal site [t CH4].

    Parameters
    ----------
    generated : float or ndarray
        CH4 generated [t].
    recovery : float or ndarray
        Share of the CH4 generated that is recovered (flared or used) R [fraction].
    oxidation : float or ndarray
        Oxidation factor of the cover OX [fraction].

    Notes
    -----
    .. math:: CH_4\\,emitted = CH_4\\,generated \\cdot (1 - R) \\cdot (1 - OX)

    IPCC writes R as a mass recovered, :math:`(\\sum generated - R)(1 - OX)`; with R as the
    recovered share of the gas generated the two are the same.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.1.
    """
    return generated * (1 - recovery) * (1 - oxidation)


def fod_landfill_ch4(
    deposits_t: Any,
    deposit_years: Any,
    inventory_year: float,
    doc: Any,
    docf: Any,
    mcf: Any,
    f: Any,
    k: Any,
    oxidation: Any,
    recovery: Any = 0.0,
) -> Any:
    """Landfill CH4 of one inventory year from deposit histories, vectorised [t CH4].

    Parameters
    ----------
    deposits_t : ndarray, shape (..., years)
        Waste deposited in each year [t]; the last axis runs over ``deposit_years``.
    deposit_years : ndarray, shape (years,)
        The deposit years, all ≤ ``inventory_year`` [yr].
    inventory_year : float
        The year whose emissions are computed [yr].
    doc, docf, mcf, f, k, oxidation, recovery : float or ndarray
        As in :func:`ddocm_deposited`, :func:`landfill_ch4_generated` and
        :func:`landfill_ch4_emitted`; ``k`` [1/yr]; arrays broadcast against ``deposits_t``
        without its last axis (one value per cell).

    Returns
    -------
    ndarray, shape (...)
        CH4 emitted in ``inventory_year`` per cell [t].

    Notes
    -----
    .. math:: E_T = \\Big[\\sum_{x \\le T} W_x\\,DOC\\,DOC_f\\,MCF\\; f(T - x)\\Big]
              F\\,\\tfrac{16}{12}\\,(1 - R)(1 - OX)

    with *f* from :func:`fod_decomposed_fraction`. The sum equals IPCC's year-by-year recursion
    (Eq. 3.4, 3.5) started with an empty site in the first deposit year.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.1-3.6.
    """
    deposits = np.asarray(deposits_t, dtype=float)
    ages = inventory_year - np.asarray(deposit_years, dtype=float)
    rate = np.asarray(k, dtype=float)[..., np.newaxis]
    weights = fod_decomposed_fraction(rate, ages)
    decomposed = (deposits * weights).sum(axis=-1) * doc * docf * mcf
    return landfill_ch4_emitted(landfill_ch4_generated(decomposed, f), recovery, oxidation)


def fod_landfill_ch4_series(
    deposits_t: Any,
    doc: Any,
    docf: Any,
    mcf: Any,
    f: Any,
    k: Any,
    oxidation: Any,
) -> Any:
    """Landfill CH4 of every year of deposit histories, by the IPCC recursion [t CH4].

    Parameters
    ----------
    deposits_t : ndarray, shape (cells, years)
        Waste deposited in consecutive years [t].
    doc, docf, mcf, f, k, oxidation : float or ndarray of shape (cells,)
        As in :func:`fod_landfill_ch4`.

    Returns
    -------
    ndarray, shape (cells, years)
        CH4 emitted in each year (no recovery) [t]; the first year's is 0.

    Notes
    -----
    .. math:: DDOCma_T = DDOCmd_T + DDOCma_{T-1}\\,e^{-k}, \\qquad
              DDOCm\\,decomp_T = DDOCma_{T-1}\\,(1 - e^{-k})

    looped over years, vectorised over cells.

    References
    ----------
    IPCC (2006) Vol. 5 Ch. 3 Eq. 3.4, 3.5 (then Eq. 3.6 and 3.1).
    """
    deposits = np.asarray(deposits_t, dtype=float)
    ddocm = deposits * np.asarray(doc * docf * mcf, dtype=float)[..., np.newaxis]
    keep = np.exp(-np.asarray(k, dtype=float))
    accumulated = np.zeros(deposits.shape[:-1])
    decomposed = np.empty_like(deposits)
    for year in range(deposits.shape[-1]):
        decomposed[..., year] = accumulated * (1 - keep)
        accumulated = ddocm[..., year] + accumulated * keep
    scale = np.asarray(f * (1 - oxidation), dtype=float)[..., np.newaxis]
    return decomposed * scale * 16 / 12


# -- landfill: first-order decay ---------------------------------------------------------------


def _fod_check(values: Values) -> list[tuple[str, str]]:
    year, deposited = values["inventory_year"], values["deposit_year"]
    if deposited > year:
        return [
            (
                "deposit_year",
                f"waste deposited in {deposited:.0f} is after the inventory year {year:.0f}",
            )
        ]
    if deposited != round(deposited) or year != round(year):
        return [("deposit_year", "a year is a whole number")]
    return []


def _fod_compute(values: Values) -> dict[str, Any]:
    ddocm = ddocm_deposited(values["waste"], values["doc"], values["docf"], values["mcf"])
    share = fod_decomposed_fraction(
        values["decay_rate"], values["inventory_year"] - values["deposit_year"]
    )
    generated = landfill_ch4_generated(ddocm * share, values["f"])
    return {"CH4": landfill_ch4_emitted(generated, values["recovery"], values["oxidation"])}


LANDFILL_FOD: Final = register(
    Category(
        id="waste.landfill_fod",
        code="6A",
        sector="waste",
        name_en="Solid waste disposal: CH4 by first-order decay",
        name_zh="固体废弃物填埋处理 CH4（一阶衰减法）",
        gases=("CH4",),
        params=(
            SITE,
            SITE_TYPE,
            param("waste_type", "choice", "Waste component", "废弃物成分", choices=WASTE_TYPES),
            param(
                "climate",
                "choice",
                "Climate zone for the decay rate",
                "气候区（决定衰减速率）",
                choices=CLIMATES,
            ),
            param(
                "inventory_year",
                "count",
                "The inventory year: supplied from inventory.year (if given, it must equal it)",
                "清单年份（取自清单年份，无需填写）",
                default=("inventory_year", (YEAR_SUBJECT,)),
                pct=0.0,
            ),
            param("deposit_year", "count", "Year the waste was deposited", "填埋年份", pct=0.0),
            param(
                "waste",
                "activity",
                "Waste deposited in the deposit year",
                "当年填埋量",
                ("t",),
                pct=30.0,
            ),
            doc(("{waste_type}",)),
            DOCF,
            MCF,
            CH4_FRACTION,
            param(
                "decay_rate",
                "parameter",
                "Decay rate constant k = ln2 / half-life",
                "衰减速率常数 k",
                ("1/yr",),
                default=("swds_decay_rate", ("{waste_type}:{climate}",)),
            ),
            OXIDATION,
            param(
                "recovery",
                "fraction",
                "Share of the CH4 generated in the inventory year that is recovered",
                "甲烷回收比例",
                fallback=0.0,
            ),
        ),
        compute=_fod_compute,
        formula=(
            "CH4_T = Σ_x W_x × DOC × DOCf × MCF × (e^(−k·max(T−x−1, 0)) − e^(−k·(T−x))) × F × "
            "16/12 × (1 − R) × (1 − OX); one line per deposit year x ≤ T, decay from x + 1"
        ),
        reference=(
            "IPCC 2006 Vol. 5 Ch. 3 Eq. 3.1-3.6, Tables 3.1-3.3, 2.4; 《省级温室气体清单编制指南"
            "（试行）》(2011) 第五章 固体废弃物填埋处理"
        ),
        check=_fod_check,
        subcategory=landfill_subcategory,
        subcategories=LANDFILL_SUBCATEGORIES,
    )
)


def check_deposit_history(comp: Compilation, errors: list[InventoryError]) -> Any:
    """Check the first-order-decay deposit histories as a whole.

    For every site (the ``site`` label; lines without one form one site): every line's
    ``inventory_year`` (the inventory's, unless stated on the line or as a local value) is the
    inventory's year; the site has deposits before the inventory year;
    no year between its first deposit and the year before the inventory year is missing; no year
    is given twice for one waste component; and the site is not also estimated by the
    mass-balance method. Problems name the sheet, row and column; a refused history refuses the
    inventory (nothing is produced).

    Returns
    -------
    dict or None
        Per site: first and last deposit year and the number of years, or ``None`` when the
        inventory has no first-order-decay lines.
    """
    result = comp.results.get(LANDFILL_FOD.id)
    if result is None or not result.lines:
        return None
    year = comp.input.year
    sites: dict[str, list[Any]] = {}
    for line in result.lines:
        sites.setdefault(str(line.values.get("site", "")), []).append(line)
    report: dict[str, Any] = {}
    for site, lines in sites.items():
        name = site or "(unnamed site)"
        seen: dict[tuple[str, int], Any] = {}
        years: set[int] = set()
        for line in lines:
            given = int(line.values["inventory_year"])
            if year is not None and given != year:
                errors.append(
                    InventoryError(
                        f"the inventory year on a deposit line must be {year}",
                        _where(line, "inventory_year"),
                        given,
                    )
                )
            deposited = int(line.values["deposit_year"])
            key = (str(line.values.get("waste_type")), deposited)
            if key in seen:
                errors.append(
                    InventoryError(
                        f"site {name}: {key[0]} deposited in {deposited} is given twice (also "
                        f"{seen[key].where.describe()})",
                        _where(line, "deposit_year"),
                        deposited,
                    )
                )
            seen[key] = line
            years.add(deposited)
        target = year if year is not None else max(years) + 1
        before = sorted(y for y in years if y < target)
        ordered = sorted(lines, key=lambda item: int(item.values["deposit_year"]))
        if not before:
            errors.append(
                InventoryError(
                    f"site {name}: first-order decay needs the deposit history of the years "
                    f"before {target}; the history is missing (deposits given only for "
                    f"{', '.join(str(y) for y in sorted(years))})",
                    _where(ordered[0], "deposit_year"),
                    int(ordered[0].values["deposit_year"]),
                )
            )
            continue
        missing = [y for y in range(before[0], target) if y not in years]
        if missing:
            after = next(
                (item for item in ordered if int(item.values["deposit_year"]) > missing[0]),
                ordered[-1],
            )
            shown = ", ".join(str(y) for y in missing[:10]) + (" …" if len(missing) > 10 else "")
            errors.append(
                InventoryError(
                    f"site {name}: the deposit history from {before[0]} to {target - 1} is "
                    f"missing the year(s) {shown}; give each year's deposit (0 t if none)",
                    _where(after, "deposit_year"),
                    int(after.values["deposit_year"]),
                )
            )
        report[name] = {"first_year": before[0], "last_year": max(years), "years": len(years)}
    other = comp.results.get(LANDFILL_MASS_BALANCE.id)
    if other is not None:
        for line in other.lines:
            site = str(line.values.get("site", ""))
            if site in sites:
                errors.append(
                    InventoryError(
                        f"site {site or '(unnamed site)'} is estimated by first-order decay "
                        "already; a site takes one method only (it would be counted twice)",
                        _where(line, "site"),
                        site or None,
                    )
                )
    return {"sites": report}


def _where(line: Any, name: str) -> Location:
    for use in line.params:
        if use.name == name and use.where is not None:
            where: Location = use.where
            return where
    return Location(line.where.sheet, line.where.row, name)


register_check("waste.landfill_fod_history", check_deposit_history)
