"""Settings for the test suite: the project's settings with test-only shortcuts.

SQLite (in memory) unless ``CITYCARBON_TEST_DATABASE_URL`` names a PostgreSQL server, e.g.
``CITYCARBON_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/citycarbon`` (Django creates
and drops ``test_citycarbon`` there). Production-only behaviour is tested by importing
``settings`` in a subprocess with the variables under test.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("CITYCARBON_SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123")
os.environ.setdefault("CITYCARBON_DATA_DIR", tempfile.mkdtemp(prefix="citycarbon-test-"))
os.environ["CITYCARBON_HTTPS"] = "0"  # the live server for browser tests speaks plain HTTP
os.environ["CITYCARBON_STATIC_MANIFEST"] = "0"
_test_url = os.environ.get("CITYCARBON_TEST_DATABASE_URL", "").strip()
if _test_url:
    os.environ["DATABASE_URL"] = _test_url
else:
    os.environ.pop("DATABASE_URL", None)

from citycarbon.server.config.settings import *  # noqa: E402, F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# A concrete versioned record with endpoints, to test the common rules end to end.
INSTALLED_APPS = [*INSTALLED_APPS, "citycarbon.server.testing"]  # noqa: F405
# Hashing with PBKDF2 costs a third of a second per password; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
