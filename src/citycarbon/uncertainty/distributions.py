"""Input distributions of the Monte Carlo model, parameterised the IPCC way.

A :class:`Variable` is one uncertain input quantity — an activity datum, an emission factor, an
oxidation rate — with its point value and its 95 % confidence interval, given either as a
percentage half-width (``half_width_pct``: the interval is value ± half_width_pct % of it) or, for
asymmetric inputs, as its bounds (``lower``, ``upper``: the 2.5th and 97.5th percentiles).

How each distribution is fixed from those numbers (z = 1.959964, the 97.5th percentile of the
standard normal; h = half_width_pct / 100; m = ``mean``):

============  ========================================  =========================================
distribution  from ``half_width_pct``                   from ``lower``/``upper`` (L, U)
============  ========================================  =========================================
normal        mean m, σ = h·abs(m) / z                  L, U symmetric about m;
                                                        σ = (U − L) / 2z
lognormal     mean m and σ = h·abs(m) / z matched:      ln X ~ N(μ, s), exp(μ ∓ z·s) = L, U:
              s² = ln(1 + (σ/m)²),                      μ = (ln L + ln U) / 2,
              μ = ln abs(m) − s²/2                      s = (ln U − ln L) / 2z; m is the point
                                                        value (the mean is implied)
triangular    symmetric, mode m, half-base              mode m, support [a, b] solved so that
              A = h·abs(m) / (1 − √0.05)                F(L) = 0.025 and F(U) = 0.975
uniform       [m − A, m + A], A = h·abs(m) / 0.95       L, U symmetric about m;
                                                        A = (U − L) / 1.9
============  ========================================  =========================================

A negative lognormal quantity (a removal) is the mirror image of a positive one. A variable whose
interval has zero width is a constant and draws no random numbers.

References
----------
.. [1] IPCC (2006) 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 1, Ch. 3:
       section 3.1.3 and 3.2.2.4 (uncertainty as the half-width of the 95 % interval in percent of
       the value; asymmetric ranges), section 3.2.3.2 and 3.7.2 (Approach 2, Monte Carlo: choosing
       normal, lognormal, triangular or uniform probability density functions). [R]
.. [2] The lognormal moment relations σ_ln² = ln(1 + (σ/μ)²), μ_ln = ln μ − σ_ln²/2 and the
       triangular and uniform quantile functions are standard results (e.g. Johnson, Kotz &
       Balakrishnan, Continuous Univariate Distributions, 1994-95).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from citycarbon.uncertainty.errors import UncertaintyError

__all__ = [
    "DISTRIBUTIONS",
    "Z95",
    "Distribution",
    "Parameters",
    "Variable",
]

FloatArray = npt.NDArray[np.float64]

Distribution = Literal["normal", "lognormal", "triangular", "uniform"]
DISTRIBUTIONS: Final = ("normal", "lognormal", "triangular", "uniform")

#: The 97.5th percentile of the standard normal distribution.
Z95: Final = 1.959963984540054
#: Tail probability on each side of the 95 % interval.
_TAIL: Final = 0.025
#: For a symmetric triangle of half-base A, the 2.5th percentile lies A·(1 − √0.05) below the mode.
_TRIANGLE_RATIO: Final = 1.0 - math.sqrt(2 * _TAIL)

Kind = Literal["constant", "normal", "lognormal", "uniform", "triangular"]


@dataclass(frozen=True, slots=True)
class Parameters:
    """A variable's distribution in sampling form.

    ``kind`` and the three numbers: constant (value, -, -), normal (loc, scale, -), lognormal
    (μ of ln\\|X\\|, s, sign), uniform (low, high, -), triangular (low, high, mode).
    """

    kind: Kind
    a: float
    b: float = 0.0
    c: float = 0.0

    @property
    def stream(self) -> Literal["none", "normal", "uniform"]:
        """Which random stream the variable draws from."""
        if self.kind == "constant":
            return "none"
        return "normal" if self.kind in ("normal", "lognormal") else "uniform"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class Variable:
    """One uncertain input quantity of a Monte Carlo model.

    Parameters
    ----------
    name : str
        Unique name; every cell that uses this quantity names it and so shares its draw (a
        factor used by several categories, districts or years is one variable).
    distribution : str
        ``normal``, ``lognormal``, ``triangular`` or ``uniform``.
    mean : float
        The point value [the quantity's unit]: the mean for symmetric inputs and for the
        ``half_width_pct`` form; with ``lower``/``upper`` it is the mode of a triangular and the
        reported point value of a lognormal (whose mean the bounds imply).
    half_width_pct : float, optional
        Half-width of the 95 % interval as a percentage of ``mean`` [%].
    lower, upper : float, optional
        The 2.5th and 97.5th percentiles [the quantity's unit], instead of ``half_width_pct``.
    """

    name: str
    distribution: str
    mean: float
    half_width_pct: float | None = None
    lower: float | None = None
    upper: float | None = None

    def problems(self) -> list[UncertaintyError]:
        """Everything wrong with this variable (empty when it can be sampled)."""
        item = f"variable {self.name!r}"
        found: list[UncertaintyError] = []

        def refuse(message: str, column: str, value: object) -> None:
            found.append(UncertaintyError(message, item=item, column=column, value=value))

        if not isinstance(self.name, str) or not self.name.strip():
            refuse("a variable needs a name", "name", self.name)
        if self.distribution not in DISTRIBUTIONS:
            refuse(
                f"unknown distribution (expected one of {', '.join(DISTRIBUTIONS)})",
                "distribution",
                self.distribution,
            )
        if not _finite(self.mean):
            refuse("must be a finite number", "mean", self.mean)
        bounds = (self.lower, self.upper)
        if self.half_width_pct is None and None in bounds:
            refuse(
                "give the uncertainty: half_width_pct, or both lower and upper",
                "half_width_pct",
                None,
            )
            return found
        if self.half_width_pct is not None and bounds != (None, None):
            refuse(
                "give half_width_pct or lower/upper, not both",
                "half_width_pct",
                self.half_width_pct,
            )
            return found
        if self.half_width_pct is not None:
            if not _finite(self.half_width_pct) or self.half_width_pct < 0:
                refuse(
                    "an uncertainty must be a percentage, a finite number ≥ 0",
                    "half_width_pct",
                    self.half_width_pct,
                )
            elif (
                self.distribution == "lognormal"
                and _finite(self.mean)
                and self.mean == 0
                and self.half_width_pct > 0
            ):
                refuse("a lognormal quantity cannot have a mean of zero", "mean", self.mean)
            return found
        for column, value in (("lower", self.lower), ("upper", self.upper)):
            if not _finite(value):
                refuse("must be a finite number", column, value)
        if found or self.distribution not in DISTRIBUTIONS:
            return found
        lower, upper, mean = float(self.lower or 0.0), float(self.upper or 0.0), float(self.mean)
        if lower > upper:
            refuse("the lower bound exceeds the upper bound", "lower", self.lower)
            return found
        if not lower <= mean <= upper:
            refuse(f"the value {mean!r} lies outside its bounds", "mean", self.mean)
            return found
        if self.distribution in ("normal", "uniform"):
            scale = max(abs(lower), abs(upper), abs(mean), 1e-300)
            if abs((lower + upper) / 2 - mean) > 1e-9 * scale:
                refuse(
                    f"a {self.distribution} distribution is symmetric: the bounds must be centred "
                    "on the value (use lognormal or triangular for asymmetric bounds)",
                    "upper",
                    self.upper,
                )
        elif self.distribution == "lognormal" and lower < upper and (lower <= 0 <= upper):
            refuse(
                "a lognormal quantity keeps one sign: both bounds must be above zero (or both "
                "below, for a removal)",
                "lower",
                self.lower,
            )
        elif self.distribution == "triangular" and lower < upper:
            try:
                _fit_triangle(lower, mean, upper)
            except ValueError as error:
                refuse(str(error), "upper", self.upper)
        return found

    def parameters(self) -> Parameters:
        """The distribution in sampling form (see the module table).

        Raises
        ------
        UncertaintyError
            The first problem of :meth:`problems`, if any.
        """
        found = self.problems()
        if found:
            raise found[0]
        m = float(self.mean)
        if self.half_width_pct is not None:
            h = float(self.half_width_pct) / 100
            spread = h * abs(m)
            if spread == 0.0:
                return Parameters("constant", m)
            if self.distribution == "normal":
                return Parameters("normal", m, spread / Z95)
            if self.distribution == "uniform":
                half = spread / (1 - 2 * _TAIL)
                return Parameters("uniform", m - half, m + half)
            if self.distribution == "triangular":
                half = spread / _TRIANGLE_RATIO
                return Parameters("triangular", m - half, m + half, m)
            relative_sd = h / Z95
            s2 = math.log1p(relative_sd**2)
            return Parameters(
                "lognormal", math.log(abs(m)) - s2 / 2, math.sqrt(s2), math.copysign(1, m)
            )
        lower, upper = float(self.lower or 0.0), float(self.upper or 0.0)
        if lower == upper:
            return Parameters("constant", m)
        if self.distribution == "normal":
            return Parameters("normal", m, (upper - lower) / (2 * Z95))
        if self.distribution == "uniform":
            half = (upper - lower) / 2 / (1 - 2 * _TAIL)
            return Parameters("uniform", m - half, m + half)
        if self.distribution == "triangular":
            low, high = _fit_triangle(lower, m, upper)
            return Parameters("triangular", low, high, m)
        sign = 1.0 if lower > 0 else -1.0
        ln_low, ln_high = sorted((math.log(abs(lower)), math.log(abs(upper))))
        return Parameters("lognormal", (ln_low + ln_high) / 2, (ln_high - ln_low) / (2 * Z95), sign)

    def sample(self, size: int, rng: np.random.Generator) -> FloatArray:
        """``size`` independent draws [the quantity's unit], for inspection and tests.

        The Monte Carlo engine draws the same way, in blocks of many variables at once.
        """
        p = self.parameters()
        if p.stream == "normal":
            return transform_normal(p, rng.standard_normal(size))
        if p.stream == "uniform":
            return transform_uniform(p, rng.random(size))
        return np.full(size, p.a)


def transform_normal(p: Parameters, z: npt.ArrayLike) -> FloatArray:
    """Turn standard-normal draws into draws of a normal or lognormal variable.

    Parameters
    ----------
    p : Parameters
        A ``normal`` (loc, scale) or ``lognormal`` (μ, s, sign) variable.
    z : array_like
        Standard normal draws [-].

    Returns
    -------
    numpy.ndarray
        loc + scale·z, or sign·exp(μ + s·z) [the quantity's unit].
    """
    zz = np.asarray(z, dtype=np.float64)
    if p.kind == "normal":
        result: FloatArray = p.a + p.b * zz
        return result
    result = p.c * np.exp(p.a + p.b * zz)
    return result


def transform_uniform(p: Parameters, u: npt.ArrayLike) -> FloatArray:
    """Turn uniform(0, 1) draws into draws of a uniform or triangular variable (inverse CDF).

    Parameters
    ----------
    p : Parameters
        A ``uniform`` (low, high) or ``triangular`` (low, high, mode) variable.
    u : array_like
        Uniform draws on [0, 1) [-].

    Returns
    -------
    numpy.ndarray
        Draws [the quantity's unit].

    Notes
    -----
    Triangular with low a, mode c, high b and :math:`F_c = (c - a)/(b - a)`:

    .. math::

        x = a + \\sqrt{u (b - a)(c - a)} \\;\\; (u < F_c), \\qquad
        x = b - \\sqrt{(1 - u)(b - a)(b - c)} \\;\\; (u \\ge F_c)
    """
    uu = np.asarray(u, dtype=np.float64)
    low, high = p.a, p.b
    if p.kind == "uniform":
        result: FloatArray = low + (high - low) * uu
        return result
    mode = p.c
    width = high - low
    split = (mode - low) / width
    left = low + np.sqrt(uu * width * (mode - low))
    right = high - np.sqrt((1 - uu) * width * (high - mode))
    result = np.where(uu < split, left, right)
    return result


def _fit_triangle(lower: float, mode: float, upper: float) -> tuple[float, float]:
    """The support [a, b] of the triangle with this mode whose 2.5th and 97.5th percentiles are
    ``lower`` and ``upper``.

    Solves :math:`(L - a)^2 = p (b - a)(c - a)` and :math:`(b - U)^2 = p (b - a)(b - c)` with
    p = 0.025 by fixed-point iteration (a contraction wherever a solution exists).
    """
    width = upper - lower
    low, high = lower - 0.5 * width, upper + 0.5 * width
    for _ in range(2000):
        new_low = lower - math.sqrt(_TAIL * (high - low) * (mode - low))
        new_high = upper + math.sqrt(_TAIL * (high - new_low) * (high - mode))
        done = abs(new_low - low) + abs(new_high - high) <= 1e-14 * width
        low, high = new_low, new_high
        if done:
            break
    span = high - low
    below = (lower - low) ** 2 / (span * (mode - low)) if mode > low else 0.0
    above = (high - upper) ** 2 / (span * (high - mode)) if high > mode else 0.0
    if abs(below - _TAIL) > 1e-9 or abs(above - _TAIL) > 1e-9:
        raise ValueError(
            "no triangular distribution with this mode has these bounds as its 2.5th and 97.5th "
            "percentiles (the mode is too close to a bound)"
        )
    return low, high
