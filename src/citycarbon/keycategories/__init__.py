"""Key category analysis (关键类别分析), IPCC 2006 Vol. 1 Ch. 4: Approach 1 and Approach 2.

Pure functions over arrays (:func:`level_assessment`, :func:`trend_assessment`,
:func:`level_uncertainty_assessment`, :func:`trend_uncertainty_assessment`, :func:`rank`), the
worksheet analysis :func:`analyse` over :class:`Category` lines, and the CSV worksheet reader
(:func:`read_csv`, :func:`analyse_csv`). See ``docs/keycategories.md``.
"""

from citycarbon.keycategories.analysis import (
    APPROACH1_THRESHOLD_PCT,
    APPROACH2_THRESHOLD_PCT,
    Assessment,
    Category,
    CategoryOutcome,
    KeyCategoryResult,
    RankedEntry,
    Ranking,
    analyse,
    level_assessment,
    level_uncertainty_assessment,
    rank,
    trend_assessment,
    trend_uncertainty_assessment,
)
from citycarbon.keycategories.errors import KeyCategoryError, WorksheetError
from citycarbon.keycategories.worksheet import COLUMNS, REQUIRED_COLUMNS, analyse_csv, read_csv

__all__ = [
    "APPROACH1_THRESHOLD_PCT",
    "APPROACH2_THRESHOLD_PCT",
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "Assessment",
    "Category",
    "CategoryOutcome",
    "KeyCategoryError",
    "KeyCategoryResult",
    "RankedEntry",
    "Ranking",
    "WorksheetError",
    "analyse",
    "analyse_csv",
    "level_assessment",
    "level_uncertainty_assessment",
    "rank",
    "read_csv",
    "trend_assessment",
    "trend_uncertainty_assessment",
]
