"""The demonstration compliance cycle (ILLUSTRATIVE): monitoring plans of the demo
enterprises, approved for 2015, and the Dengfeng power plant's 2016 plan left as a draft; the
2015 monthly ledgers — complete for the Xinmi CHP plant (a July calorific value that jumped,
acknowledged) and the Dengfeng cement plant, January to November for the Dengfeng power plant,
whose March ledger was first pushed with a negative output and refused (the caught error), so
the demo accounts have December to enter. Loaded by
:func:`citycarbon.server.mrv.demo.load_demo` as the system (audited, idempotent: what exists is
left alone)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from citycarbon.numbers import quantize
from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import (
    AnnualReport,
    Enterprise,
    LedgerMonth,
    MonitoringPlan,
    VerificationAssignment,
    VerifierOrganisation,
)

__all__ = ["CYCLE_YEAR", "DemoCycle", "demo_ledger", "demo_plan", "load_demo_cycle"]

#: The year of the full demonstration cycle.
CYCLE_YEAR = 2015

_COAL = {
    "quantity": {"method": "belt_scale", "frequency": "continuous", "unit": "t"},
    "ncv": {"method": "lab_analysis", "frequency": "monthly", "unit": "GJ/t",
            "standard": "GB/T 213"},
    "carbon_content": {"method": "lab_analysis", "frequency": "monthly", "unit": "tC/TJ",
                       "standard": "GB/T 476"},
    "oxidation": "default",
}  # fmt: skip


def _power(code: str, name: str, unit: str) -> dict[str, Any]:
    return {
        "name": name,
        "sector": "power_generation",
        "region": "henan",
        "facilities": [{"id": unit, "name": name}],
        "streams": [
            {"id": "coal", "facility": unit, "source": "fuel_combustion",
             "fuel": "bituminous_coal", "name": "燃煤", "parameters": _COAL},
            {"id": "power", "facility": unit, "kind": "production", "product": "electricity",
             "name": "供电量",
             "parameters": {"output": {"method": "meter", "unit": "MWh"}}},
        ],
    }  # fmt: skip


def _cement(code: str, name: str, kiln: str) -> dict[str, Any]:
    return {
        "name": name,
        "sector": "cement",
        "region": "henan",
        "facilities": [{"id": kiln, "name": name}],
        "streams": [
            {"id": "coal", "facility": kiln, "source": "fuel_combustion",
             "fuel": "bituminous_coal", "name": "窑头窑尾燃煤", "parameters": _COAL},
            {"id": "power", "facility": kiln, "source": "purchased_electricity",
             "name": "外购电力",
             "parameters": {"quantity": {"method": "meter", "unit": "MWh"}}},
            {"id": "clinker", "facility": kiln, "kind": "production", "product": "clinker",
             "name": "熟料",
             "parameters": {"output": {"method": "weighbridge", "unit": "t"}}},
        ],
    }  # fmt: skip


#: (credit code, year) → plan document (without enterprise and year).
DEMO_PLANS: dict[tuple[str, int], dict[str, Any]] = {
    ("91410185YY1850016K", 2015): _power("91410185YY1850016K", "登封示例发电 1号机组", "U1"),
    ("91410183YY18300154", 2015): _power("91410183YY18300154", "新密示例热电 热电联产", "CHP1"),
    ("91410185YY18500329", 2015): _cement("91410185YY18500329", "登封示例水泥 熟料线", "K1"),
    ("91410185YY1850016K", 2016): _power("91410185YY1850016K", "登封示例发电 1号机组", "U1"),
}


def demo_plan(code: str, year: int) -> dict[str, Any]:
    """The demo plan document of an enterprise and year (with both)."""
    return {**DEMO_PLANS[(code, year)], "enterprise": code, "year": year}


#: Monthly figures (ILLUSTRATIVE): a seasonal factor per month applied to base values.
_SEASON = (
    Decimal("1.08"), Decimal("0.92"), Decimal("0.97"), Decimal("0.94"), Decimal("0.98"),
    Decimal("1.05"), Decimal("1.12"), Decimal("1.10"), Decimal("0.99"), Decimal("0.96"),
    Decimal("1.01"), Decimal("1.07"),
)  # fmt: skip
#: (credit code) → (coal t, NCV GJ/t, carbon tC/TJ, electricity or output MWh, clinker t)
_BASE: dict[str, tuple[str, str, str, str, str | None]] = {
    "91410185YY1850016K": ("128000", "20.62", "26.08", "271000", None),
    "91410183YY18300154": ("61000", "19.85", "25.96", "118000", None),
    "91410185YY18500329": ("15400", "22.40", "26.20", "9300", "101000"),
}
#: The warning of the demo: the Xinmi CHP plant's July NCV (a coal from another mine).
WARNED = ("91410183YY18300154", 7)
#: The caught error: the Dengfeng power plant's March ledger first pushed with a negative
#: output (a meter read backwards).
CAUGHT = ("91410185YY1850016K", 3)
#: Annual reports of the cycle year: enterprise → the day it was submitted (the cement
#: plant's after the calendar's 31 March, flagged late).
REPORTED = {"91410183YY18300154": date(2016, 3, 20), "91410185YY18500329": date(2016, 4, 5)}
#: The last month entered for each enterprise (the Dengfeng power plant is mid-cycle).
LAST_MONTH = {"91410185YY1850016K": 11, "91410183YY18300154": 12, "91410185YY18500329": 12}


def demo_ledger(code: str, month: int, *, faulty: bool = False) -> list[dict[str, Any]]:
    """The demo rows of an enterprise's month of the cycle year."""
    coal, ncv, carbon, energy, clinker = _BASE[code]
    season = _SEASON[month - 1]
    key = f"{CYCLE_YEAR}-{month:02d}"
    lab = f"化验报告 LAB-{code[-4:]}-{key}"
    ncv_value = Decimal(ncv) * (Decimal("1.16") if (code, month) == WARNED else 1)
    rows: list[dict[str, Any]] = [
        {"stream": "coal", "parameter": "quantity",
         "value": str((Decimal(coal) * season).quantize(Decimal(1))), "unit": "t",
         "evidence": f"皮带秤月报 {key}"},
        {"stream": "coal", "parameter": "ncv", "value": str(ncv_value.quantize(Decimal("0.01"))),
         "unit": "GJ/t", "evidence": lab},
        {"stream": "coal", "parameter": "carbon_content", "value": carbon, "unit": "tC/TJ",
         "evidence": lab},
    ]  # fmt: skip
    amount = (Decimal(energy) * season).quantize(Decimal(1))
    if clinker is None:
        rows.append({"stream": "power", "parameter": "output",
                     "value": str(-amount if faulty else amount), "unit": "MWh"})  # fmt: skip
    else:
        rows.append({"stream": "power", "parameter": "quantity", "value": str(amount),
                     "unit": "MWh", "evidence": f"电费单 {key}"})  # fmt: skip
        rows.append({"stream": "clinker", "parameter": "output",
                     "value": str((Decimal(clinker) * season).quantize(Decimal(1))),
                     "unit": "t"})  # fmt: skip
    return rows


