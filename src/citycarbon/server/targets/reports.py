"""The printable assessment report (PDF, in Chinese) and the assessment workbook.

The PDF is the ``targets/report.html`` template rendered in Simplified Chinese and laid out by
WeasyPrint with the Noto CJK fonts (Debian's ``fonts-noto-cjk``, installed by
``scripts/bootstrap-system.sh``).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citycarbon.server.common.excel import table_workbook
from citycarbon.server.targets.choices import GRADES, VERDICTS, WARNING_LEVELS
from citycarbon.server.targets.dashboard import AssessmentView

__all__ = ["assessment_pdf", "assessment_workbook"]


def _yes_no(value: Any) -> str:
    if value is None:
        return ""
    return str(_("yes")) if value else str(_("no"))


def assessment_workbook(view: AssessmentView) -> bytes:
    """The year's assessment as one sheet, in the active language."""
    headers = [
        _("Rank"),
        _("Jurisdiction"),
        _("Code"),
        _("CO2 intensity [t/10⁴ CNY]"),
        _("Reduction since the base year [%]"),
        _("Required by now [%]"),
        _("Progress [%]"),
        _("Reduction in the year [%]"),
        _("Required in the year [%]"),
        _("Annual completion [%]"),
        _("Cumulative completion [%]"),
        _("Warning level"),
        _("Energy warning level"),
        _("Target points"),
        _("Measures"),
        _("Score"),
        _("Grade"),
        _("Veto"),
        _("Verdict"),
        _("Statistics version"),
    ]
    rows = []
    for row in view.rows:
        result, data = row["result"], row["data"]
        rows.append(
            [
                f"{result.rank}/{result.rank_of}" if result.rank else "",
                row["jurisdiction"].name,
                row["jurisdiction"].code,
                result.co2_intensity,
                result.co2_reduction_pct,
                result.required_reduction_pct,
                result.progress_share_pct,
                data.get("annual_reduction_pct"),
                data.get("annual_required_reduction_pct"),
                data.get("annual_completion_pct"),
                data.get("cumulative_completion_pct"),
                str(row["warning"]),
                str(row["energy_warning"]),
                data.get("target_points"),
                data.get("measures_score"),
                result.score,
                str(row["grade"]),
                _yes_no(result.veto),
                str(row["verdict"]),
                f"v{result.statistic.version}" if result.statistic else "",
            ]
        )
    title = _("Assessment %(year)s") % {"year": view.year}
    return table_workbook(str(title), headers, rows, widths=[8, 28, 22] + [12] * 17)


def report_html(view: AssessmentView) -> str:
    """The report as HTML, in Simplified Chinese whatever the visitor's language."""
    with translation.override("zh-hans"):
        return render_to_string(
            "targets/report.html",
            {
                "view": view,
                "rows": view.rows,
                "generated": timezone.localtime(),
                "warning_levels": [(k, v[0], v[1]) for k, v in WARNING_LEVELS.items()],
                "grades": GRADES,
                "verdicts": VERDICTS,
            },
        )


def assessment_pdf(view: AssessmentView) -> bytes:
    """The printable report (A4 landscape) as PDF bytes."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(view)).write_pdf()
    return pdf
