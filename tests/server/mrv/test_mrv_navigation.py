"""Finding one's way through the compliance cycle, in Chinese and in English: the disclosure in
the main navigation and on the public home page, each MRV role's tasks on the home page (the
selector's exact lists and its queries), the reports awaiting a verifier, the enterprise's
years, the way on from a ledger month to the annual report, a message of its own for every
step, the verification's progress, and the layout details of the plan, enterprise, verifier
and verification pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from mrv_support import (
    OWN,
    World,
    add_ledgers,
    add_plans,
    add_reports,
    add_verifications,
    ledger_rows,
    power_plan,
)

from citycarbon.server.common.models import User
from citycarbon.server.mrv import services
from citycarbon.server.mrv.models import (
    AnnualReport,
    ComplianceCalendar,
    LedgerFinding,
    LedgerMonth,
    NonConformity,
    VerificationAssignment,
)
from citycarbon.server.mrv.selectors.tasks import Task, awaiting_assignment, my_tasks
from citycarbon.server.mrv.templatetags.mrv_home import month_span

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
ON = date(2015, 4, 20)
NAME = "测试企业016K"
OTHER_NAME = "测试企业0154"
OTHER_CODE = "91410183YY18300154"


def _client(world: World, persona: str, language: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.people[persona])
    client.cookies["citycarbon_language"] = language
    return client


def _page(world: World, persona: str, url: str, language: str) -> str:
    response = _client(world, persona, language).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _post(world: World, persona: str, url: str, language: str, data: dict[str, str]) -> str:
    """Post, follow the redirect, and return the page with its message."""
    response = _client(world, persona, language).post(url, data, follow=True)
    assert response.status_code == 200, (
        url,
        re.findall(r"form-errors.*?</div>", response.content.decode(), re.S),
    )
    return response.content.decode()


def _messages(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<li class="message message--\w+">(.*?)</li>', page, re.S)
    ]


@pytest.fixture
def cycle(world: World) -> World:
    """Every state of the workflow (``mrv_support``): plans 2013 approved, 2014 submitted,
    2015 a draft; 2013-01 submitted and 2013-02 with two warnings; 2009–2012 twelve months
    each, 2009's report submitted, 2010's signed off, 2011 none, 2012 a draft; verifications
    2009 assigned … 2005 reported, 2003 approved, 2004's submitted report not assigned."""
    add_plans(world)
    add_ledgers(world)
    add_reports(world)
    add_verifications(world)
    return world


# --- the disclosure in the navigation and on the home page ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_finds_the_disclosure_in_the_navigation_and_on_the_home_page(
    world: World, language: str
) -> None:
    zh = language == "zh-hans"
    page = _page(world, "public", "/", language)
    assert f'<li><a href="/mrv/disclosure/">{"信息公开" if zh else "Disclosure"}</a></li>' in page
    label = "重点排放单位经核查的排放量" if zh else "Verified emissions of the key enterprises"
    assert (
        '<p data-testid="home-disclosure"><a class="button" href="/mrv/disclosure/">'
        f"{label} →</a></p>"
    ) in page
    assert 'data-testid="my-tasks"' not in page  # no MRV role: no tasks panel
    # The disclosure page marks its entry as the current one.
    page = _page(world, "public", "/mrv/disclosure/", language)
    assert '<li><a href="/mrv/disclosure/" aria-current="page">' in page


def test_the_office_home_has_no_public_disclosure_button(world: World) -> None:
    page = _page(world, "office", "/", "zh-hans")
    assert '<li><a href="/mrv/disclosure/">信息公开</a></li>' in page
    assert 'data-testid="home-disclosure"' not in page


# --- the tasks selector ---------------------------------------------------------------------


def _tasks(world: World, persona: str) -> list[Task]:
    user = User.objects.get(pk=world.people[persona].pk)
    return my_tasks(user, ON)


