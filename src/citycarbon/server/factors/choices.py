"""Fixed vocabularies of the factors app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import Choices

__all__ = ["FactorAction", "FactorKind", "VerificationStatus"]


class VerificationStatus(Choices):
    """How well a factor row is verified (the kernel's ``VERIFICATION_STATUSES``)."""

    V_DOC = "V-doc", _("Checked in the official document")
    V_DATA = "V-data", _("Checked in a machine-readable transcription of the primary source")
    V_NEWS = "V-news", _("Checked in an official notice reproduced by the press")
    C_3 = "C-3", _("Three independent transcriptions agree; primary not seen")
    C_2 = "C-2", _("Two independent transcriptions agree; primary not seen")
    C_1 = "C-1", _("One transcription; primary not seen")
    D = "D", _("Derived by arithmetic from other rows")
    R = "R", _("Recalled, not confirmed in a source: use with care")


class FactorKind(Choices):
    """What kind of factor a row is: a lookup asks for one kind and never gets another."""

    DEFAULT = "default", _("Guideline default")
    GRID_AVERAGE = "grid_average", _("Grid average factor")
    GRID_OM = "grid_om", _("Grid operating margin (CCER baseline)")
    GRID_BM = "grid_bm", _("Grid build margin (CCER baseline)")


class FactorAction(Choices):
    """Audit actions of the factors app (lifecycle steps use the common ``lifecycle.*``)."""

    LOAD_ROWS = "factors.load_rows", _("Factor rows loaded")
    SET_ROW = "factors.set_row", _("Factor row set")
    REMOVE_ROW = "factors.remove_row", _("Factor row removed")
