"""``citycarbon manage load_demo_mrv`` — the demonstration register (ILLUSTRATIVE enterprises
across Zhengzhou's industries, two verifier organisations, thresholds, calendars and a
screening run). Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from citycarbon.server.common.errors import DomainError
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.mrv.demo import load_demo


class Command(BaseCommand):
    help = "Load the demonstration enterprise register (illustrative data)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Jurisdiction.objects.filter(code="dengfeng").exists():
            raise CommandError("load the Zhengzhou jurisdictions first (citycarbon manage demo)")
        try:
            outcome = load_demo()
        except DomainError as error:
            raise CommandError(f"cannot load the demonstration register: {error}") from None
        self.stdout.write(
            f"demo register (ILLUSTRATIVE): {outcome.enterprises} enterprises, "
            f"{outcome.verifiers} verifier organisations, {outcome.calendars} compliance years, "
            f"{outcome.screening} screening runs, {outcome.plans} monitoring plans, "
            f"{outcome.ledger_months} ledger months, {outcome.reports} annual reports, "
            f"{outcome.verifications} verifications loaded"
        )
        for line in outcome.caught:
            self.stdout.write(f"  caught by the checks (refused, then corrected): {line}")
