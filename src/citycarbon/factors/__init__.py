"""The factor library: defaults with provenance, by guideline, kind, region and year."""

from citycarbon.factors.catalogue import FORM_UNITS, Fuel, fuel, fuels
from citycarbon.factors.library import (
    ANY,
    VERIFICATION_STATUSES,
    FactorError,
    FactorLibrary,
    FactorRow,
    default_library,
)

__all__ = [
    "ANY",
    "FORM_UNITS",
    "VERIFICATION_STATUSES",
    "FactorError",
    "FactorLibrary",
    "FactorRow",
    "Fuel",
    "default_library",
    "fuel",
    "fuels",
]
