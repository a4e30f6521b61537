"""The yearly assessment: met or not, warning, points, veto, grades, ranks and the verdict.

Every case uses GDP 100 亿元 in all years (see conftest), so reductions are CO2 ratios. The
CO2 target is 17 % over 2010–2015 unless stated: the year's required reduction is then
r = 1 − 0.83^(1/5) = 3.658 %, shown 3.66 %.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from citycarbon.targets import (
    ScoringConfig,
    VerdictConfig,
    WarningConfig,
    YearResult,
    assess,
    grade,
    parse_input,
    rank_competition,
    verdict,
    warning_level,
)

Builder = Callable[..., dict[str, Any]]


def _year(result: Any, jid: str, year: int) -> YearResult:
    return next(r for r in result.rows if r.jurisdiction == jid and r.year == year)


def _one_year(inp: Builder, jur: Builder, co2_2011: float, measures: float | None = 40.0) -> Any:
    return assess(parse_input(inp(jur("a", [1_000_000, co2_2011], measures=[measures]))))


# ------------------------------------------------------------------------------------------
# Met or not, completion rates, points


def test_reduction_exactly_at_the_requirement_is_met(inp: Builder, jur: Builder) -> None:
    # 1 − 963 400/1 000 000 = 3.66 %; required 3.658 % shown 3.66 % → met, completion 100.00 %
    row = _year(_one_year(inp, jur, 963_400), "a", 2011)
    assert row.co2.reduction_pct == 3.66
    assert row.co2.annual_reduction_pct == 3.66
    assert row.co2.annual_required_reduction_pct == 3.66
    assert row.co2.required_cumulative_reduction_pct == 3.66
    assert row.co2.annual_target_met is True
    assert row.co2.cumulative_target_met is True
    assert row.co2.annual_completion_pct == 100.0
    assert row.co2.warning_level == "三级"
    assert row.target_points == 50.0
    assert row.veto is False


def test_first_year_figures(inp: Builder, jur: Builder) -> None:
    # 4.00 % fall in 2011 against T = 17 %:
    # compound share ln(0.96)/ln(0.83) = −0.040822/−0.186330 = 21.91 %; linear 4/17 = 23.53 %;
    # time progress 1/5 = 20 %
    row = _year(_one_year(inp, jur, 960_000), "a", 2011)
    assert row.co2.intensity == 0.96  # 960 000 t / (100 亿元 × 10⁴) = 0.9600 t/万元
    assert row.co2.reduction_pct == 4.0
    assert row.co2.progress_share_pct == 21.91
    assert row.co2.progress_share_linear_pct == 23.53
    assert row.co2.time_progress_pct == 20.0
    assert row.co2.annual_completion_pct == 109.29  # 4.00/3.66 = 1.092896
    assert row.annual_points == 25.0
    assert row.cumulative_points == 25.0
    assert row.score == 90.0  # 50 + 40
    assert row.grade == "优秀"


def test_base_year_row_has_no_assessment(inp: Builder, jur: Builder) -> None:
    row = _year(_one_year(inp, jur, 960_000), "a", 2010)
    assert row.co2.intensity == 1.0
    assert row.co2.reduction_pct is None
    assert row.co2.warning_level is None
    assert row.score is None
    assert row.grade is None
    assert row.veto is None
    assert row.rank is None


# ------------------------------------------------------------------------------------------
# The veto


def test_missing_the_year_target_is_a_veto_whatever_the_total(inp: Builder, jur: Builder) -> None:
    # 3.00 % against 3.66 %: completion 3.00/3.66 = 81.97 %, points 25 × 0.8197 = 20.4925 → 20.49
    # for each of the two target indicators (k = 1: the cumulative requirement is the year's).
    # 20.49 + 20.49 + 50 measures = 90.98, yet 不合格 because of the veto.
    row = _year(_one_year(inp, jur, 970_000, measures=50), "a", 2011)
    assert row.co2.annual_target_met is False
    assert row.co2.annual_completion_pct == 81.97
    assert row.annual_points == 20.49
    assert row.cumulative_points == 20.49
    assert row.target_points == 40.98
    assert row.score == 90.98
    assert row.veto is True
    assert row.grade == "不合格"


def test_missing_only_the_cumulative_target_is_a_veto(inp: Builder, jur: Builder) -> None:
    # 2011: −2.00 %; 2012: −4.50 % in the year (met: ≥ 3.66 %), but since 2010
    # 1 − 0.98 × 0.955 = 6.41 % < 7.18 % required → veto.
    # cumulative completion 6.41/7.18 = 0.892758 → 89.28 %, points 25 × 0.8928 = 22.32
    data = inp(jur("a", [1_000_000, 980_000, 935_900], measures=[45, 45]))
    row = _year(assess(parse_input(data)), "a", 2012)
    assert row.co2.annual_reduction_pct == 4.5
    assert row.co2.annual_target_met is True
    assert row.co2.reduction_pct == 6.41
    assert row.co2.required_cumulative_reduction_pct == 7.18
    assert row.co2.cumulative_target_met is False
    assert row.co2.cumulative_completion_pct == 89.28
    assert row.annual_points == 25.0
    assert row.cumulative_points == 22.32
    assert row.score == 92.32  # 25 + 22.32 + 45
    assert row.veto is True
    assert row.grade == "不合格"


def test_a_veto_without_measures_still_fails(inp: Builder, jur: Builder) -> None:
    row = _year(_one_year(inp, jur, 990_000, measures=None), "a", 2011)
    assert row.score is None
    assert row.veto is True
    assert row.grade == "不合格"
    # and no veto, no measures: no grade
    row = _year(_one_year(inp, jur, 960_000, measures=None), "a", 2011)
    assert row.target_points == 50.0
    assert row.score is None
    assert row.grade is None


# ------------------------------------------------------------------------------------------
# Grades: inclusive lower bounds 90 / 80 / 60


@pytest.mark.parametrize(
    ("measures", "score", "expected"),
    [
        (40.0, 90.0, "优秀"),  # 50 target points + 40 = 90.00, exactly the bound
        (39.99, 89.99, "良好"),  # just below
        (30.0, 80.0, "良好"),
        (29.99, 79.99, "合格"),
        (10.0, 60.0, "合格"),
        (9.99, 59.99, "不合格"),
    ],
)
def test_grade_bounds(
    inp: Builder, jur: Builder, measures: float, score: float, expected: str
) -> None:
    row = _year(_one_year(inp, jur, 960_000, measures=measures), "a", 2011)
    assert row.veto is False
    assert row.score == score
    assert row.grade == expected


def test_grade_function() -> None:
    assert grade(90.0, False) == "优秀"
    assert grade(89.99, False) == "良好"
    assert grade(95.0, True) == "不合格"
    assert grade(None, False) is None
    assert grade(None, True) == "不合格"
    # configured bands (e.g. a stricter city): 优秀 from 95
    strict = ScoringConfig(
        grades=(
            ScoringConfig().grades[0].__class__("优秀", 95.0),
            ScoringConfig().grades[1],
            ScoringConfig().grades[2],
        )
    )
    assert grade(94.99, False, strict) == "良好"


# ------------------------------------------------------------------------------------------
# Warning levels


@pytest.mark.parametrize(
    ("co2_2011", "completion", "level"),
    [
        (963_400, 100.0, "三级"),  # 3.66 / 3.66
        (963_500, 99.73, "二级"),  # 3.65 / 3.66 = 0.997268
        (981_700, 50.0, "二级"),  # 1.83 / 3.66 = exactly one half
        (981_800, 49.73, "一级"),  # 1.82 / 3.66 = 0.497268
        (1_010_000, -27.32, "一级"),  # the intensity rose 1 %: −1.00 / 3.66
    ],
)
def test_warning_levels_at_their_thresholds(
    inp: Builder, jur: Builder, co2_2011: float, completion: float, level: str
) -> None:
    row = _year(_one_year(inp, jur, co2_2011), "a", 2011)
    assert row.co2.annual_completion_pct == completion
    assert row.co2.warning_level == level


def test_warning_is_the_more_severe_of_the_two_comparisons(inp: Builder, jur: Builder) -> None:
    # 2012 of the cumulative-veto case: year 4.50/3.66 = 122.95 % (三级) but cumulative
    # 6.41/7.18 = 89.28 % (二级) → 二级
    data = inp(jur("a", [1_000_000, 980_000, 935_900]))
    row = _year(assess(parse_input(data)), "a", 2012)
    assert row.co2.annual_completion_pct == 122.95
    assert row.co2.warning_level == "二级"


def test_warning_function_and_configured_thresholds() -> None:
    assert warning_level(100.0) == "三级"
    assert warning_level(99.99) == "二级"
    assert warning_level(50.0) == "二级"
    assert warning_level(49.99) == "一级"
    lenient = WarningConfig(on_track_pct=90.0, severe_below_pct=60.0)
    assert warning_level(90.0, lenient) == "三级"
    assert warning_level(59.99, lenient) == "一级"


def test_configured_thresholds_through_the_input(inp: Builder, jur: Builder) -> None:
    # 3.65/3.66 = 99.73 % is 二级 by default, 三级 when on track starts at 95 %
    data = inp(jur("a", [1_000_000, 963_500]), config={"warning": {"on_track_pct": 95}})
    assert _year(assess(parse_input(data)), "a", 2011).co2.warning_level == "三级"


def test_a_yearly_target_replaces_the_even_pace(inp: Builder, jur: Builder) -> None:
    # the year's plan target 3.0 %: a 3.20 % fall meets it (it would miss the pace 3.66 %)
    data = inp(jur("a", [1_000_000, 968_000], measures=[40]))
    data["jurisdictions"][0]["years"]["2011"]["co2_intensity_annual_target_pct"] = 3.0
    row = _year(assess(parse_input(data)), "a", 2011)
    assert row.co2.annual_required_reduction_pct == 3.0
    assert row.co2.annual_target_met is True
    assert row.co2.annual_completion_pct == 106.67  # 3.20/3.00
    # the cumulative requirement stays the even pace's 3.66 %
    assert row.co2.cumulative_target_met is False
    assert row.veto is True


# ------------------------------------------------------------------------------------------
# Ranks


def test_ranks_among_siblings(inp: Builder, jur: Builder) -> None:
    # four districts of a city, 2011: scores 50 + measures; d has the best total but a veto.
    # a 95, b 90, c 90, d (vetoed) → 1, 2, 2, 4; the city ranks alone.
    co2_met, co2_missed = 960_000, 990_000
    data = inp(
        jur("city", [1_000_000, co2_met], measures=[30]),
        jur("a", [1_000_000, co2_met], measures=[45], parent="city"),
        jur("b", [1_000_000, co2_met], measures=[40], parent="city"),
        jur("c", [1_000_000, co2_met], measures=[40], parent="city"),
        jur("d", [1_000_000, co2_missed], measures=[50], parent="city"),
    )
    result = assess(parse_input(data))
    ranks = {j: (_year(result, j, 2011).rank, _year(result, j, 2011).rank_of) for j in "abcd"}
    assert ranks == {"a": (1, 4), "b": (2, 4), "c": (2, 4), "d": (4, 4)}
    assert (_year(result, "city", 2011).rank, _year(result, "city", 2011).rank_of) == (1, 1)


def test_rank_competition() -> None:
    assert rank_competition([(False, -95.0), (False, -90.0), (False, -90.0), (True, -99.0)]) == [
        1,
        2,
        2,
        4,
    ]
    assert rank_competition([]) == []


# ------------------------------------------------------------------------------------------
# The five-year verdict (a one-year period keeps the arithmetic short: T = 10 %)


@pytest.mark.parametrize(
    ("co2_2011", "completion", "expected"),
    [
        (890_000, 110.0, "超额完成"),  # 11.00/10 = 110.00 %
        (890_100, 109.9, "完成"),  # 10.99/10
        (900_000, 100.0, "完成"),
        (900_100, 99.9, "基本完成"),  # 9.99/10
        (910_000, 90.0, "基本完成"),
        (910_100, 89.9, "未完成"),  # 8.99/10
    ],
)
def test_verdict_bands(
    inp: Builder, jur: Builder, co2_2011: float, completion: float, expected: str
) -> None:
    data = inp(jur("a", [1_000_000, co2_2011], target_pct=10), target_year=2011)
    row = _year(assess(parse_input(data)), "a", 2011)
    assert row.co2.final_completion_pct == completion
    assert row.co2.verdict == expected


def test_verdict_only_in_the_target_year(inp: Builder, jur: Builder) -> None:
    result = assess(parse_input(inp(jur("a", [1_000_000, 960_000]))))
    assert _year(result, "a", 2011).co2.verdict is None


def test_verdict_function_and_configured_bands() -> None:
    assert verdict(110.0) == "超额完成"
    assert verdict(109.99) == "完成"
    assert verdict(100.0) == "完成"
    assert verdict(99.99) == "基本完成"
    assert verdict(90.0) == "基本完成"
    assert verdict(89.99) == "未完成"
    assert verdict(104.0, VerdictConfig(exceeded_pct=105.0)) == "完成"


# ------------------------------------------------------------------------------------------
# Both indicators, as_of, output names


def test_energy_indicator_alongside(inp: Builder, jur: Builder) -> None:
    # energy 500 000 tce → 481 700 tce: 3.66 % against 16 %: r = 1 − 0.84^(1/5) = 3.428 % → 3.43
    data = inp(
        jur(
            "a",
            [1_000_000, 960_000],
            energy_target_pct=16,
            energy_by_year=[500_000, 481_700],
        )
    )
    row = _year(assess(parse_input(data)), "a", 2011)
    assert row.energy is not None
    assert row.energy.reduction_pct == 3.66
    assert row.energy.annual_required_reduction_pct == 3.43
    assert row.energy.warning_level == "三级"
    out = row.as_dict()
    assert out["energy_intensity"] == 0.4817
    assert out["energy_intensity_reduction_pct"] == 3.66


def test_as_of_uses_only_the_years_up_to_it(inp: Builder, jur: Builder) -> None:
    data = inp(jur("a", [1_000_000, 960_000, 921_600, 884_736]))
    result = assess(parse_input(data), as_of=2012)
    assert [r.year for r in result.rows] == [2010, 2011, 2012]
    assert result.rows[-1].co2.projection is not None
    assert result.rows[-1].co2.projection.from_year == 2012
    with pytest.raises(ValueError, match="outside the period"):
        assess(parse_input(data), as_of=2016)


def test_output_uses_the_issue_field_names(inp: Builder, jur: Builder) -> None:
    result = assess(parse_input(inp(jur("a", [1_000_000, 960_000], measures=[40]))))
    last = result.as_dict()["results"][-1]
    for name in (
        "co2_intensity",
        "co2_intensity_reduction_pct",
        "required_cumulative_reduction_pct",
        "progress_share_pct",
        "progress_share_linear_pct",
        "annual_required_reduction_pct",
        "annual_reduction_pct",
        "warning_level",
        "score",
        "grade",
        "veto",
        "rank",
        "projection",
        "co2_basis",
    ):
        assert name in last, name
    assert last["co2_basis"] == "supplied"
    assert "projection" not in result.as_dict()["results"][0]
