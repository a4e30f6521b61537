"""System checks (``citycarbon manage check``): the setup installed what the pages need."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register

from citycarbon.server.common.staticfiles import vendor_asset_paths


@register()
def vendor_assets_installed(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    missing = [str(path) for path in vendor_asset_paths().values() if not path.is_file()]
    if not missing:
        return []
    return [
        Warning(
            "Front-end packages are not installed: " + ", ".join(missing),
            hint="Run `npm ci` in the repository (or set CITYCARBON_NODE_MODULES); charts "
            "and dynamic pages need ECharts and HTMX.",
            id="citycarbon.W001",
        )
    ]
