"""``citycarbon manage add_user USERNAME [--role ROLE --jurisdiction CODE | --global]``."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycarbon.server.common.choices import ScopeKind
from citycarbon.server.common.errors import DomainError
from citycarbon.server.common.models import User
from citycarbon.server.common.roles import roles
from citycarbon.server.common.services import do_assign_role, do_create_user
from citycarbon.server.geo.models import Jurisdiction


class Command(BaseCommand):
    help = "Create a user (password asked for, or --password) and optionally give a role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (default: ask)")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=[spec.role for spec in roles()])
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--jurisdiction", help="the jurisdiction code the role covers")
        scope.add_argument("--global", dest="everything", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                user = do_create_user(
                    None, username=options["username"], password=password, email=options["email"]
                )
                self.stdout.write(f"created {user.username}")
            if options["role"]:
                kind, scope_id = _scope(options)
                do_assign_role(None, user, options["role"], kind, scope_id)
                self.stdout.write(f"{user.username}: {options['role']} over {kind} {scope_id}")
        except DomainError as error:
            raise CommandError(f"{error.field or ''} {error}".strip()) from None


def _scope(options: dict[str, Any]) -> tuple[str, int]:
    if options["everything"]:
        return ScopeKind.GLOBAL.value, 0
    code = options["jurisdiction"]
    if not code:
        raise CommandError("give --jurisdiction CODE or --global with --role")
    found = Jurisdiction.objects.filter(code=code).first()
    if found is None:
        raise CommandError(f"no jurisdiction with code {code!r}")
    return ScopeKind.JURISDICTION.value, found.pk
