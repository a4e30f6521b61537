"""citycarbon.server: the Django project that persists, authorises and presents.

The kernel never imports this package. Layout (see ``docs/server.md``):

- ``config`` — settings, URLs, the WSGI application and the one django-ninja API;
- ``common`` — roles and permissions, the audit trail, the versioned lifecycle, access tokens,
  login throttling, domain errors and the base pages;
- one app per domain (``geo`` jurisdictions first), each with the same file names.

Run it with ``citycarbon serve`` (gunicorn) or ``citycarbon manage …`` (Django's commands).
"""

from __future__ import annotations

DEFAULT_SETTINGS_MODULE = "citycarbon.server.config.settings"

__all__ = ["DEFAULT_SETTINGS_MODULE"]
