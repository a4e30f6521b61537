"""Fixed vocabularies of the targets app, and labels for the kernel's Chinese terms."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import Choices


class Basis(Choices):
    """Which statistics an assessment run reads."""

    WORKING = "working", _("Approved and published statistics")
    PUBLISHED = "published", _("Published statistics")


class TargetsAction(Choices):
    LOAD_SET = "targets.load_set", _("Target set loaded")
    UPDATE_SET = "targets.update_set", _("Target set changed")
    ASSESS = "targets.assess", _("Assessment computed")


#: The kernel's warning levels (一级 severe … 三级 on track) with their labels and colours
#: (red, amber, green; each readable with white text).
WARNING_LEVELS: dict[str, tuple[Any, str]] = {
    "一级": (_("Level 1: severe"), "#b42318"),
    "二级": (_("Level 2: fairly severe"), "#b54708"),
    "三级": (_("Level 3: on track"), "#2e7d4f"),
}
NO_LEVEL_COLOUR = "#8a94a3"
#: Short labels for tables.
WARNING_SHORT: dict[str, Any] = {
    "一级": _("Level 1"),
    "二级": _("Level 2"),
    "三级": _("Level 3"),
}

GRADES: dict[str, Any] = {
    "优秀": _("Excellent"),
    "良好": _("Good"),
    "合格": _("Pass"),
    "不合格": _("Fail"),
}

VERDICTS: dict[str, Any] = {
    "超额完成": _("Exceeded"),
    "完成": _("Completed"),
    "基本完成": _("Basically completed"),
    "未完成": _("Not completed"),
}


def warning_label(level: str | None) -> Any:
    if not level:
        return "—"
    return WARNING_LEVELS.get(level, (level, NO_LEVEL_COLOUR))[0]


def warning_short(level: str | None) -> Any:
    if not level:
        return "—"
    return WARNING_SHORT.get(level, level)


def warning_colour(level: str | None) -> str:
    if not level:
        return NO_LEVEL_COLOUR
    return WARNING_LEVELS.get(level, (level, NO_LEVEL_COLOUR))[1]


def grade_label(grade: str | None) -> Any:
    return GRADES.get(grade or "", grade or "—")


def verdict_label(verdict: str | None) -> Any:
    return VERDICTS.get(verdict or "", verdict or "—")