REPORTER_TASKS = [
    Task("acknowledge", OWN, NAME, 2013, month=2, count=2),
    Task("plan", OWN, NAME, 2015, due=date(2014, 12, 31), standing="overdue"),
    # January–March are past their due day (the 15th of the next month); April's is 25 days
    # away, inside the 30-day reminder: one row, overdue, due since 2015-02-15.
    Task("ledger", OWN, NAME, 2015, months=(1, 2, 3, 4), due=date(2015, 2, 15), standing="overdue"),
    Task("report_build", OWN, NAME, 2011),  # twelve months submitted, no report
    Task("report_submit", OWN, NAME, 2010),  # signed off, still a draft
    Task("correct", OWN, NAME, 2007, count=1),  # "未整改" has no correction
]


def test_the_reporter_tasks(cycle: World) -> None:
    assert _tasks(cycle, "own_enterprise") == REPORTER_TASKS


def test_the_responsible_person_also_signs_off(cycle: World) -> None:
    expected = [*REPORTER_TASKS[:5], Task("report_sign_off", OWN, NAME, 2012), REPORTER_TASKS[5]]
    assert _tasks(cycle, "responsible") == expected


def test_another_enterprise_sees_only_its_own_deadlines(cycle: World) -> None:
    assert _tasks(cycle, "other_enterprise") == [
        Task("plan", OTHER_CODE, OTHER_NAME, 2015, due=date(2014, 12, 31), standing="overdue"),
        Task(
            "ledger", OTHER_CODE, OTHER_NAME, 2015, months=(1, 2, 3, 4), due=date(2015, 2, 15),
            standing="overdue",
        ),
    ]  # fmt: skip


def test_the_verifier_tasks(cycle: World) -> None:
    assert _tasks(cycle, "verifier") == [
        Task("verify", OWN, NAME, 2006, step="report"),
        Task("close", OWN, NAME, 2007, count=1, step="primary"),  # "已整改" corrected, open
        Task("verify", OWN, NAME, 2007, step="report"),
        Task("verify", OWN, NAME, 2008, step="document_review"),
        Task("verify", OWN, NAME, 2009, step="plan"),
    ]


def test_the_office_tasks(cycle: World) -> None:
    assert _tasks(cycle, "office") == [
        Task("plan_approve", OWN, NAME, 2014),
        Task("assign", OWN, NAME, 2004),  # 2009's submitted report is assigned already
        Task("approve", OWN, NAME, 2005),
        Task("publish", OWN, NAME, 2003),
    ]


@pytest.mark.parametrize("persona", ["public", "reviewer", "own_official", "other_official"])
def test_roles_outside_the_cycle_have_no_tasks(cycle: World, persona: str) -> None:
    assert _tasks(cycle, persona) == []


def test_a_task_once_done_leaves_the_list(cycle: World) -> None:
    for finding in LedgerFinding.objects.filter(acknowledged_at__isnull=True):
        services.do_acknowledge_finding(cycle.people["own_enterprise"], finding, "换煤")
    report = services.do_build_report(cycle.people["own_enterprise"], cycle.own, 2011)
    services.do_sign_off(cycle.people["responsible"], report)
    kinds = [(t.kind, t.year) for t in _tasks(cycle, "own_enterprise")]
    assert kinds == [
        ("plan", 2015), ("ledger", 2015), ("report_submit", 2010), ("report_submit", 2011),
        ("correct", 2007),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "queries"),
    [("own_enterprise", 7), ("responsible", 7), ("verifier", 1), ("office", 4), ("public", 0)],
)
def test_the_tasks_take_a_few_queries(cycle: World, persona: str, queries: int) -> None:
    """One query per table read, whatever the number of enterprises, years and tasks (the
    grants and scope expansion warmed by a first call, as on a page)."""
    user = User.objects.get(pk=cycle.people[persona].pk)
    my_tasks(user, ON)
    with CaptureQueriesContext(connection) as captured:
        my_tasks(user, ON)
    ours = [q for q in captured.captured_queries if "common_datageneration" not in q["sql"]]
    assert len(ours) == queries, [q["sql"][:120] for q in ours]


