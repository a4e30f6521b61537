"""The pure rules of the MRV app, with hand-worked values: the credit code's check characters
(GB 32100-2015, GB 11714-1997), the coverage thresholds, whether a verifier may verify, and
the compliance deadlines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from citycarbon.server.mrv.coverage import (
    DEFAULT_RULES,
    Thresholds,
    YearFigures,
    coverage_problem,
    crossings,
    thresholds_for,
)
from citycarbon.server.mrv.creditcode import (
    ALPHABET,
    WEIGHTS,
    check_character,
    credit_code_problem,
    normalise,
    organisation_check_character,
)
from citycarbon.server.mrv.deadlines import (
    CalendarDates,
    Deadline,
    deadlines,
    is_required,
    reminder_dates,
    standing,
)
from citycarbon.server.mrv.eligibility import AccreditationSpan, SanctionSpan, refusals

# --- credit codes -----------------------------------------------------------------------------


def test_weights_and_alphabet_are_the_standards() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


def test_check_character_worked_by_hand() -> None:
    """91410185YY1850016K. Values × weights, positions 1-17:
    9·1 + 1·3 + 4·9 + 1·27 + 0·19 + 1·26 + 8·16 + 5·17 + Y(30)·20 + Y(30)·29 + 1·25 + 8·13
    + 5·8 + 0·24 + 0·10 + 1·30 + 6·28
    = 9 + 3 + 36 + 27 + 0 + 26 + 128 + 85 + 600 + 870 + 25 + 104 + 40 + 0 + 0 + 30 + 168
    = 2151; 2151 mod 31 = 12 (31·69 = 2139); 31 − 12 = 19 → ALPHABET[19] = K.
    Organisation code YY185001: Y=34; 34·3 + 34·7 + 1·9 + 8·10 + 5·5 + 0·8 + 0·4 + 1·2 = 456;
    456 mod 11 = 5; 11 − 5 = 6."""
    assert organisation_check_character("YY185001") == "6"
    assert check_character("91410185YY1850016") == "K"
    assert credit_code_problem("91410185YY1850016K") is None


def test_organisation_check_ten_is_x() -> None:
    """YY182001: 102 + 238 + 9 + 80 + 10 + 0 + 0 + 2 = 441; 441 mod 11 = 1; 11 − 1 = 10 → X.
    The full code 91410182YY182001X: 9 + 3 + 36 + 27 + 0 + 26 + 128 + 2·17 + 600 + 870 + 25
    + 104 + 2·8 + 0 + 0 + 30 + X(29)·28 = 2720; 2720 mod 31 = 23; 31 − 23 = 8."""
    assert organisation_check_character("YY182001") == "X"
    assert check_character("91410182YY182001X") == "8"
    assert credit_code_problem("91410182YY182001X8") is None


def test_check_thirty_one_is_zero() -> None:
    """91410185YY1000249: 9 + 3 + 36 + 27 + 0 + 26 + 128 + 85 + 600 + 870 + 25 + 0 + 0 + 0
    + 2·10 + 4·30 + 9·28 = 2201 = 31·71, so 31 − 0 = 31, written 0. Organisation code
    YY100024: 102 + 238 + 9 + 0 + 0 + 0 + 8 + 8 = 365; 365 mod 11 = 2; 11 − 2 = 9."""
    assert organisation_check_character("YY100024") == "9"
    assert check_character("91410185YY1000249") == "0"
    assert credit_code_problem("91410185YY10002490") is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91410185YY1850016", "length"),
        ("91410185YY1850016KK", "length"),
        ("91410185YO1850016K", "characters"),  # O is not used
        ("91410185yy1850016K", "characters"),  # lower case (normalise first)
        ("914101A5YY1850016K", "division"),
        ("91410185YY1850017K", "organisation_check"),
        ("91410185YY1850016L", "check"),
        ("91410186YY1850016K", "check"),  # one digit of the division changed
    ],
)
def test_problems_are_named(code: str, problem: str) -> None:
    assert credit_code_problem(code) == problem


def test_normalise_removes_spaces_and_capitalises() -> None:
    assert normalise(" 91410185 yy1850016k ") == "91410185YY1850016K"


# --- coverage thresholds ----------------------------------------------------------------------

RULES = (
    Thresholds(2010, Decimal(5000), Decimal(13000)),
    Thresholds(2013, Decimal(10000), Decimal(26000)),
)


def test_the_rule_of_a_year_is_the_latest_valid_from_it() -> None:
    assert thresholds_for(2009, RULES) is None
    assert thresholds_for(2010, RULES) == RULES[0]
    assert thresholds_for(2012, RULES) == RULES[0]
    assert thresholds_for(2013, RULES) == RULES[1]
    assert thresholds_for(2030, RULES) == RULES[1]
    assert (Thresholds(2010, Decimal(5000), Decimal(13000)),) == DEFAULT_RULES


def test_crossings_at_or_above_the_threshold_of_the_year() -> None:
    figures = [
        YearFigures(2009, Decimal(90000), Decimal(900000)),  # before the first rule
        YearFigures(2011, Decimal("4999.999"), Decimal("12999.999")),  # just below
        YearFigures(2012, Decimal(5000), None),  # energy exactly at the threshold
        YearFigures(2013, Decimal(9000), Decimal(26000)),  # the 2013 rule: emissions only
        YearFigures(2014, None, None),
    ]
    found = crossings(figures, RULES)
    assert [(c.year, c.energy, c.emissions, c.reason) for c in found] == [
        (2012, True, False, "energy"),
        (2013, False, True, "emissions"),
    ]
    assert found[1].thresholds == RULES[1]


@pytest.mark.parametrize(
    ("reason", "figures", "problem"),
    [
        ("designated", None, None),
        ("energy", YearFigures(2012, Decimal(5000), None), None),
        ("energy", YearFigures(2012, Decimal(4999), None), "energy"),
        ("energy", YearFigures(2013, Decimal(9000), None), "energy"),  # 2013 rule: 10,000
        ("emissions", YearFigures(2012, None, Decimal(13000)), None),
        ("emissions", YearFigures(2012, Decimal(6000), None), "emissions"),
        ("both", YearFigures(2012, Decimal(6000), Decimal(12000)), "emissions"),
        ("both", YearFigures(2012, Decimal(6000), Decimal(14000)), None),
        ("energy", YearFigures(2009, Decimal(60000), None), "year"),
        ("emissions", None, "year"),
    ],
)
def test_a_stated_coverage_reason_is_checked(
    reason: str, figures: YearFigures | None, problem: str | None
) -> None:
    assert coverage_problem(reason, figures, RULES) == problem


# --- may a verifier verify? -------------------------------------------------------------------

ACCREDITED = [
    AccreditationSpan(date(2014, 1, 1), date(2016, 12, 31), frozenset({"power_generation"})),
    AccreditationSpan(date(2015, 1, 1), date(2015, 12, 31), frozenset({"cement"})),
]


@pytest.mark.parametrize(
    ("sectors", "sanctions", "on", "expected"),
    [
        (["power_generation"], [], date(2014, 1, 1), []),
        (["power_generation"], [], date(2016, 12, 31), []),
        (["power_generation"], [], date(2017, 1, 1), [("not_accredited", ())]),
        (["power_generation"], [], date(2013, 12, 31), [("not_accredited", ())]),
        (["power_generation", "cement"], [], date(2015, 6, 1), []),  # two accreditations
        (["power_generation", "cement"], [], date(2016, 6, 1), [("out_of_scope", ("cement",))]),
        (["coal_mining"], [], date(2015, 6, 1), [("out_of_scope", ("coal_mining",))]),
        (
            ["power_generation"],
            [SanctionSpan("warning", date(2015, 1, 1))],
            date(2015, 6, 1),
            [],
        ),
        (
            ["power_generation"],
            [SanctionSpan("suspension", date(2015, 7, 1), date(2015, 12, 31))],
            date(2015, 12, 31),
            [("suspended", ())],
        ),
        (
            ["power_generation"],
            [SanctionSpan("suspension", date(2015, 7, 1), date(2015, 12, 31))],
            date(2016, 1, 1),
            [],
        ),
        (
            ["power_generation"],
            [SanctionSpan("suspension", date(2015, 7, 1))],  # until further notice
            date(2016, 6, 1),
            [("suspended", ())],
        ),
        (
            ["power_generation"],
            [SanctionSpan("removal", date(2015, 7, 1))],
            date(2015, 6, 30),
            [],
        ),
        (
            ["power_generation"],
            [SanctionSpan("removal", date(2015, 7, 1))],
            date(2015, 7, 1),
            [("removed", ())],
        ),
    ],
)
def test_refusals_to_verify(
    sectors: list[str], sanctions: list[SanctionSpan], on: date, expected: list[tuple]
) -> None:
    assert refusals(sectors, ACCREDITED, sanctions, on) == expected


# --- deadlines --------------------------------------------------------------------------------

CALENDAR = CalendarDates(
    year=2015,
    monitoring_plan_due=date(2014, 12, 31),
    ledger_due_day=15,
    annual_report_due=date(2016, 3, 31),
    verification_due=date(2016, 4, 30),
    approval_due=date(2016, 6, 30),
    reminder_days=(30, 7),
)


def test_a_year_has_sixteen_deadlines_in_order() -> None:
    found = deadlines(CALENDAR)
    assert len(found) == 16
    assert found[0] == Deadline("monitoring_plan", 2015, None, date(2014, 12, 31))
    assert found[1] == Deadline("ledger", 2015, 1, date(2015, 2, 15))
    assert found[11] == Deadline("ledger", 2015, 11, date(2015, 12, 15))
    assert found[12] == Deadline("ledger", 2015, 12, date(2016, 1, 15))  # into the next year
    assert [d.kind for d in found[13:]] == ["annual_report", "verification", "approval"]
    assert found[12].key == "ledger:2015-12"
    assert found[13].key == "annual_report:2015"


def test_reminders_and_standing() -> None:
    report = Deadline("annual_report", 2015, None, date(2016, 3, 31))
    assert reminder_dates(report, (30, 7)) == [date(2016, 3, 1), date(2016, 3, 24)]
    assert standing(report, date(2016, 2, 29), (30, 7)) == "upcoming"  # 31 days before
    assert standing(report, date(2016, 3, 1), (30, 7)) == "due_soon"  # 30 days before
    assert standing(report, date(2016, 3, 31), (30, 7)) == "due_soon"  # the day itself
    assert standing(report, date(2016, 4, 1), (30, 7)) == "overdue"
    assert standing(report, date(2016, 4, 1), (30, 7), done=True) == "done"
    assert standing(report, date(2016, 4, 1), (30, 7), required=False) == "not_required"
    assert standing(report, date(2016, 3, 30), ()) == "upcoming"  # no reminders


def test_what_an_enterprise_that_stopped_still_owes() -> None:
    """Closed on 2015-06-30: the ledgers of January to June 2015 and the 2015 report are
    owed, July's ledger and anything of 2016 are not; nothing before the year it joined."""
    until = date(2015, 6, 30)
    assert is_required(Deadline("ledger", 2015, 6, date(2015, 7, 15)), None, until)
    assert not is_required(Deadline("ledger", 2015, 7, date(2015, 8, 15)), None, until)
    assert is_required(Deadline("annual_report", 2015, None, date(2016, 3, 31)), None, until)
    assert not is_required(Deadline("annual_report", 2016, None, date(2017, 3, 31)), None, until)
    joined = date(2015, 3, 1)
    assert not is_required(Deadline("ledger", 2014, 12, date(2015, 1, 15)), joined, None)
    assert is_required(Deadline("ledger", 2015, 1, date(2015, 2, 15)), joined, None)
