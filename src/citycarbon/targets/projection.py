"""Projection of an intensity to the target year and the probability of meeting the target.

The model
---------
The logarithm of the intensity relative to the base year, y_t = ln(I_t / I_0), is taken to follow a
random walk with drift: each year it changes by the drift μ plus a shock of standard deviation σ
(the year-to-year variability). After k of the period's n years:

* the drift is estimated from the change so far, μ̂ = y_k / k, with standard error σ/√k;
* the latest figure y_k carries the data's uncertainty u (1σ, relative) — the base year's figure is
  the settled reference of the assessment and is taken as exact;
* the m = n − k remaining years add m independent shocks.

Because the drift is estimated from the same uncertain y_k, its data error is carried forward n/k
times. The projected y_n is normal with

.. math::

    E[y_n] = \\frac{n}{k} y_k, \\qquad
    \\mathrm{Var}[y_n] = \\left(\\frac{n}{k}\\right)^2 u^2 + \\frac{m^2 \\sigma^2}{k} + m \\sigma^2

and the target T is met when y_n ≤ ln(1 − T). σ is the sample standard deviation (ddof = 1) of
the observed yearly changes of y when at least two are known, else a configured default.

The probability is estimated by Monte Carlo: ``draws`` outcomes per jurisdiction and indicator,
vectorised, from a stream seeded by (seed, jurisdiction id, indicator) so that a jurisdiction's
figure does not change when others are added or reordered. The three independent normal parts are
drawn as one normal of their summed variance (exact for this model), by inverse transform: a draw
is y = E[y_n] + sd · Φ⁻¹(u) with u uniform on (0, 1), and since Φ⁻¹ is increasing, y ≤ ln(1 − T)
exactly when u < Φ((ln(1 − T) − E[y_n]) / sd). The transform is applied once to the bound
instead of to every draw, which makes the draws three times cheaper than normal variates and
changes nothing in distribution. The estimate converges on Φ(·), which the tests use as the
hand-worked answer.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np

from citycarbon.targets.formulas import FloatArray

__all__ = ["meet_probability", "projection_moments", "stream_key"]


def stream_key(jurisdiction: str, indicator: int) -> tuple[int, int]:
    """The key of a jurisdiction's and indicator's random stream (stable across runs)."""
    return (zlib.crc32(jurisdiction.encode("utf-8")), indicator)


def projection_moments(
    log_ratio: FloatArray,
    elapsed: FloatArray,
    years: int,
    annual_sd: FloatArray,
    data_uncertainty: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Mean and standard deviation of the projected log intensity ratio at the target year.

    Parameters
    ----------
    log_ratio : ndarray
        y_k = ln(I_k / I_0) in the latest year with data [dimensionless].
    elapsed : ndarray
        k, years since the base year of that latest year [yr], k ≥ 1.
    years : int
        n, length of the period [yr].
    annual_sd : ndarray
        σ, standard deviation of the yearly change of y [dimensionless, per yr].
    data_uncertainty : ndarray
        u, relative standard uncertainty (1σ) of the latest intensity [fraction].

    Returns
    -------
    (ndarray, ndarray)
        E[y_n] and sd[y_n] [dimensionless].

    Notes
    -----
    .. math::

        E[y_n] = \\frac{n}{k} y_k, \\qquad
        \\mathrm{sd}[y_n] = \\sqrt{\\left(\\frac{n}{k}\\right)^2 u^2 + \\frac{m^2\\sigma^2}{k}
        + m\\sigma^2}, \\quad m = n - k

    References
    ----------
    citycarbon's projection model (docs/targets.md, "Projection"); the random walk with drift
    is the standard model of a trending series with independent yearly shocks.
    """
    scale = years / elapsed
    remaining = years - elapsed
    mean = scale * log_ratio
    variance = (
        scale**2 * data_uncertainty**2
        + remaining**2 * annual_sd**2 / elapsed
        + remaining * annual_sd**2
    )
    sd: FloatArray = np.sqrt(variance)
    return mean, sd


def meet_probability(
    mean: FloatArray,
    sd: FloatArray,
    threshold: FloatArray,
    *,
    draws: int,
    seed: int,
    keys: Sequence[tuple[int, int]],
) -> FloatArray:
    """Monte Carlo probability that an outcome N(mean, sd²) falls at or below ``threshold``.

    Parameters
    ----------
    mean, sd : ndarray
        Mean and standard deviation of the projected log intensity ratio, one per row.
    threshold : ndarray
        ln(1 − T), the log ratio at which the target is exactly met, one per row.
    draws : int
        Draws per row.
    seed : int
        Seed of the run.
    keys : sequence of (int, int)
        Stream key of each row (:func:`stream_key`).

    Returns
    -------
    ndarray
        Probability [fraction] per row; NaN where the mean is NaN. With sd = 0 the answer is
        exactly 1 or 0.

    Notes
    -----
    .. math::

        P = \\frac{1}{N} \\sum_{i=1}^{N} [\\, u_i < \\Phi(b) \\,], \\qquad
        b = \\frac{\\ln(1-T) - E[y_n]}{\\mathrm{sd}[y_n]}

    with u_i uniform draws (float32, PCG64 seeded per row): the inverse-transform form of
    counting normal outcomes y_i = E[y_n] + sd·Φ⁻¹(u_i) at or below ln(1 − T).
    """
    result = np.full(len(mean), np.nan)
    for row in range(len(mean)):
        centre, spread, bound = float(mean[row]), float(sd[row]), float(threshold[row])
        if math.isnan(centre) or math.isnan(spread):
            continue
        if spread == 0:
            result[row] = 1.0 if centre <= bound else 0.0
            continue
        chance = 0.5 * math.erfc(-(bound - centre) / (spread * math.sqrt(2.0)))  # Φ(b)
        stream = np.random.SeedSequence(seed, spawn_key=keys[row])
        u = np.random.Generator(np.random.PCG64(stream)).random(draws, dtype=np.float32)
        result[row] = np.count_nonzero(u < chance) / draws
    return result
