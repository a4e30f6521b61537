"""Reading the deployment's settings from environment variables (``CITYCARBON_*``).

Kept apart from ``settings`` so the parsing rules are tested on their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["default_data_dir", "env_bool", "env_int", "env_list", "env_str"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """The variable's value stripped of surrounding blanks, or ``default`` when unset."""
    source = os.environ if environ is None else environ
    value = source.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case); anything else is an error."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={source[name]!r}: expected 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """A non-negative integer."""
    text = env_str(name, "", environ)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name}={text!r}: expected a whole number") from None
    if value < 0:
        raise ValueError(f"{name}={text!r}: expected a number >= 0")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    text = env_str(name, "", environ)
    if not text:
        return list(default)
    return [item.strip() for item in text.split(",") if item.strip()]


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the SQLite database, collected static files and demo credentials live.

    ``CITYCARBON_DATA_DIR`` when set, else ``$XDG_DATA_HOME/citycarbon``
    (``~/.local/share/citycarbon``).
    """
    explicit = env_str("CITYCARBON_DATA_DIR", "", environ)
    if explicit:
        return Path(explicit).expanduser().resolve()
    xdg = env_str("XDG_DATA_HOME", "", environ)
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return (base / "citycarbon").resolve()
