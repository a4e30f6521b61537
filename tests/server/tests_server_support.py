"""Constants shared by the server tests (importable because pytest puts this folder on the
path)."""

from __future__ import annotations

PASSWORD = "correct-horse-battery-9"
