"""``citycarbon serve`` and ``citycarbon manage …``: run the web platform.

Django is imported only when one of these commands runs, so the calculation commands stay
quick to start.
"""

from __future__ import annotations

import os
from typing import Any

import click

from citycarbon.cli.app import main
from citycarbon.cli.common import EXIT_USAGE, fail

__all__ = ["manage", "serve"]


def _setup_django() -> None:
    from citycarbon.server import DEFAULT_SETTINGS_MODULE

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except (ImproperlyConfigured, ValueError) as error:
        fail(f"the server is not configured: {error}", EXIT_USAGE)


@main.command(
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Django's management commands: migrate, demo, load_jurisdictions, add_user …
    (``citycarbon manage help`` lists them) / 服务器管理命令。"""
    from citycarbon.server.manage import main as manage_main

    manage_main(list(args))


@main.command()
@click.option(
    "--bind",
    default="127.0.0.1:8000",
    show_default=True,
    help="host:port to listen on (loopback by default)",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="worker processes",
)
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="threads per worker"
)
@click.option("--migrate/--no-migrate", default=False, help="apply migrations before starting")
@click.option(
    "--collectstatic/--no-collectstatic",
    default=True,
    show_default=True,
    help="collect static files (hashed) before starting, when they changed since the last run",
)
@click.option("--access-log/--no-access-log", default=False, help="log every request")
def serve(
    bind: str, workers: int, threads: int, migrate: bool, collectstatic: bool, access_log: bool
) -> None:
    """Serve the platform with gunicorn (production-grade) / 启动网站服务。

    Configure it with environment variables: CITYCARBON_SECRET_KEY (required unless
    CITYCARBON_DEBUG=1), DATABASE_URL (PostgreSQL; default a SQLite file in
    CITYCARBON_DATA_DIR), CITYCARBON_ALLOWED_HOSTS … (see docs/server.md).
    """
    _setup_django()
    from django.core.management import call_command
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from citycarbon.server.common.staticfiles import collect_static_if_changed

    if migrate:
        call_command("migrate", interactive=False, verbosity=1)
    if collectstatic and collect_static_if_changed():
        click.echo("citycarbon: static files collected")
    # Only now load the application: WhiteNoise lists STATIC_ROOT once, when its middleware is
    # built, so files collected after that would answer 404 until a restart.
    from citycarbon.server.config.wsgi import application

    connections.close_all()  # never share a database connection across the fork

    options: dict[str, Any] = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "timeout": 60,
        "graceful_timeout": 20,
        "proc_name": "citycarbon",
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    click.echo(f"citycarbon: serving on http://{bind} ({workers} workers × {threads} threads)")
    Server().run()