def test_month_spans() -> None:
    with translation.override("en"):
        assert month_span((1, 2, 3, 5)) == "1–3, 5"
        assert month_span((12,)) == "12"
    with translation.override("zh-hans"):
        assert month_span((1, 2, 3, 5, 7, 8)) == "1–3、5、7–8"


# --- the tasks on the home page -------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reporter_home_lists_the_tasks_with_links(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    page = _page(cycle, "own_enterprise", "/", language)
    assert f"<h2>{'待办事项' if zh else 'My tasks'}</h2>" in page
    base = f"/mrv/enterprises/{OWN}"
    expected = [
        (f"{base}/ledgers/2013/2/", "确认 2013-02 台账的 2 条警告" if zh
         else "Acknowledge 2 warnings of the ledger 2013-02"),
        (f"{base}/plans/2015/", "填写 2015 年监测计划并提交主管部门" if zh
         else "Enter the monitoring plan of 2015 and submit it to the office"),
        # Today is long after 2016-01-15: every month of the 2015 calendar is overdue.
        (f"{base}/ledgers/2015/", "提交 2015 年台账：1–12 月" if zh
         else "Submit the ledger of 2015, months 1–12"),
        (f"{base}/reports/2011/", "生成 2011 年度排放报告：十二个月的台账均已提交" if zh
         else "Build the annual report of 2011: the twelve months are submitted"),
        (f"{base}/reports/2010/", "提交已签署的 2010 年度排放报告" if zh
         else "Submit the signed-off annual report of 2010"),
        (f"/mrv/verifications/{OWN}/2007/", "整改 2007 年度核查的 1 项不符合项" if zh
         else "Correct 1 finding of the verification 2007"),
    ]  # fmt: skip
    for url, text in expected:
        assert f'<a href="{url}">{text}</a>' in page, text
    overdue = "已逾期" if zh else "Overdue"
    assert f'2014-12-31 <span class="badge badge--overdue">{overdue}</span>' in page
    assert 'data-testid="home-disclosure"' not in page  # reporters have the navigation entry


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_verifier_and_office_homes_list_theirs(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    page = _page(cycle, "verifier", "/", language)
    text = (
        "2009 年度核查：记录核查计划" if zh else "Verification 2009: record the verification plan"
    )
    assert f'<a href="/mrv/verifications/{OWN}/2009/">{text}</a>' in page
    text = (
        "关闭 2007 年度核查中已整改的 1 项不符合项" if zh
        else "Close 1 corrected finding of the verification 2007"
    )  # fmt: skip
    assert f'<a href="/mrv/verifications/{OWN}/2007/">{text}</a>' in page
    page = _page(cycle, "office", "/", language)
    for year, text in (
        (2004, "为 2004 年度排放报告指派核查机构" if zh
         else "Assign a verifier organisation to the annual report of 2004"),
        (2005, "批准 2005 年核查排放量" if zh else "Approve the verified figure of 2005"),
        (2003, "公开 2003 年核查排放量" if zh else "Publish the verified figure of 2003"),
    ):  # fmt: skip
        assert f'<a href="/mrv/verifications/{OWN}/{year}/">{text}</a>' in page, text
    text = "审核 2014 年监测计划" if zh else "Approve the monitoring plan of 2014"
    assert f'<a href="/mrv/enterprises/{OWN}/plans/2014/">{text}</a>' in page


def test_an_enterprise_account_without_tasks_is_told_so(world: World) -> None:
    """No calendar, so nothing is due; no records, so nothing else to do."""
    ComplianceCalendar.objects.all().delete()
    page = _page(world, "own_enterprise", "/", "zh-hans")
    assert '<p class="muted" data-testid="no-tasks">目前没有待办事项。</p>' in page


# --- verifications awaiting assignment ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_sees_the_reports_awaiting_a_verifier(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    assert [(r.enterprise.credit_code, r.year) for r in awaiting_assignment(
        cycle.people["office"]
    )] == [(OWN, 2004)]  # fmt: skip
    page = _page(cycle, "office", "/mrv/verifications/", language)
    heading = "已提交、待指派核查机构的报告" if zh else "Submitted reports awaiting a verifier"
    assert f"<h2>{heading}</h2>" in page
    assert (
        f'<a class="button" href="/mrv/verifications/{OWN}/2004/" data-testid="awaiting-assign">'
        f"{'指派核查机构' if zh else 'Assign a verifier'}</a>"
    ) in page
    # The reporter and the verifier assign nothing: no such section.
    for persona in ("own_enterprise", "verifier"):
        assert 'data-testid="awaiting-assignment"' not in _page(
            cycle, persona, "/mrv/verifications/", language
        )