#: A minimal PDF standing for a lab report (ILLUSTRATIVE).
DEMO_LAB_REPORT = (
    b"%PDF-1.4\n% illustrative lab report, not a real document\n"
    b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


class DemoCycle:
    """What the demo cycle loaded."""

    def __init__(self) -> None:
        self.plans = 0
        self.months = 0
        self.caught: list[str] = []
        self.reports = 0
        self.verifications = 0


def load_demo_cycle() -> DemoCycle:
    """Enter the demo plans (the cycle year's submitted and approved, the next year's left as
    a draft) and the cycle year's ledgers."""
    outcome = DemoCycle()
    for (code, year), _document in DEMO_PLANS.items():
        item = Enterprise.objects.filter(credit_code=code).first()
        if item is None or MonitoringPlan.objects.filter(enterprise=item, year=year).exists():
            continue
        record = services.do_save_plan(None, item, year, demo_plan(code, year))
        if year == CYCLE_YEAR:
            record = services.do_submit_plan(None, record)
            services.do_approve_plan(None, record)
        outcome.plans += 1
    power = Enterprise.objects.filter(credit_code=CAUGHT[0]).first()
    if power is not None:
        services.do_upload_evidence(
            None, power, "示例化验报告-2015-01.pdf", DEMO_LAB_REPORT,
            description="2015年1月入厂煤化验报告（示例）",
        )  # fmt: skip
    for code, last in LAST_MONTH.items():
        item = Enterprise.objects.filter(credit_code=code).first()
        if item is None:
            continue
        for month in range(1, last + 1):
            if LedgerMonth.objects.filter(enterprise=item, year=CYCLE_YEAR, month=month).exists():
                continue
            if (code, month) == CAUGHT:
                try:
                    services.do_submit_ledger(
                        None, item, CYCLE_YEAR, month, demo_ledger(code, month, faulty=True)
                    )
                except ValidationFailedError as error:
                    first = (error.errors or [])[0]
                    outcome.caught.append(
                        f"{code} {CYCLE_YEAR}-{month:02d} row {first.row} {first.field} "
                        f"{first.value}: {first.message}"
                    )
            record = services.do_submit_ledger(
                None, item, CYCLE_YEAR, month, demo_ledger(code, month)
            )
            for finding in record.findings.filter(acknowledged_at__isnull=True):
                services.do_acknowledge_finding(
                    None,
                    finding,
                    "换用平煤矿区来煤，发热量较高，有化验报告为证（示例）。",
                )
            outcome.months += 1
    for code, day in REPORTED.items():
        item = Enterprise.objects.filter(credit_code=code).first()
        if item is None or AnnualReport.objects.filter(enterprise=item, year=CYCLE_YEAR).exists():
            continue
        report = services.do_build_report(None, item, CYCLE_YEAR)
        services.do_sign_off(None, report)
        services.do_submit_report(None, report, on=day)
        outcome.reports += 1
    outcome.verifications += _load_verifications()
    return outcome


#: The first demo verifier organisation verifies the CHP plant (the whole workflow, a finding
#: corrected, approved; then a spot check by the second organisation, assigned) and is
#: assigned the cement plant (left for the demo verifier account to act on).
VERIFIER_A, VERIFIER_B = "91410105YY1050019C", "91410171YY1710021A"


def _load_verifications() -> int:
    first = VerifierOrganisation.objects.filter(credit_code=VERIFIER_A).first()
    second = VerifierOrganisation.objects.filter(credit_code=VERIFIER_B).first()
    chp = Enterprise.objects.filter(credit_code="91410183YY18300154").first()
    cement = Enterprise.objects.filter(credit_code="91410185YY18500329").first()
    if first is None or second is None or chp is None or cement is None:
        return 0
    made = 0
    if not VerificationAssignment.objects.filter(enterprise=chp, year=CYCLE_YEAR).exists():
        record = services.do_assign_verifier(
            None, chp, CYCLE_YEAR, organisation=first, on=date(2016, 4, 5)
        )
        services.do_verification_step(None, record, "plan", date(2016, 4, 6), "核查计划（示例）")
        services.do_verification_step(None, record, "document_review", date(2016, 4, 8))
        finding = services.do_raise_non_conformity(
            None, record,
            "7月入厂煤低位发热量跳变，化验报告未归档（示例）。",
            on=date(2016, 4, 8),
        )  # fmt: skip
        services.do_correct_non_conformity(
            None, finding, "已补充归档7月化验报告（示例）。", on=date(2016, 4, 11)
        )
        services.do_verification_step(None, record, "site_visit", date(2016, 4, 12))
        services.do_close_non_conformity(None, record, finding, on=date(2016, 4, 13))
        report = record.report
        emissions = {
            source: quantize(Decimal(value), Decimal("0.001"))
            for source, value in (report.figures.get("by_source") or {}).items()
        }
        services.do_verification_report(
            None, record, emissions, "positive", "数据真实可靠（示例）。", on=date(2016, 4, 20)
        )
        record = services.do_approve_verification(None, record, "同意核查结论（示例）。")
        services.do_publish_disclosure(None, record)
        services.do_assign_verifier(
            None, chp, CYCLE_YEAR, organisation=second, kind="spot_check", on=date(2016, 5, 3)
        )
        made += 1
    if not VerificationAssignment.objects.filter(enterprise=cement, year=CYCLE_YEAR).exists():
        services.do_assign_verifier(
            None, cement, CYCLE_YEAR, organisation=first, on=date(2016, 4, 10)
        )
        made += 1
    return made
