"""``citycarbon manage ARGS…`` — Django's management commands with citycarbon's settings."""

from __future__ import annotations

import os
from collections.abc import Sequence

from citycarbon.server import DEFAULT_SETTINGS_MODULE

__all__ = ["main"]


def main(argv: Sequence[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["citycarbon manage", *argv])


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
