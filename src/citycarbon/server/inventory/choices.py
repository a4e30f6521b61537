"""Fixed vocabularies of the inventory app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import Choices

__all__ = ["InventoryAction", "RunStage", "RunStatus"]


class RunStatus(Choices):
    """Where a compilation stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused by the engine")
    FAILED = "failed", _("Failed")


class RunStage(Choices):
    """The stages of a compilation, in order; each one is a step of the progress bar."""

    QUEUED = "queued", _("Waiting to start")
    COMPILE = "compile", _("Reading the input and computing every category")
    ANALYSE = "analyse", _("Key categories and Approach 1 uncertainty")
    UNCERTAINTY = "uncertainty", _("Monte Carlo uncertainty (Approach 2)")
    DONE = "done", _("Finished")


class InventoryAction(Choices):
    """Audit actions of the inventory app (lifecycle steps use the common ``lifecycle.*``)."""

    REQUEST_COMPILE = "inventory.request_compile", _("Inventory compilation requested")
    COMPILE = "inventory.compile", _("Inventory compiled")
    REFUSE = "inventory.refuse", _("Inventory refused by the engine")
    FAIL = "inventory.fail", _("Inventory compilation failed")