# --- the enterprise page --------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enterprise_page_links_every_year_of_the_cycle(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    page = _page(cycle, "own_enterprise", f"/mrv/enterprises/{OWN}/", language)
    base = f"/mrv/enterprises/{OWN}"
    assert f"<h2>{'逐年履约情况' if zh else 'Year by year'}</h2>" in page
    months = "已填报 2 个月" if zh else "2 months entered"
    assert f'<a href="{base}/ledgers/2013/" data-testid="year-ledger-2013">{months}</a>' in page
    twelve = "已填报 12 个月" if zh else "12 months entered"
    assert f'<a href="{base}/ledgers/2011/" data-testid="year-ledger-2011">{twelve}</a>' in page
    report = "年度排放报告" if zh else "Annual emission report"
    for year in (2004, 2009, 2010, 2012):
        assert (
            f'<a href="{base}/reports/{year}/" data-testid="year-report-{year}">{report}</a>'
        ) in page
    assert 'data-testid="year-report-2011"' not in page
    verification = "核查" if zh else "Verification"
    for year in (2003, 2005, 2006, 2007, 2008, 2009):
        assert (
            f'<a href="/mrv/verifications/{OWN}/{year}/" data-testid="year-verification-{year}">'
            f"{verification}</a>"
        ) in page
    years = re.findall(r'<tr><th scope="row">(\d{4})</th>', page)
    assert years == [str(y) for y in (2015, 2014, 2013, 2012, 2011, 2010, 2009, 2008, 2007,
                                      2006, 2005, 2004, 2003)]  # fmt: skip


def test_the_enterprise_page_shows_only_what_the_user_may_see(cycle: World) -> None:
    """Another enterprise's account sees its own, empty, cycle: no year row at all."""
    page = _page(cycle, "other_enterprise", f"/mrv/enterprises/{OTHER_CODE}/", "zh-hans")
    assert 'data-testid="cycle-years"' not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enterprise_page_groups_digits_and_keeps_headers_whole(
    world: World, language: str
) -> None:
    world.own.coverage_energy_tce = Decimal("2310000")
    world.own.coverage_emissions_tco2e = Decimal("6050000")
    world.own.save()
    page = _page(world, "own_enterprise", f"/mrv/enterprises/{OWN}/", language)
    zh = language == "zh-hans"
    # The figure filter: no grouping in Chinese (as every MRV figure), commas in English.
    energy = "2310000 吨标准煤" if zh else "2,310,000 tce"
    emissions = "6050000 tCO2e" if zh else "6,050,000 tCO2e"
    assert f'<dd class="number">{energy}</dd>' in page
    assert f'<dd class="number">{emissions}</dd>' in page
    assert f'<th scope="col" class="nowrap">{"电话" if zh else "Phone"}</th>' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_mrv_pages_write_dates_the_iso_way(world: World, language: str) -> None:
    page = _page(world, "own_enterprise", f"/mrv/enterprises/{OWN}/", language)
    history = page.split('data-testid="status-history"')[1].split("</section>")[0]
    assert re.search(r'<td class="small">\d{4}-\d{2}-\d{2} \d{2}:\d{2} · ', history)
    assert "a.m." not in page
    assert "p.m." not in page


