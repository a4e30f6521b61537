"""``citycarbon manage load_factor_library`` — the shipped factor library as the published set
``builtin`` (safe to run again: an unchanged library changes nothing; a changed one becomes a
new published version with the reason)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycarbon.server.common.errors import DomainError
from citycarbon.server.factors.services import BUILTIN_NAME, do_load_library
from citycarbon.server.geo.models import Jurisdiction


class Command(BaseCommand):
    help = "Load the factor library shipped with citycarbon as the published factor set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jurisdiction", help="code of the jurisdiction adopting it (default: the root)"
        )
        parser.add_argument("--name", default=BUILTIN_NAME, help="name of the set")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["jurisdiction"]
        qs = Jurisdiction.objects.all()
        found = (
            qs.filter(code=code).first()
            if code
            else qs.filter(parent__isnull=True).order_by("sort_order", "code").first()
        )
        if found is None:
            raise CommandError(f"no jurisdiction {code or '(root)'}: load the jurisdictions first")
        try:
            outcome = do_load_library(None, jurisdiction=found, name=options["name"])
        except DomainError as error:
            raise CommandError(f"cannot load the factor library: {error}") from None
        item = outcome.factor_set
        self.stdout.write(
            f"factor set {item.name} v{item.version} ({item.rows.count()} rows): {outcome.outcome}"
        )
