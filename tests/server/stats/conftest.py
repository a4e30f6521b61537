"""The statistics tests use the fixtures shared with the targets tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_NAME = "citycarbon_domain_fixtures"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        _NAME, Path(__file__).with_name("fixtures_domain.py")
    )
    assert _spec is not None
    assert _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module
    _spec.loader.exec_module(_module)

from citycarbon_domain_fixtures import (  # noqa: E402, F401
    browser,
    client_as,
    domain_counts,
    example_world,
    make_statistic,
    screenshot_dir,
    target_set,
    world,
)