# --- the ledger month -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_submitted_month_leads_on_to_the_annual_report(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    page = _page(cycle, "own_enterprise", f"/mrv/enterprises/{OWN}/ledgers/2013/1/", language)
    assert (
        f'<a class="button" href="/mrv/enterprises/{OWN}/reports/2013/" '
        'data-testid="ledger-report">'
        f"{'2013 年度排放报告' if zh else 'Annual emission report 2013'} →</a>"
    ) in page
    assert f"<h2>{'本月填报数据' if zh else 'Values entered'}</h2>" in page
    assert "条目数" not in page
    # A month whose warnings are pending does not count yet: no way on.
    page = _page(cycle, "own_enterprise", f"/mrv/enterprises/{OWN}/ledgers/2013/2/", language)
    assert 'data-testid="ledger-report"' not in page


def test_no_way_on_to_a_report_nobody_may_build_or_read(cycle: World) -> None:
    """The district official reads the month but may not build the report, and there is none."""
    page = _page(cycle, "own_official", f"/mrv/enterprises/{OWN}/ledgers/2013/1/", "zh-hans")
    assert 'data-testid="ledger-report"' not in page
    page = _page(cycle, "own_official", f"/mrv/enterprises/{OWN}/ledgers/2009/1/", "zh-hans")
    assert f'href="/mrv/enterprises/{OWN}/reports/2009/" data-testid="ledger-report"' in page


