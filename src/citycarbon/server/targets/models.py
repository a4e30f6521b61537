"""Target sets and their assessments.

A :class:`TargetSet` is a plan's decomposition of intensity targets over a jurisdiction tree for
a period (Zhengzhou's 12th FYP: 2010 → 2015, −18 % CO2 per unit of GDP for the city, −17 … −19 %
for its 14 jurisdictions), with the plan-wide indicators, the scoring checklist and the
assessment configuration and emission factors the kernel is run with.

An :class:`AssessmentRun` is one run of the targets kernel (``citycarbon.targets.assess``) on the
stored statistics: which statistic versions it read, the configuration and factors, the kernel's
version and its whole output, with one :class:`AssessmentResult` row per jurisdiction and year
for queries. Runs are never changed; a recomputation is the next version of the set's run. The
*working* run reads approved and published statistics and is seen by the city office and
reviewers (it is created *approved*); the *published* run reads published statistics only and is
seen by everyone (it is created *published*) — so the one scoping rule of ``common.selectors``
decides who sees which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.models import VersionedRecord
from citycarbon.server.targets.choices import Basis

__all__ = [
    "AssessmentResult",
    "AssessmentRun",
    "ChecklistItem",
    "JurisdictionTarget",
    "PlanIndicator",
    "TargetSet",
]


def _localised(zh: str, en: str) -> str:
    language = get_language() or "zh-hans"
    return zh if language.startswith("zh") or not en else en


class TargetSet(models.Model):
    """A plan's targets for a period over the jurisdictions under ``jurisdiction``."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="target_sets",
        verbose_name=_("jurisdiction"),
    )
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    document = models.CharField(_("document"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued = models.CharField(_("issued"), max_length=20, blank=True)
    lead_office = models.CharField(_("lead office"), max_length=200, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    annex_title = models.CharField(_("annex"), max_length=300, blank=True)
    #: The shipped set of ``citycarbon.targets`` it was loaded from (its ids are the kernel's).
    source_set = models.CharField(_("loaded from"), max_length=64, blank=True)
    #: Warning thresholds, score structure, verdict bands and projection settings, in the
    #: kernel's ``config`` form (the checklist is in :class:`ChecklistItem`).
    config = models.JSONField(_("assessment configuration"), default=dict)
    #: tCO2 per unit of a fuel, as the kernel's ``co2_factors``.
    co2_factors = models.JSONField(_("fuel emission factors"), default=dict, blank=True)
    #: The grid factor for net imported electricity, as the kernel's ``grid_factor``.
    grid_factor = models.JSONField(_("grid emission factor"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Counts the changes of the set (with its targets, indicators and checklist), so what is
    #: derived from it can be cached until it changes.
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    #: Plans are public: everyone may read them; only the office of the set's city may write.
    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta:
        verbose_name = _("target set")
        verbose_name_plural = _("target sets")
        ordering = ("-base_year", "code")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    @property
    def period(self) -> str:
        return f"{self.base_year}–{self.target_year}"

    def years(self) -> range:
        return range(self.base_year, self.target_year + 1)


class JurisdictionTarget(models.Model):
    """A jurisdiction's row of the annex: its CO2- and energy-intensity reduction targets."""

    target_set = models.ForeignKey(TargetSet, on_delete=models.CASCADE, related_name="targets")
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", on_delete=models.PROTECT, related_name="targets"
    )
    #: The jurisdiction's id in the kernel's input (the shipped set's id, else our code).
    kernel_id = models.CharField(_("id in the plan"), max_length=64)
    annex_name = models.CharField(_("name in the annex"), max_length=200, blank=True)
    co2_intensity_target_pct = models.FloatField(_("CO2 per unit of GDP, reduction [%]"))
    energy_intensity_target_pct = models.FloatField(
        _("Energy per unit of GDP, reduction [%]"), null=True, blank=True
    )
    #: The year's own targets where they differ from the even pace: {"2013":
    #: {"co2_intensity_annual_target_pct": 4.0}}.
    annual_targets = models.JSONField(_("annual targets"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta:
        verbose_name = _("jurisdiction target")
        verbose_name_plural = _("jurisdiction targets")
        ordering = ("target_set", "sort_order")
        constraints = (
            models.UniqueConstraint(
                fields=("target_set", "jurisdiction"), name="targets_target_once"
            ),
            models.UniqueConstraint(
                fields=("target_set", "kernel_id"), name="targets_kernel_id_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.target_set.code}: {self.kernel_id} −{self.co2_intensity_target_pct:g} %"


class PlanIndicator(models.Model):
    """A plan-wide indicator (services share, new-energy consumption …) with its target."""

    target_set = models.ForeignKey(TargetSet, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=16)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    responsible_department = models.CharField(
        _("responsible department"), max_length=200, blank=True
    )
    clause = models.CharField(_("clause"), max_length=40, blank=True)
    computed_from = models.CharField(_("computed from"), max_length=40, blank=True)
    plan_text = models.TextField(_("plan text"), blank=True)
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "target_set__jurisdiction"}

    class Meta:
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")
        ordering = ("target_set", "sort_order")
        constraints = (
            models.UniqueConstraint(fields=("target_set", "code"), name="targets_indicator_once"),
        )

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    def as_kernel(self) -> dict[str, Any]:
        """The indicator as the kernel's input lists it."""
        return {
            "id": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "unit": self.unit,
            "direction": self.direction,
            "baseline": self.baseline,
            "baseline_year": self.baseline_year,
            "target": self.target,
            "target_year": self.target_year,
            "responsible_department": self.responsible_department,
            "clause": self.clause,
            "computed_from": self.computed_from or None,
            "plan_text": self.plan_text,
            "note": self.note,
        }


class ChecklistItem(models.Model):
    """An item of the tasks, measures and basic-work part of the score, with its points."""

    target_set = models.ForeignKey(TargetSet, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    part = models.CharField(_("part"), max_length=100, blank=True)
    points = models.FloatField(_("points"))
    clauses = models.CharField(_("clauses"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "target_set__jurisdiction"}

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ("target_set", "sort_order")
        constraints = (
            models.UniqueConstraint(fields=("target_set", "code"), name="targets_checklist_once"),
        )

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    def as_kernel(self) -> dict[str, Any]:
        return {
            "id": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "part": self.part,
            "points": self.points,
            "clauses": [c for c in self.clauses.split(" ") if c],
            "description": self.description,
        }


class AssessmentRun(VersionedRecord):
    """One run of the targets kernel on stored statistics, with its provenance and output.

    Created by ``services.do_assess`` in its final state — *approved* for the working basis,
    *published* for the published basis — and never changed: a recomputation is the next
    version of the (target set, basis) lineage and supersedes this one.
    """

    target_set = models.ForeignKey(TargetSet, on_delete=models.PROTECT, related_name="runs")
    basis = models.CharField(_("statistics read"), max_length=16, choices=Basis.choices())
    as_of = models.PositiveSmallIntegerField(_("latest year"))
    trigger = models.CharField(_("why"), max_length=300, blank=True)
    #: SHA-256 of the kernel's input: the same input is not assessed twice.
    input_digest = models.CharField(_("input digest"), max_length=64)
    #: The statistic versions read: [{jurisdiction, year, statistic, lineage, version, state}].
    inputs = models.JSONField(_("statistics read"), default=list)
    #: Jurisdiction-years left out because the kernel refused them: [{jurisdiction, year,
    #: field, value, message}].
    excluded = models.JSONField(_("left out"), default=list)
    #: The configuration and factors the kernel ran with, and the kernel's version.
    config = models.JSONField(_("configuration"), default=dict)
    factors = models.JSONField(_("emission factors"), default=dict)
    kernel_version = models.CharField(_("citycarbon version"), max_length=40)
    #: ``citycarbon.targets.Assessment.as_dict()`` — everything the kernel computed.
    output = models.JSONField(_("kernel output"), default=dict)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "target_set__jurisdiction"}

    class Meta(VersionedRecord.Meta):
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.target_set.code} {self.basis} v{self.version}"


class AssessmentResult(models.Model):
    """The assessment of one jurisdiction in one year, as computed in a run (the kernel's row
    in ``data``; the figures pages sort and filter on as columns). Seen through its run only."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="results")
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", on_delete=models.PROTECT, related_name="assessment_results"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    statistic = models.ForeignKey(
        "stats.Statistic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    co2_intensity = models.FloatField(_("CO2 intensity"), null=True)
    co2_reduction_pct = models.FloatField(_("CO2 intensity reduction [%]"), null=True)
    required_reduction_pct = models.FloatField(_("required reduction [%]"), null=True)
    progress_share_pct = models.FloatField(_("progress [%]"), null=True)
    warning_level = models.CharField(_("warning level"), max_length=16, blank=True)
    energy_warning_level = models.CharField(_("energy warning level"), max_length=16, blank=True)
    score = models.FloatField(_("score"), null=True)
    grade = models.CharField(_("grade"), max_length=16, blank=True)
    veto = models.BooleanField(_("veto"), null=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True)
    rank_of = models.PositiveSmallIntegerField(_("ranked"), null=True)
    verdict = models.CharField(_("verdict"), max_length=16, blank=True)
    data = models.JSONField(_("result"), default=dict)

    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": "jurisdiction"}

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ("run", "year", "rank")
        constraints = (
            models.UniqueConstraint(
                fields=("run", "jurisdiction", "year"), name="targets_result_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.year}: {self.score} {self.grade}"
