"""``citycarbon manage demo`` — a ready-to-try installation, safe to run again.

Migrates the database, loads the jurisdictions (the shipped Zhengzhou file by default) and
creates one demo account per role: ``office`` (city climate office), ``reviewer``, ``public``
and ``official-<code>`` for every jurisdiction under the city. New accounts get random
passwords, printed once and kept in ``<data dir>/demo-accounts.txt`` (readable by you only);
accounts that exist keep theirs.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from citycarbon.server.common.choices import Role, ScopeKind
from citycarbon.server.common.errors import DomainError
from citycarbon.server.common.models import User
from citycarbon.server.common.services import do_assign_role, do_create_user, do_set_password
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)

CREDENTIALS_FILE = "demo-accounts.txt"
#: The illustrative statistics of citycarbon.targets loaded as published records.
DEMO_STATISTICS = "zhengzhou-2010-2015-illustrative"


def _new_password() -> str:
    # 15 characters from a 64-letter alphabet: ~90 bits; passes the password validators.
    return "demo-" + secrets.token_urlsafe(8)


class Command(BaseCommand):
    help = (
        "Set up a demonstration: migrate, load jurisdictions and create one account per role "
        "(passwords printed once). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jurisdictions", help="jurisdictions CSV (default: the shipped Zhengzhou file)"
        )
        parser.add_argument(
            "--password",
            help="give new demo accounts this password instead of random ones (tests, kiosks)",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="give existing demo accounts new passwords too",
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not run migrations")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even with CITYCARBON_DEBUG off (demo accounts on a real server)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "demo accounts are for development: set CITYCARBON_DEBUG=1, or pass "
                "--allow-production if you really want them on this server"
            )
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        path = Path(options["jurisdictions"] or default_jurisdictions_file())
        try:
            result = do_load_jurisdictions(
                None, parse_jurisdictions(path.read_text(encoding="utf-8"))
            )
        except (OSError, DomainError) as error:
            raise CommandError(f"cannot load {path}: {error}") from None
        self.stdout.write(
            f"jurisdictions from {path.name}: {len(result.created)} created, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged"
        )
        call_command("load_factor_library", stdout=self.stdout)
        call_command("load_demo_inventories", stdout=self.stdout)
        try:  # the target set and its illustrative statistics, published (stats, targets)
            call_command("load_targets", "zhengzhou", example=DEMO_STATISTICS, stdout=self.stdout)
        except CommandError as error:  # other jurisdictions than the shipped Zhengzhou file
            self.stdout.write(f"no targets loaded: {error}")
        if apps.is_installed("citycarbon.server.mrv"):  # the illustrative enterprise register
            call_command("load_demo_mrv", stdout=self.stdout)
        # SQLite keeps no statistics for its query planner until ANALYZE (without them it
        # may scan a large table through a poor index); PostgreSQL's autovacuum would get
        # there later. Loading the demo is a bulk load: refresh them now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        accounts = self._accounts()
        if not accounts:
            raise CommandError("no jurisdictions: nothing to create demo accounts for")
        credentials_path = Path(settings.DATA_DIR) / CREDENTIALS_FILE
        known = self._read_credentials(credentials_path)
        rows = []
        for username, role, scope in accounts:
            password = self._ensure_user(username, options)
            if password is not None:
                known[username] = password
            if role is not None and scope is not None:
                do_assign_role(None, User.objects.get(username=username), role, *scope)
            rows.append((username, role or "public", known.get(username)))
        if apps.is_installed("citycarbon.server.mrv"):
            from citycarbon.server.mrv.demo import link_demo_verifier

            link_demo_verifier(User.objects.get(username="verifier"))
        self._write_credentials(credentials_path, known)
        self._report(rows, credentials_path)

    def _accounts(self) -> list[tuple[str, str | None, tuple[str, int] | None]]:
        roots = list(
            Jurisdiction.objects.filter(parent__isnull=True).order_by("sort_order", "code")
        )
        accounts: list[tuple[str, str | None, tuple[str, int] | None]] = []
        for root in roots[:1]:
            scope = (ScopeKind.JURISDICTION.value, root.pk)
            accounts.append(("office", Role.CITY_OFFICE.value, scope))
            accounts.append(("reviewer", Role.REVIEWER.value, scope))
            accounts.append(("public", None, None))
            for item in Jurisdiction.objects.filter(parent=root).order_by("sort_order", "code"):
                accounts.append(
                    (
                        f"official-{item.code}",
                        Role.DISTRICT_OFFICIAL.value,
                        (ScopeKind.JURISDICTION.value, item.pk),
                    )
                )
        if accounts and apps.is_installed("citycarbon.server.mrv"):
            from citycarbon.server.mrv.demo import demo_accounts

            accounts += demo_accounts()  # enterprise reporter, responsible person, verifier
        return accounts

    def _ensure_user(self, username: str, options: dict[str, Any]) -> str | None:
        """Create the account if needed; the new password, or ``None`` when unchanged."""
        user = User.objects.filter(username=username).first()
        if user is not None and not options["reset_passwords"]:
            return None
        password = options["password"] or _new_password()
        try:
            if user is None:
                do_create_user(None, username=username, password=password)
            else:
                do_set_password(None, user, password)
        except DomainError as error:
            raise CommandError(f"{username}: {error}") from None
        return str(password)

    @staticmethod
    def _read_credentials(path: Path) -> dict[str, str]:
        known: dict[str, str] = {}
        if not path.exists():
            return known
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            username, password = line.split("\t", 1)
            known[username] = password
        return known

    @staticmethod
    def _write_credentials(path: Path, known: dict[str, str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# citycarbon demo accounts: username<TAB>password (development only)"]
        lines += [f"{username}\t{password}" for username, password in sorted(known.items())]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)

    def _report(self, rows: list[tuple[str, str, str | None]], path: Path) -> None:
        width = max(len(username) for username, _role, _password in rows)
        self.stdout.write("")
        self.stdout.write("Demo accounts (演示账号):")
        for username, role, password in rows:
            shown = password if password is not None else "(set outside this command)"
            self.stdout.write(f"  {username:<{width}}  {role:<22}  {shown}")
        self.stdout.write("")
        self.stdout.write(
            f"Passwords as first set, kept in {path} (mode 600); a password you changed since "
            "is yours, not this one."
        )
        self.stdout.write(
            "Change a password: sign in and open /account/password/, or run "
            "`citycarbon manage changepassword USERNAME`."
        )
