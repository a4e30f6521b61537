"""What the resolver shares between lines, inventories and compilations changes no result.

Library defaults are looked up once per factor library (by identity), factor sets, region and
year; a value read from a cell is read once per category, cell, type and value; inventories with
the same local values share how their lines are filled. These tests compile the same forms with
every shared table emptied and with them full, and under two libraries with the same version
name but different values, and check the cells that must never be confused.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal
from typing import Any

import pytest

from citycarbon.factors import FactorLibrary, default_library
from citycarbon.inventory import compile_inventory, read_form
from citycarbon.inventory import resolve as resolve_module
from citycarbon.inventory.energy import combustion
from citycarbon.inventory.model import NOTHING, Location, record
from citycarbon.inventory.results import CategoryResult, LineResult

SURFACE = {"mine_type": "surface", "production": "500000 t"}


def _forget_everything() -> None:
    resolve_module._CELLS.clear()
    resolve_module._TABLES.clear()
    resolve_module._SHAPES.clear()
    combustion._CHOICE_USES.clear()


def _mining(production: Any, **section: Any) -> dict[str, Any]:
    return {
        "inventory": {"jurisdiction": "测试县", "region": "henan", "year": 2012},
        "categories": {
            "energy.coal_mining": {
                "units": {"production": "t"},
                "rows": [{"mine_type": "surface", "production": production}],
                **section,
            }
        },
    }


def _params(result: Any) -> dict[str, Any]:
    (line,) = result.category("energy.coal_mining").lines
    return {p.name: p for p in line.params}


def test_a_cold_and_a_warm_compilation_are_the_same(form_factory: Any) -> None:
    form = read_form(
        form_factory(
            categories={
                "energy.coal_mining": {"rows": [SURFACE, {**SURFACE, "production": "7 10^4 t"}]},
                "ippu.semiconductor": {"rows": [{"gas": "CF4", "used": "2 t"}]},
            }
        )
    )
    _forget_everything()
    cold = compile_inventory(form)
    warm = compile_inventory(form)
    assert warm.as_dict() == cold.as_dict()
    assert [line.params for line in warm.lines()] == [line.params for line in cold.lines()]
    assert [line.values for line in warm.lines()] == [line.values for line in cold.lines()]


def test_defaults_follow_the_library_given_not_its_version_name() -> None:
    shipped = default_library()
    # The same rows and version name, but 2.4 m3/t for surface mining instead of 1.2.
    altered = FactorLibrary(
        tuple(
            dataclasses.replace(row, value=Decimal("2.4"))
            if row.id == "inv.coal_mining.surface"
            else row
            for row in shipped.rows
        ),
        shipped.version,
    )
    form = read_form(_mining(500_000))
    before = _params(compile_inventory(form))["ef_mining"]
    other = _params(compile_inventory(form, library=altered))["ef_mining"]
    after = _params(compile_inventory(form))["ef_mining"]
    assert (before.value, before.factor_id) == (1.2, "inv.coal_mining.surface")
    assert (other.value, other.factor_id) == (2.4, "inv.coal_mining.surface")
    assert after == before
    # 500 000 t × (2.4 + 0.1 m3/t) × 0.67 kg/m3 = 837 500 kg CH4.
    mined = compile_inventory(form, library=altered).category("energy.coal_mining")
    assert mined.masses_t["CH4"] == pytest.approx(837.5)


@pytest.mark.parametrize(
    ("first", "second"),
    [(1, 1.0), (0.0, -0.0), (1, "1"), ("1", "1 t")],
)
def test_a_cell_is_read_by_its_type_and_how_it_is_written(first: Any, second: Any) -> None:
    # The same sheet, row and column, values equal in Python (1 == 1.0, 0.0 == -0.0) but written
    # differently: each keeps its own record (what was given, the value's sign).
    one = _params(compile_inventory(read_form(_mining(first))))["production"]
    two = _params(compile_inventory(read_form(_mining(second))))["production"]
    assert one.given == f"{first} t"
    assert two.given == (second if second == "1 t" else f"{second} t")
    assert str(one.value) == str(float(first))
    assert str(two.value) == str(float(str(second).split()[0]))


def test_a_refused_cell_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(Exception, match="negative values are not allowed"):
            compile_inventory(read_form(_mining(-5)))
        with pytest.raises(Exception, match="not a number"):
            compile_inventory(read_form(_mining(True)))
    assert _params(compile_inventory(read_form(_mining(5))))["production"].value == 5.0


def test_local_values_are_not_shared_between_inventories() -> None:
    # Two inventories of the same year and region with different local factors for surface
    # mines: each line uses its own (500 000 t × (f + 0.1) m3/t × 0.67 kg/m3).
    by_factor = {}
    for factor in ("1.5 m3/t", "3.0 m3/t"):
        form = read_form(_mining(500_000, local={"ef_mining": factor}))
        result = compile_inventory(form)
        used = _params(result)["ef_mining"]
        assert (used.origin, used.given) == ("local", factor)
        by_factor[factor] = result.category("energy.coal_mining").masses_t["CH4"]
    assert by_factor == {"1.5 m3/t": pytest.approx(536.0), "3.0 m3/t": pytest.approx(1038.5)}


def test_records_made_in_one_step_equal_those_of_the_constructor() -> None:
    where = Location("categories.x", 1, "y")
    line_fields: dict[str, Any] = {
        "category": "energy.x",
        "label": "l",
        "subcategory": "1A",
        "key_group": "1A",
        "masses_t": {"CO2": 1.0},
        "co2e_t": 1.0,
        "params": (),
        "where": where,
        "memo_t": {},
        "values": {"a": 1.0},
    }
    made = record(LineResult, **line_fields)
    assert made == LineResult(**line_fields)
    assert repr(made) == repr(LineResult(**line_fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.label = "changed"  # type: ignore[misc]


def test_every_record_the_engine_makes_has_all_its_fields(form_factory: Any) -> None:
    result = compile_inventory(read_form(form_factory(categories={"energy.coal_mining": {
        "rows": [SURFACE]}})))  # fmt: skip
    for cls, items in ((LineResult, result.lines()), (CategoryResult, result.categories)):
        names = {f.name for f in dataclasses.fields(cls)}
        for item in items:
            assert set(vars(item)) == names


def test_the_shared_empty_mapping_behaves_as_an_empty_dict() -> None:
    assert NOTHING == {}
    assert dict.__eq__({}, NOTHING) is NotImplemented  # so {} == NOTHING asks NOTHING: equal
    empty: dict[str, Any] = {}
    assert empty == NOTHING  # the dict on the left: dict.__eq__ defers to NOTHING
    assert (len(NOTHING), list(NOTHING), "x" in NOTHING, NOTHING.get("x", 1)) == (0, [], False, 1)
    assert repr(NOTHING) == "{}"
    assert dict(NOTHING) == {}
    assert copy.copy(NOTHING) is NOTHING
    assert copy.deepcopy(NOTHING) is NOTHING
    assert pickle.loads(pickle.dumps(NOTHING)) is NOTHING
    with pytest.raises(KeyError):
        NOTHING["x"]


def test_a_result_can_be_deep_copied(form_factory: Any) -> None:
    result = compile_inventory(read_form(form_factory(categories={"energy.coal_mining": {
        "rows": [SURFACE]}})))  # fmt: skip
    assert copy.deepcopy(result).as_dict() == result.as_dict()
