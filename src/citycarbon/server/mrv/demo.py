"""The demonstration register: ILLUSTRATIVE, made-up enterprises across Zhengzhou's industries
(power, coal mining in Dengfeng and Xinmi, cement, refractories and ceramics, aluminium in
Shangjie, machinery, electronics, food), two verifier organisations, the coverage thresholds,
compliance calendars for 2014 and 2015 and a screening run — loaded by ``citycarbon manage
demo`` (``load_demo_mrv``). Every name says 示例 / Example and every record is flagged
``illustrative``; the credit codes are fictitious (organisation codes ``YY…``) but pass the
GB 32100-2015 and GB 11714 checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from citycarbon.server.common.models import User
from citycarbon.server.mrv import services
from citycarbon.server.mrv.choices import EnterpriseStatus, MrvRole, MrvScopeKind
from citycarbon.server.mrv.demo_cycle import load_demo_cycle
from citycarbon.server.mrv.models import (
    ComplianceCalendar,
    CoverageRule,
    Enterprise,
    ScreeningRun,
    VerifierOrganisation,
)

__all__ = ["DEMO_ENTERPRISES", "DEMO_VERIFIERS", "DemoOutcome", "demo_accounts", "load_demo"]

#: The enterprise the demo reporter and responsible person work for (in Dengfeng, whose
#: official is a demo account too).
DEMO_ENTERPRISE = "91410185YY1850016K"
DEMO_VERIFIER = "91410105YY1050019C"
REGISTERED_ON = date(2014, 1, 1)
SCREENING_SOURCE = "示例筛查"


def _e(
    code: str,
    jurisdiction: str,
    sectors: list[str],
    name_zh: str,
    name_en: str,
    reason: str,
    year: int | None,
    energy: str | None,
    emissions: str | None,
    facilities: list[tuple[str, str, str]],
    note: str = "",
) -> dict[str, Any]:
    return {
        "credit_code": code,
        "jurisdiction": jurisdiction,
        "sectors": sectors,
        "name_zh": name_zh,
        "name_en": name_en,
        "coverage_reason": reason,
        "coverage_year": year,
        "coverage_energy_tce": Decimal(energy) if energy else None,
        "coverage_emissions_tco2e": Decimal(emissions) if emissions else None,
        "note": note,
        "illustrative": True,
        "facilities": [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in facilities],
    }


DEMO_ENTERPRISES: list[dict[str, Any]] = [
    _e(DEMO_ENTERPRISE, "dengfeng", ["power_generation"], "登封示例发电有限公司",
       "Dengfeng Example Power Co., Ltd.", "both", 2010, "2310000", "6050000",
       [("U1", "1号机组（600 MW）", "Unit 1 (600 MW)"),
        ("U2", "2号机组（600 MW）", "Unit 2 (600 MW)")]),
    _e("91410183YY18300154", "xinmi", ["power_generation"], "新密示例热电有限公司",
       "Xinmi Example Combined Heat and Power Co., Ltd.", "both", 2010, "980000", "2560000",
       [("CHP1", "热电联产机组", "CHP units"), ("BLR", "调峰锅炉房", "Peak boiler house")]),
    _e("91410185YY1850024E", "dengfeng", ["coal_mining"], "登封示例煤业有限公司",
       "Dengfeng Example Coal Mining Co., Ltd.", "both", 2010, "61000", "412000",
       [("M1", "一号井", "Shaft 1"), ("VAM", "乏风瓦斯利用站", "Ventilation-air methane plant")]),
    _e("91410183YY1830023Y", "xinmi", ["coal_mining"], "新密示例煤业有限公司",
       "Xinmi Example Coal Mining Co., Ltd.", "both", 2010, "48000", "356000",
       [("M1", "主井", "Main shaft")]),
    _e("91410183YY1830031R", "xinmi", ["coal_mining"], "新密示例第二煤矿有限公司",
       "Xinmi Example No. 2 Coal Mine Co., Ltd.", "both", 2010, "9800", "88000",
       [("M2", "二号井", "Shaft 2")]),
    _e("91410185YY18500329", "dengfeng", ["cement"], "登封示例水泥有限公司",
       "Dengfeng Example Cement Co., Ltd.", "both", 2010, "152000", "1120000",
       [("K1", "4000 t/d 熟料生产线", "4,000 t/d clinker line"),
        ("GM", "水泥粉磨站", "Cement grinding")]),
    _e("91410182YY182001X8", "xingyang", ["cement"], "荥阳示例水泥有限公司",
       "Xingyang Example Cement Co., Ltd.", "both", 2010, "64000", "470000",
       [("K1", "2500 t/d 熟料生产线", "2,500 t/d clinker line")]),
    _e("91410183YY183004XH", "xinmi", ["other_industry"], "新密示例耐火材料有限公司",
       "Xinmi Example Refractories Co., Ltd.", "both", 2011, "18200", "52300",
       [("TK", "隧道窑", "Tunnel kilns"), ("SH", "竖窑", "Shaft kilns")]),
    _e("91410184YY1840010T", "xinzheng", ["ceramics"], "新郑示例陶瓷有限公司",
       "Xinzheng Example Ceramics Co., Ltd.", "both", 2011, "9600", "24100",
       [("RK", "辊道窑", "Roller kilns")]),
    _e("91410106YY10600143", "shangjie", ["aluminium_electrolysis", "power_generation"],
       "上街示例铝业有限公司", "Shangjie Example Aluminium Co., Ltd.", "both", 2010, "1520000",
       "4480000",
       [("POT", "电解系列（300 kA）", "Potlines (300 kA)"),
        ("CPP", "自备电厂", "Captive power plant")]),
    _e("91410106YY1060022X", "shangjie", ["other_nonferrous"], "上街示例氧化铝有限公司",
       "Shangjie Example Alumina Co., Ltd.", "both", 2010, "905000", "2210000",
       [("BAY", "拜耳法氧化铝生产线", "Bayer alumina line"), ("CAL", "焙烧炉", "Calciners")]),
    _e("91410171YY1710013F", "economic_development_zone", ["machinery"],
       "郑州示例重型机械有限公司", "Zhengzhou Example Heavy Machinery Co., Ltd.", "both", 2012,
       "12100", "31400",
       [("FD", "铸锻车间", "Foundry and forge"), ("AS", "总装车间", "Assembly")]),
    _e("91410102YY10200124", "zhongyuan", ["machinery"], "中原示例机械制造有限公司",
       "Zhongyuan Example Machinery Co., Ltd.", "energy", 2013, "6200", "12400",
       [("MC", "机加工车间", "Machining")]),
    _e("91410173YY1730014Y", "airport_zone", ["electronics"], "航空港示例电子科技有限公司",
       "Airport Zone Example Electronics Co., Ltd.", "both", 2012, "45300", "161000",
       [("SMT", "贴片与组装厂房", "SMT and assembly halls")]),
    _e("91410122YY1220014E", "zhongmou", ["food_tobacco_beverage"], "中牟示例食品有限公司",
       "Zhongmou Example Foods Co., Ltd.", "energy", 2013, "5400", "12900",
       [("BLR", "蒸汽锅炉", "Steam boilers"), ("CS", "冷库", "Cold store")]),
    _e("91410108YY1080015J", "huiji", ["food_tobacco_beverage"], "惠济示例速冻食品有限公司",
       "Huiji Example Frozen Foods Co., Ltd.", "designated", 2014, "4200", "11800",
       [("FR", "速冻车间", "Freezing plant")],
       note="扩建后预计超过能耗门槛，市应对气候变化处指定纳入（示例）。"),
]  # fmt: skip

#: (enterprise, status, date, successors, reason)
DEMO_STATUS_CHANGES: list[tuple[str, str, date, list[str], str]] = [
    ("91410183YY1830031R", EnterpriseStatus.MERGED.value, date(2014, 6, 30),
     ["91410183YY1830023Y"],
     "小煤矿兼并重组（示例）。"),
    ("91410182YY182001X8", EnterpriseStatus.CLOSED.value, date(2015, 12, 31), [],
     "淘汰落后产能关停（示例）。"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoVerifier:
    credit_code: str
    name_zh: str
    name_en: str
    sectors: tuple[str, ...]
    performance: tuple[tuple[str, date, str], ...] = ()
    sanctions: tuple[tuple[str, date, date | None, str], ...] = ()
    staff: tuple[tuple[str, str], ...] = field(default=())


DEMO_VERIFIERS = (
    DemoVerifier(
        DEMO_VERIFIER,
        "河南示例碳核查技术有限公司",
        "Henan Example Carbon Verification Co., Ltd.",
        ("power_generation", "coal_mining", "cement", "other_industry", "ceramics",
         "machinery", "electronics", "food_tobacco_beverage"),
        performance=(("late_report", date(2015, 5, 8),
                      "2014年度核查报告迟交8天（示例）。"),),
        sanctions=(("warning", date(2015, 6, 1), None,
                    "核查报告迟交（示例）。"),),
        staff=(("核查员甲（示例）", "verifier"), ("核查员乙（示例）", "")),
    ),
    DemoVerifier(
        "91410171YY1710021A",
        "郑州示例低碳认证中心有限公司",
        "Zhengzhou Example Low-Carbon Certification Centre Co., Ltd.",
        ("aluminium_electrolysis", "other_nonferrous", "power_generation"),
        performance=(("overturned_finding", date(2016, 6, 15),
                      "抽查发现2015年度电解铝排放低估（示例）。"),),
        sanctions=(("suspension", date(2016, 7, 1), date(2016, 12, 31),
                    "核查结论被抽查推翻（示例）。"),),
        staff=(("核查员丙（示例）", ""),),
    ),
)  # fmt: skip

#: Figures screened in the demo run: a new paper mill crossing the emissions threshold, a
#: registered cement plant, and a bakery below both thresholds.
_PAPER = ("91410182YY18200288", "荥阳示例纸业有限公司", "xingyang", ("pulp_paper",))
DEMO_SCREENING = (
    (*_PAPER, 2012, "3900", "11200"),
    (*_PAPER, 2013, "4800", "13600"),
    ("91410185YY18500329", "登封示例水泥有限公司", "dengfeng", ("cement",), 2013,
     "150500", "1098000"),
    ("91410184YY1840029P", "新郑示例烘焙食品有限公司", "xinzheng", (), 2013, "1800", "4300"),
)  # fmt: skip


@dataclass
class DemoOutcome:
    enterprises: int = 0
    verifiers: int = 0
    calendars: int = 0
    screening: int = 0
    plans: int = 0
    ledger_months: int = 0
    reports: int = 0
    verifications: int = 0
    caught: list[str] = field(default_factory=list)


def _calendar(year: int) -> dict[str, Any]:
    return {
        "monitoring_plan_due": date(year - 1, 12, 31),
        "ledger_due_day": 15,
        "annual_report_due": date(year + 1, 3, 31),
        "verification_due": date(year + 1, 4, 30),
        "approval_due": date(year + 1, 6, 30),
        "reminder_days": [30, 7, 1],
        "note": "示例日程。",
    }


def load_demo() -> DemoOutcome:
    """Load the demonstration register as the system (audited, idempotent: what exists is
    left alone)."""
    outcome = DemoOutcome()
    with transaction.atomic():
        if not CoverageRule.objects.exists():
            services.do_set_coverage_rule(
                None,
                valid_from_year=2010,
                energy_tce=Decimal(5000),
                emissions_tco2e=Decimal(13000),
                note="“十二五”重点排放单位门槛（示例）",
            )
        for data in DEMO_ENTERPRISES:
            if Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
                continue
            fields = {k: v for k, v in data.items() if k != "facilities"}
            services.do_create_enterprise(
                None, fields, registered_on=REGISTERED_ON, facilities=data["facilities"]
            )
            services.do_add_contact(
                None,
                Enterprise.objects.get(credit_code=data["credit_code"]),
                {
                    "function": "carbon_manager",
                    "name": "碳排放管理员（示例）",
                    "email": f"carbon-{data['credit_code'][-6:].lower()}@example.com",
                },
            )
            outcome.enterprises += 1
        for code, status, when, successors, reason in DEMO_STATUS_CHANGES:
            item = Enterprise.objects.get(credit_code=code)
            if item.status != status:
                services.do_change_status(
                    None,
                    item,
                    status=status,
                    effective_on=when,
                    successors=list(Enterprise.objects.filter(credit_code__in=successors)),
                    reason=reason,
                )
        city = Enterprise.objects.get(credit_code=DEMO_ENTERPRISE).jurisdiction.parent
        assert city is not None
        for verifier in DEMO_VERIFIERS:
            if VerifierOrganisation.objects.filter(credit_code=verifier.credit_code).exists():
                continue
            organisation = services.do_create_verifier(
                None,
                {
                    "credit_code": verifier.credit_code,
                    "name_zh": verifier.name_zh,
                    "name_en": verifier.name_en,
                    "jurisdiction": city.code,
                    "illustrative": True,
                },
            )
            services.do_add_accreditation(
                None,
                organisation,
                reference=f"示例备案 {verifier.credit_code[-4:]}",
                sectors=verifier.sectors,
                valid_from=date(2014, 1, 1),
                valid_to=date(2016, 12, 31),
            )
            for kind, when, text in verifier.performance:
                services.do_add_performance(
                    None, organisation, kind=kind, occurred_on=when, description=text
                )
            for kind, since, until, text in verifier.sanctions:
                services.do_add_sanction(
                    None,
                    organisation,
                    kind=kind,
                    effective_from=since,
                    effective_to=until,
                    reason=text,
                )
            for name, username in verifier.staff:
                if not username:
                    services.do_add_staff(
                        None,
                        organisation,
                        name=name,
                        joined_on=date(2014, 1, 1),
                        qualification="核查员证书（示例）",
                    )
            outcome.verifiers += 1
        for year in (2014, 2015):
            if not ComplianceCalendar.objects.filter(year=year).exists():
                services.do_set_calendar(None, year, **_calendar(year))
                outcome.calendars += 1
        if not ScreeningRun.objects.filter(source=SCREENING_SOURCE).exists():
            rows = [
                services.ScreeningRow(
                    credit_code=code,
                    name_zh=name,
                    jurisdiction=place,
                    sectors=sectors,
                    year=year,
                    energy_tce=Decimal(energy),
                    emissions_tco2e=Decimal(emissions),
                    row=index,
                )
                for index, (code, name, place, sectors, year, energy, emissions) in enumerate(
                    DEMO_SCREENING, start=1
                )
            ]
            services.do_run_screening(None, rows, source=SCREENING_SOURCE)
            outcome.screening += 1
        cycle = load_demo_cycle()
        outcome.plans += cycle.plans
        outcome.ledger_months += cycle.months
        outcome.caught += cycle.caught
        outcome.reports += cycle.reports
        outcome.verifications += cycle.verifications
    return outcome


def demo_accounts() -> list[tuple[str, str, tuple[str, int]]]:
    """The demo accounts of the MRV roles: (username, role, (scope kind, scope id)) — an
    enterprise reporter and a responsible person of the Dengfeng power plant, a verifier of
    the first organisation. Empty before :func:`load_demo`."""
    item = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE).first()
    organisation = VerifierOrganisation.objects.filter(credit_code=DEMO_VERIFIER).first()
    if item is None or organisation is None:
        return []
    enterprise = (MrvScopeKind.ENTERPRISE.value, item.pk)
    return [
        ("enterprise-reporter", MrvRole.ENTERPRISE_REPORTER.value, enterprise),
        ("enterprise-responsible", MrvRole.ENTERPRISE_RESPONSIBLE.value, enterprise),
        (
            "verifier",
            MrvRole.VERIFIER.value,
            (MrvScopeKind.VERIFIER_ORGANISATION.value, organisation.pk),
        ),
    ]


def link_demo_verifier(user: User) -> None:
    """Put the demo verifier account on the staff of the first organisation (which gives it
    the verifier role); nothing when it is there already."""
    organisation = VerifierOrganisation.objects.filter(credit_code=DEMO_VERIFIER).first()
    if organisation is None or organisation.staff.filter(user=user).exists():
        return
    name = next(n for v in DEMO_VERIFIERS for n, u in v.staff if u == user.get_username())
    services.do_add_staff(
        None,
        organisation,
        name=name,
        joined_on=date(2014, 1, 1),
        user=user,
        qualification="核查员证书（示例）",
    )
