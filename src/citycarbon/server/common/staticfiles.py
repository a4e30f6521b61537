"""Serve front-end packages installed by npm (ECharts, HTMX) as ordinary static files.

``CITYCARBON_VENDOR_ASSETS`` maps a static path (``vendor/echarts/echarts.min.js``) to a file
under ``CITYCARBON_NODE_MODULES``. Only those files are exposed, never the whole package; in
production ``collectstatic`` copies them with everything else and WhiteNoise serves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage

__all__ = ["NodeModulesFinder", "vendor_asset_paths"]


def vendor_asset_paths() -> dict[str, Path]:
    """Static path → absolute file path, whether or not the file is installed."""
    root = Path(settings.CITYCARBON_NODE_MODULES)
    return {static: root / source for static, source in settings.CITYCARBON_VENDOR_ASSETS.items()}


class NodeModulesFinder(BaseFinder):
    """Find the vendor assets in ``node_modules``."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = vendor_asset_paths().get(path)
        if found is None or not found.is_file():
            return []  # as Django's own finders answer "not here"
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for static_path, file_path in vendor_asset_paths().items():
            if not file_path.is_file():
                continue
            storage = FileSystemStorage(location=str(file_path.parent))
            storage.prefix = str(Path(static_path).parent)
            yield file_path.name, storage
