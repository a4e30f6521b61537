"""``citycarbon manage load_jurisdictions [FILE]`` — load or update jurisdictions from a CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycarbon.server.common.errors import ValidationFailedError
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)


class Command(BaseCommand):
    help = (
        "Load jurisdictions from a CSV file (default: the shipped Zhengzhou file). "
        "Rows are matched by code; loading the same file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV file (UTF-8, header row)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else default_jurisdictions_file()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            result = do_load_jurisdictions(None, parse_jurisdictions(text))
        except ValidationFailedError as refusal:
            lines = [f"{path}: {refusal.message}"]
            for problem in refusal.errors:
                lines.append(
                    f"  line {problem.row}: {problem.field} = {problem.value!r}: {problem.message}"
                )
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(
            f"{path.name}: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
        )
