"""What every ``citycarbon`` command shares: consoles, tables, ``--json``, progress bars, errors.

Exit codes are the same for every command: :data:`EXIT_OK` (0) when everything was done,
:data:`EXIT_REFUSED` (1) when some input was refused (the rest was still done), and
:data:`EXIT_USAGE` (2) when the command could not run at all (unreadable file, bad option).

Tables go to standard output; progress bars and fatal errors to standard error, so that
``--json`` output can always be piped.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Final, NoReturn, TypeVar

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "PROGRESS_THRESHOLD",
    "emit_json",
    "escape",
    "fail",
    "grouped",
    "json_option",
    "make_console",
    "progress",
    "table",
    "zh_en",
]

EXIT_OK: Final = 0
EXIT_REFUSED: Final = 1
EXIT_USAGE: Final = 2

#: From this many items on, long loops show a progress bar on standard error.
PROGRESS_THRESHOLD: Final = 20

#: Width used when output is not a terminal (a file, a pipe, a test), so tables do not wrap.
PIPE_WIDTH: Final = 120

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def make_console(*, stderr: bool = False, force_terminal: bool | None = None) -> Console:
    """A rich console on standard output (or error), plain text when not a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    console = Console(file=stream, highlight=False, force_terminal=force_terminal)
    if not console.is_terminal:
        console = Console(file=stream, highlight=False, width=PIPE_WIDTH, force_terminal=False)
    return console


def json_option(function: F) -> F:
    """The ``--json`` flag: print machine-readable JSON instead of tables."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print JSON instead of tables (decimals as strings) / 输出 JSON。",
    )(function)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(data: object) -> None:
    """Print ``data`` as indented UTF-8 JSON on standard output (Decimals as strings)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``message`` as an error on standard error and stop with exit ``code``."""
    console = make_console(stderr=True)
    console.print(f"[bold red]错误 error:[/] {escape(message)}", soft_wrap=True)
    raise click.exceptions.Exit(code)


def zh_en(zh: str | None, en: str | None) -> str:
    """``中文 English`` (either may be missing)."""
    return " ".join(part for part in (zh, en) if part)


def table(
    *headers: str | tuple[str, str], title: str | None = None, wrap: Sequence[str] = ()
) -> Table:
    """A table in the project's style.

    A header ``("tCO2e", "right")`` is right-aligned. Columns named in ``wrap`` wrap their text
    when the table is too wide; the others (ids, numbers, units) keep each value on one line.
    """
    grid = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_edge=False)
    for header in headers:
        name, justify = (header, "left") if isinstance(header, str) else header
        grid.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=name not in wrap,
            overflow="fold",
        )
    return grid


def grouped(text: str | Decimal | None) -> str:
    """A decimal figure with thousands separators: ``29516.99`` → ``29,516.99``."""
    if text is None or text == "":
        return ""
    value = Decimal(text) if isinstance(text, str) else text
    return f"{value:,}"


def progress(
    items: Sequence[T],
    description: str,
    *,
    threshold: int = PROGRESS_THRESHOLD,
    console: Console | None = None,
) -> Iterator[T]:
    """Iterate over ``items``, with a progress bar on standard error when there are many.

    The bar is shown only from ``threshold`` items on and only on a terminal; it disappears when
    done, so it never mixes with the output.
    """
    console = console or make_console(stderr=True)
    if len(items) < threshold or not console.is_terminal:
        yield from items
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
