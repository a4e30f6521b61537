"""Uncertainty (Approach 1 and Monte Carlo) and key categories of a compiled inventory."""

from __future__ import annotations

from typing import Any

import pytest

from citycarbon.inventory.analysis import approach1, key_categories, monte_carlo, terms_of

ROWS: dict[str, Any] = {
    "energy.fuel_combustion": {
        "rows": [
            # 1 000 t diesel in agriculture; 1 000 t diesel in construction (same NCV row)
            {"fuel": "diesel", "activity": "agriculture", "quantity": "1000 t"},
            {"fuel": "diesel", "activity": "construction", "quantity": "1000 t"},
        ]
    },
    "energy.coal_mining": {
        "rows": [
            {
                "mine_type": "surface",
                "production": {"value": 1e6, "unit": "t", "uncertainty_pct": 10},
            }
        ]
    },
}


@pytest.fixture
def result(form_factory: Any, compile_form: Any) -> Any:
    return compile_form(form_factory(categories=ROWS))


def test_declared_terms_add_up_to_the_formulas(result: Any) -> None:
    terms = terms_of(result)  # raises if a category's terms disagree with its formula
    assert len(terms) == 2 * 3 + 3


def test_approach1_products_and_sums(result: Any) -> None:
    report = approach1(result)
    groups = {(g["group"], g["gas"]): g for g in report["key_groups"]}
    # CO2 of diesel: quantity 5 %, NCV 3 %, carbon content 3 %, oxidation 2 %:
    # √(25 + 9 + 9 + 4) = √47 = 6.8557 % for each line (Eq. 3.1); agriculture (1A4c) and
    # construction (1A2f) are separate key-category groups.
    assert groups[("1A4 oil", "CO2")]["uncertainty_pct"] == pytest.approx(47**0.5)
    assert groups[("1A2 oil", "CO2")]["uncertainty_pct"] == pytest.approx(47**0.5)
    # Surface mining: three terms P·EFm·ρ, P·EFpm·ρ (P 10 %, EF 75 %, ρ 0) and −R·ρ (R = 0):
    # each √(100 + 5625) = 75.664 %; the sum of two terms in proportion 1.2 : 0.1 (Eq. 3.2):
    # √((1.2·75.664)² + (0.1·75.664)²) / 1.3 = 75.664 × √1.45 / 1.3 = 70.08 %.
    expected = (100 + 75**2) ** 0.5 * 1.45**0.5 / 1.3
    assert groups[("1B1a", "CH4")]["uncertainty_pct"] == pytest.approx(expected)


def test_monte_carlo_is_seeded_and_shares_factor_draws(result: Any) -> None:
    first = monte_carlo(result, 2000, seed=7)
    again = monte_carlo(result, 2000, seed=7)
    assert first.total().lower == again.total().lower
    assert first.total().estimate == pytest.approx(float(result.total().value))
    other = monte_carlo(result, 2000, seed=8)
    assert other.total().lower != first.total().lower
    data = first.as_dict()
    assert data["seed"] == 7
    assert "converged" in data["convergence"]


def test_key_categories_level(result: Any) -> None:
    report = key_categories(result)
    (level,) = report["assessments"]
    shares = [e["share_pct"] for e in level["entries"]]
    assert sum(shares) == pytest.approx(100)
    assert level["entries"][0]["cumulative_pct"] == pytest.approx(shares[0])
    # Largest first: surface mining CH4 (1e6 t × 1.3 m3/t × 0.67 kg/m3 = 871 t × 21 = 18 291 t)
    # ahead of each diesel line (1 000 t × 42.652 × 20.2 × 0.98 × 44/12 / 1000 = 3 095.9 t).
    assert (level["entries"][0]["category"], level["entries"][0]["gas"]) == ("1B1a", "CH4")
    assert level["entries"][0]["tco2e"] == pytest.approx(18_291)


def test_key_categories_trend_needs_two_years(
    result: Any, form_factory: Any, compile_form: Any
) -> None:
    base_rows = {k: v for k, v in ROWS.items() if k != "energy.coal_mining"}
    base = compile_form(form_factory(categories=base_rows))
    report = key_categories(result, base=base)
    assert {a["id"] for a in report["assessments"]} >= {"L1-latest", "T1"}
