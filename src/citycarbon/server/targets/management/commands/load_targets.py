"""``citycarbon manage load_targets SET [--example NAME]`` — load a shipped target set.

Loads the set's annex, tree, plan indicators, the default checklist and configuration from
``citycarbon.targets`` over the stored jurisdictions; ``--example`` also takes the example's
emission factors into the set and loads its statistics as published records (the demo). Safe
to run again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycarbon.server.common.errors import DomainError
from citycarbon.server.targets.services import do_load_example_statistics, do_load_target_set
from citycarbon.targets import CatalogueError, example


class Command(BaseCommand):
    help = "Load a shipped target set (and, with --example, its illustrative statistics)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("set", help="a shipped set of citycarbon.targets, e.g. zhengzhou")
        parser.add_argument("--code", help="the target set's code (default: SET-BASE-TARGET)")
        parser.add_argument(
            "--example",
            help="a shipped example input: its factors and its statistics (as published)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factors: dict[str, Any] = {}
        if options["example"]:
            try:
                data = example(options["example"])
            except CatalogueError as error:
                raise CommandError(str(error)) from None
            factors = {
                "co2_factors": data.get("co2_factors"),
                "grid_factor": data.get("grid_factor"),
            }
        try:
            item = do_load_target_set(None, options["set"], code=options["code"], **factors)
            self.stdout.write(
                f"target set {item.code}: {item.targets.count()} jurisdictions, "
                f"{item.indicators.count()} plan indicators, "
                f"{item.checklist.count()} checklist items"
            )
            if options["example"]:
                result = do_load_example_statistics(item, options["example"])
                self.stdout.write(
                    f"statistics from {options['example']}: {len(result.created)} created, "
                    f"{len(result.published)} published, {len(result.unchanged)} unchanged"
                )
        except DomainError as error:
            details = "; ".join(
                f"{e.field}={e.value!r}: {e.message}" for e in getattr(error, "errors", [])[:10]
            )
            raise CommandError(f"{error.message} {details}".strip()) from None
