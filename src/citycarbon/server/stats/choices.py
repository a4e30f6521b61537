"""Fixed vocabularies of the statistics app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import Choices


class StatsAction(Choices):
    """Audit actions of the statistics app (the lifecycle steps use ``lifecycle.*``)."""

    IMPORT = "stats.import", _("Statistics imported")
    ACKNOWLEDGE = "stats.acknowledge_warning", _("Plausibility warning acknowledged")


class WarningCode(Choices):
    """Year-over-year plausibility checks; each warning must be acknowledged before submitting."""

    GDP_GROWTH = "gdp_growth", _("GDP growth on the previous year")
    CO2_INTENSITY_CHANGE = "co2_intensity_change", _("Change of CO2 intensity on the previous year")
    ENERGY_INTENSITY_CHANGE = (
        "energy_intensity_change",
        _("Change of energy intensity on the previous year"),
    )


#: The figures of a year, in the order of the template's ``years`` sheet (the kernel's field
#: ids; ``docs/targets.md``). Annual targets are not statistics: they belong to the target set.
FIGURES = (
    "gdp_constant_cny_100m",
    "gdp_current_cny_100m",
    "gdp_deflator",
    "gdp_index",
    "gdp_real_growth_pct",
    "co2_t",
    "energy_tce",
    "electricity_imported_mwh",
    "electricity_exported_mwh",
    "net_electricity_import_mwh",
    "measures_score",
)
