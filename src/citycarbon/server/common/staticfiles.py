"""Serve front-end packages installed by npm (ECharts, HTMX) as ordinary static files.

``CITYCARBON_VENDOR_ASSETS`` maps a static path (``vendor/echarts/echarts.min.js``) to a file
under ``CITYCARBON_NODE_MODULES``. Only those files are exposed, never the whole package; in
production ``collectstatic`` copies them with everything else and WhiteNoise serves them.

``collect_static_if_changed`` runs ``collectstatic`` only when the source files (their paths,
sizes and modification times), the storage backend or ``STATIC_ROOT`` changed since the last
collection, so ``citycarbon serve`` starts fast when nothing changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder, get_finders
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command

__all__ = [
    "NodeModulesFinder",
    "collect_static_if_changed",
    "static_sources_fingerprint",
    "vendor_asset_paths",
]

#: Where the fingerprint of the last collection is kept (beside the data, not served).
STAMP_NAME = "collectstatic.fingerprint"


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


def static_sources_fingerprint() -> str:
    """A digest of what ``collectstatic`` would copy: each source file's static path, size and
    modification time, the static storage backend and ``STATIC_ROOT``."""
    digest = hashlib.sha256()
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    digest.update(str(Path(settings.STATIC_ROOT).resolve()).encode())
    ignore = list(apps.get_app_config("staticfiles").ignore_patterns)
    entries: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            static_path = f"{prefix}/{path}" if prefix else path
            stat = Path(storage.path(path)).stat()
            entries.append(f"{static_path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _stamp_path() -> Path:
    return Path(settings.DATA_DIR) / STAMP_NAME


def _collected_output_present() -> bool:
    root = Path(settings.STATIC_ROOT)
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        return (root / "staticfiles.json").is_file()
    return root.is_dir()


def collect_static_if_changed(*, force: bool = False) -> bool:
    """Run ``collectstatic`` unless the last run collected the same sources into an output
    that is still there; return whether it ran."""
    fingerprint = static_sources_fingerprint()
    stamp = _stamp_path()
    if (
        not force
        and _collected_output_present()
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint
    ):
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return True
