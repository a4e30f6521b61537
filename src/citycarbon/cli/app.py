"""The command groups every domain module hangs its commands on."""

from __future__ import annotations

import click

from citycarbon import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citycarbon")
def main() -> None:
    """citycarbon — a city's greenhouse-gas control system (城市温室气体排放控制平台)."""


@main.group()
def calc() -> None:
    """Calculate from a file: enterprise reports, inventories, targets (计算)."""


@main.group()
def template() -> None:
    """Write an Excel template to fill in and feed back (下载模板)."""
