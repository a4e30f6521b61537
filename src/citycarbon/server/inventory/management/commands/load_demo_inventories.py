"""``citycarbon manage load_demo_inventories`` — the packaged demonstration inventories
(ILLUSTRATIVE data, see docs/inventory-demo.md) as published inventories, compiled with the
latest published factor set. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycarbon.inventory.reference import demo_sets
from citycarbon.server.common.errors import DomainError
from citycarbon.server.factors.models import FactorSet
from citycarbon.server.inventory.services import do_load_demo_inventories


class Command(BaseCommand):
    help = "Load and compile the demonstration inventories (illustrative data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", default="zhengzhou", help="the demonstration data set")
        parser.add_argument(
            "--year", type=int, action="append", help="only this year (repeat for more)"
        )
        parser.add_argument(
            "--factor-set", default="builtin", help="name of the published factor set to use"
        )
        parser.add_argument(
            "--iterations", type=int, default=1000, help="Monte Carlo iterations (0: none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["set"] not in demo_sets():
            raise CommandError(
                f"no demonstration set {options['set']!r}; packaged: {', '.join(demo_sets())}"
            )
        factor_set = (
            FactorSet.objects.filter(name=options["factor_set"], state="published")
            .order_by("-version")
            .first()
        )
        if factor_set is None:
            raise CommandError(
                f"no published factor set {options['factor_set']!r}: run load_factor_library"
            )
        try:
            outcome = do_load_demo_inventories(
                None,
                factor_set=factor_set,
                name=options["set"],
                years=tuple(options["year"]) if options["year"] else None,
                iterations=options["iterations"],
            )
        except DomainError as error:
            raise CommandError(f"cannot load the demonstration inventories: {error}") from None
        self.stdout.write(
            f"demo inventories ({options['set']}, ILLUSTRATIVE): {len(outcome.created)} created, "
            f"{len(outcome.unchanged)} unchanged, {len(outcome.compiled)} compiled with "
            f"{factor_set.library_version}"
            + (f"; not on this platform: {', '.join(outcome.skipped)}" if outcome.skipped else "")
        )
