"""The ``citycarbon`` command.

Stateless calculations on files live under ``citycarbon calc …``; Excel templates under
``citycarbon template …``. Each domain adds its commands from its own module in this package.
"""

from __future__ import annotations

from citycarbon.cli.app import calc, main, template

# Domain modules register their commands on import.
from citycarbon.cli import (  # noqa: F401  isort: skip
    enterprise,
    inventory,
    inventory_demo,
    inventory_tools,
    mrv,
    server,
    targets,
)

__all__ = ["calc", "main", "template"]