def _month_form(year: int, month: int, carbon: str) -> dict[str, str]:
    return {
        f"{r['stream']}__{r['parameter']}__{name}": r.get(name, "")
        for r in ledger_rows(year, month, carbon=carbon)
        for name in ("value", "unit", "evidence")
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ledger_messages_say_what_became_of_the_month(world: World, language: str) -> None:
    zh = language == "zh-hans"
    add_plans(world)  # 2013 approved, no month entered
    base = f"/mrv/enterprises/{OWN}/ledgers/2013"
    page = _post(world, "own_enterprise", f"{base}/1/", language, _month_form(2013, 1, "26.0"))
    assert _messages(page) == [
        "2013-01 台账已提交。" if zh else "The ledger of 2013-01 was submitted."
    ]
    page = _post(world, "own_enterprise", f"{base}/2/", language, _month_form(2013, 2, "21.0"))
    assert LedgerMonth.objects.get(year=2013, month=2).state == "pending"
    assert _messages(page) == [
        "2013-02 台账已录入，但有警告：请在下方逐条说明数值成立的理由并确认。"
        "全部警告确认后，该月台账才算提交。" if zh else
        "The ledger of 2013-02 was entered with warnings: acknowledge each below, saying why "
        "the value stands. The month counts as submitted once every warning is acknowledged."
    ]  # fmt: skip
    assert 'class="message message--warning"' in page
    first, second = LedgerFinding.objects.filter(ledger__month=2).order_by("pk")
    page = _post(
        world, "own_enterprise", f"{base}/2/findings/{first.pk}/acknowledge/", language,
        {"reason": "换煤"},
    )  # fmt: skip
    assert _messages(page) == ["警告已确认。" if zh else "Warning acknowledged."]
    page = _post(
        world, "own_enterprise", f"{base}/2/findings/{second.pk}/acknowledge/", language,
        {"reason": "换煤"},
    )  # fmt: skip
    assert _messages(page) == [
        "警告已确认。2013-02 的警告已全部确认：该月台账已提交。" if zh else
        "Warning acknowledged. Every warning of 2013-02 is acknowledged: the month counts as "
        "submitted."
    ]  # fmt: skip
    assert LedgerMonth.objects.get(year=2013, month=2).state == "submitted"


# --- the report page ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_submitting_shows_only_when_it_can_succeed(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    base = f"/mrv/enterprises/{OWN}/reports"
    submit = "提交报告" if zh else "Submit the report"
    page = _page(cycle, "own_enterprise", f"{base}/2012/", language)  # not signed off
    assert 'data-testid="report-submit"' not in page
    assert (
        f'<button type="button" class="button" disabled aria-describedby="submit-why" '
        f'data-testid="report-submit-disabled">{submit}</button>'
    ) in page
    why = (
        "须先由企业负责人签署报告：只有已签署的报告才能提交。" if zh
        else "The enterprise's responsible person signs the report off first: only a "
        "signed-off report can be submitted."
    )  # fmt: skip
    assert why in page
    page = _page(cycle, "responsible", f"{base}/2012/", language)
    assert (
        "请先签署报告：只有已签署的报告才能提交。" if zh else "Sign the report off first"
    ) in page
    page = _page(cycle, "own_enterprise", f"{base}/2010/", language)  # signed off
    assert 'data-testid="report-submit"' in page
    assert 'data-testid="report-submit-disabled"' not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_correction_and_withdrawal_have_headings(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    page = _page(cycle, "own_enterprise", f"/mrv/enterprises/{OWN}/reports/2009/", language)
    correct = page.split('data-testid="report-correct-panel"')[1].split("</section>")[0]
    assert f"<h2>{'更正已提交的报告' if zh else 'Correct the submitted report'}</h2>" in correct
    page = _page(cycle, "responsible", f"/mrv/enterprises/{OWN}/reports/2010/", language)
    withdraw = page.split('data-testid="report-withdraw-panel"')[1].split("</section>")[0]
    assert f"<h2>{'撤回签署' if zh else 'Withdraw the sign-off'}</h2>" in withdraw


# --- the plan page --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_approved_plan_page(cycle: World, language: str) -> None:
    zh = language == "zh-hans"
    page = _page(cycle, "office", f"/mrv/enterprises/{OWN}/plans/2013/", language)
    revise = page.split('data-testid="plan-revise-panel"')[1].split("</section>")[0]
    assert f"<h2>{'开启新版本' if zh else 'Open a new version'}</h2>" in revise
    assert f">{'新版本理由' if zh else 'Reason for the new version'}</label>" in revise
    returned = page.split('data-testid="plan-return-panel"')[1].split("</section>")[0]
    assert f"<h2>{'退回企业' if zh else 'Return to the enterprise'}</h2>" in returned
    assert f">{'退回理由' if zh else 'Reason for returning it'}</label>" in returned
    assert f"<td>{'产品产量（电力）' if zh else 'Production output (electricity)'}</td>" in page
    assert f'<td class="nowrap">{"实测" if zh else "measured"}</td>' in page


def test_an_unknown_product_stays_as_written(world: World) -> None:
    plan = power_plan(2013)
    plan["streams"][1]["product"] = "steam turbine output"
    record = services.do_save_plan(None, world.own, 2013, plan)
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    page = _page(world, "office", f"/mrv/enterprises/{OWN}/plans/2013/", "zh-hans")
    assert "<td>产品产量（steam turbine output）</td>" in page


# --- the verifier list ----------------------------------------------------------------------


def test_the_verifier_list_keeps_header_and_badge_whole(world: World) -> None:
    page = _page(world, "office", "/mrv/verifiers/", "zh-hans")
    assert '<th scope="col" class="number nowrap">核查人员</th>' in page
    assert '<td class="nowrap"><span class="badge badge--' in page


# --- the verification page ------------------------------------------------------------------


@pytest.fixture
def submitted(world: World) -> World:
    """The 2015 plan approved, twelve months (February: two warnings, acknowledged), the
    report signed off and submitted."""
    record = services.do_save_plan(None, world.own, 2015, power_plan(2015))
    services.do_approve_plan(None, services.do_submit_plan(None, record))
    for month in range(1, 13):
        rows = ledger_rows(2015, month, carbon="21.0" if month == 2 else "26.0")
        services.do_submit_ledger(None, world.own, 2015, month, rows)
    for finding in LedgerFinding.objects.order_by("pk"):
        services.do_acknowledge_finding(world.people["own_enterprise"], finding, "换煤")
    report = services.do_build_report(None, world.own, 2015)
    services.do_sign_off(world.people["responsible"], report)
    services.do_submit_report(world.people["responsible"], report, on=date(2016, 3, 1))
    return world


def _progress(page: str) -> list[tuple[str, str]]:
    return re.findall(
        r'class="steps__step steps__step--(\w+)"[^>]*data-testid="progress-(\w+)"', page
    )


STEPS = ["plan", "document_review", "site_visit", "findings", "report", "approval", "disclosure"]


def _states(page: str) -> list[str]:
    found = _progress(page)
    assert [key for _state, key in found] == STEPS
    return [state for state, _key in found]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_verification_step_has_its_message_and_progress(
    submitted: World, language: str
) -> None:
    zh = language == "zh-hans"
    base = f"/mrv/verifications/{OWN}/2015"
    page = _post(
        submitted, "office", f"{base}/assign/", language,
        {"organisation": submitted.ids["org"], "on": "2016-04-10"},
    )  # fmt: skip
    assert _messages(page) == [
        "已指派测试核查机构核查该报告。"
        if zh
        else "测试核查机构 was assigned to verify the report."
    ]
    assert _states(page) == ["current"] + ["todo"] * 6
    steps = (
        ("plan", "核查计划已记录。", "The verification plan was recorded."),
        ("document_review", "文件评审已记录。", "The document review was recorded."),
        ("site_visit", "现场核查已记录。", "The site visit was recorded."),
    )
    for n, (step, text_zh, text_en) in enumerate(steps, start=1):
        page = _post(
            submitted, "verifier", f"{base}/primary/{step}/", language,
            {"on": f"2016-04-1{n}", "note": ""},
        )  # fmt: skip
        assert _messages(page) == [text_zh if zh else text_en]
        # After the site visit with no finding open, the report is next.
        done = n + 1 if step == "site_visit" else n
        assert _states(page) == ["done"] * done + ["current"] + ["todo"] * (6 - done)
    page = _post(
        submitted, "verifier", f"{base}/primary/finding/", language,
        {"description": "12月化验报告未归档", "on": "2016-04-15"},
    )  # fmt: skip
    assert _messages(page) == [
        "已提出不符合项：下一步由企业整改。"
        if zh
        else "The finding was raised: the enterprise corrects it next."
    ]
    assert _states(page) == ["done"] * 3 + ["current"] + ["todo"] * 3  # a finding is open
    finding = re.search(r"/primary/findings/(\d+)/", page)
    assert finding is None  # the verifier has nothing to close before the correction
    pk = NonConformity.objects.get().pk
    page = _post(
        submitted, "own_enterprise", f"{base}/primary/findings/{pk}/correct/", language,
        {"correction": "已归档", "on": "2016-04-15"},
    )  # fmt: skip
    assert _messages(page) == [
        "整改已记录：下一步由核查机构关闭该不符合项。"
        if zh
        else "The correction was recorded: the verifier closes the finding next."
    ]
    page = _post(
        submitted, "verifier", f"{base}/primary/findings/{pk}/close/", language,
        {"on": "2016-04-16"},
    )  # fmt: skip
    assert _messages(page) == ["不符合项已关闭。" if zh else "The finding was closed."]
    assert _states(page) == ["done"] * 4 + ["current"] + ["todo"] * 2
    report = AnnualReport.objects.get(enterprise=submitted.own, year=2015)
    figures = {
        f"emissions__{source}": str(Decimal(value).quantize(Decimal("0.001")))
        for source, value in report.figures["by_source"].items()
    }
    page = _post(
        submitted, "verifier", f"{base}/primary/report/", language,
        {**figures, "opinion": "positive", "text": "", "on": "2016-04-20"},
    )  # fmt: skip
    assert _messages(page) == [
        "核查报告已记录：下一步由主管部门批准核查排放量。"
        if zh
        else "The verification report was recorded: the office approves the figure next."
    ]
    assert _states(page) == ["done"] * 5 + ["current", "todo"]
    page = _post(submitted, "office", f"{base}/approve/", language, {"note": ""})
    assert _messages(page) == [
        "核查排放量已批准：现在可以公开。"
        if zh
        else "The verified figure was approved: it can be published now."
    ]
    assert _states(page) == ["done"] * 6 + ["current"]
    page = _post(submitted, "office", f"{base}/publish/", language, {})
    link = "在信息公开中查看" if zh else "See it in the disclosure"
    public = "核查排放量现已公开。" if zh else "The verified figure is public now."
    assert f'{public} <a href="/mrv/disclosure/?year=2015">{link}</a>' in page
    assert _states(page) == ["done"] * 7
    assert (
        f'<a href="/mrv/disclosure/?year=2015" data-testid="published-link">{link} →</a>'
    ) in page
    # Full-width colons in Chinese, ": " in English.
    assert ("<h2>核查：测试核查机构</h2>" if zh else "<h2>Verification: 测试核查机构</h2>") in page
    # The acknowledged warnings: month and value on one line, and when and by whom.
    table = page.split('data-testid="acknowledgements"')[1].split("</section>")[0]
    assert '<td class="nowrap">2015-02</td>' in table
    assert '<td class="number">21.0 tC/TJ</td>' in table  # nowrap: mrv.css
    assert re.search(
        r'<td class="nowrap small">\d{4}-\d{2}-\d{2} \d{2}:\d{2} · reporter-own</td>', table
    )


def test_the_advisory_relation_has_its_message(submitted: World) -> None:
    page = _post(
        submitted, "office", f"/mrv/verifications/{OWN}/2015/advisory/", "zh-hans",
        {"organisation": submitted.ids["org"], "from_year": "2014"},
    )  # fmt: skip
    assert _messages(page) == ["咨询关系已记录。"]


def test_a_spot_check_shows_five_steps(cycle: World) -> None:
    """A spot check ends with its report: no approval, no disclosure."""
    primary = VerificationAssignment.objects.get(year=2005)
    VerificationAssignment.objects.create(
        enterprise=primary.enterprise, year=2005, organisation=primary.organisation,
        report=primary.report, kind="spot_check", method="random", state="planned",
    )  # fmt: skip
    page = _page(cycle, "office", f"/mrv/verifications/{OWN}/2005/", "en")
    spot = page.split('data-testid="progress-spot_check"')[1].split("</ol>")[0]
    found = re.findall(r"steps__step--(\w+)", spot)
    assert found == ["done", "current", "todo", "todo", "todo"]


def test_the_enterprise_years_take_one_query(cycle: World) -> None:
    from citycarbon.server.mrv.selectors.tasks import CycleYear, cycle_years

    user = User.objects.get(pk=cycle.people["own_enterprise"].pk)
    cycle_years(user, cycle.own)  # grants and scope warmed, as on the page
    with CaptureQueriesContext(connection) as captured:
        years = cycle_years(user, cycle.own)
    ours = [q for q in captured.captured_queries if "common_datageneration" not in q["sql"]]
    assert len(ours) == 1
    assert years[:4] == [
        CycleYear(2015, plan=True),
        CycleYear(2014, plan=True),
        CycleYear(2013, plan=True, months=2),
        CycleYear(2012, plan=True, months=12, report=True),
    ]
    assert years[-1] == CycleYear(2003, verification=True)
    # Someone who may see none of it: nothing, and no error from the empty union.
    assert cycle_years(User.objects.get(pk=cycle.people["public"].pk), cycle.own) == []
