"""Fixtures for the command-line tests: run ``citycarbon`` in-process, write input files."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from citycarbon.cli import main

Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run ``citycarbon ARGS…``; standard output and error are kept apart."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """Write ``{"reports": reports}`` to a JSON file and return its path."""

    def write(reports: Sequence[dict[str, Any]], name: str = "reports.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps({"reports": list(reports)}, ensure_ascii=False), "utf-8")
        return path

    return write
