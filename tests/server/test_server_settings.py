"""Deployment settings: each case imports the settings in a fresh interpreter with the
environment under test, as a server process would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from citycarbon.server.config.environment import (
    default_data_dir,
    env_bool,
    env_int,
    env_list,
)

PROBE = """
import json
from citycarbon.server.config import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "NAME": str(s.DATABASES["default"]["NAME"]),
    "HOST": s.DATABASES["default"].get("HOST"),
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
    "TIME_ZONE": s.TIME_ZONE,
    "USE_TZ": s.USE_TZ,
    "SECRET_KEY_LEN": len(s.SECRET_KEY),
    "STATIC": s.STORAGES["staticfiles"]["BACKEND"],
    "MAX_UPLOAD": s.CITYCARBON_MAX_UPLOAD_BYTES,
    "VALIDATORS": [v["NAME"].rsplit(".", 1)[1] for v in s.AUTH_PASSWORD_VALIDATORS],
}))
"""


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CITYCARBON_")
        and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ["CITYCARBON_DATA_DIR"] = str(tmp_path / "data")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, timeout=60
    )


def _read(tmp_path: Path, **env: str) -> dict[str, object]:
    done = _settings(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_refuses_to_start_without_secret_key_outside_development(tmp_path: Path) -> None:
    done = _settings(tmp_path)
    assert done.returncode != 0
    assert "CITYCARBON_SECRET_KEY is not set" in done.stderr
    assert not (tmp_path / "data" / "development-secret-key").exists()


def test_refuses_a_short_secret_key(tmp_path: Path) -> None:
    done = _settings(tmp_path, CITYCARBON_SECRET_KEY="short")
    assert done.returncode != 0
    assert "at least 32 characters" in done.stderr


def test_production_defaults_are_secure(tmp_path: Path) -> None:
    found = _read(tmp_path, CITYCARBON_SECRET_KEY="k" * 50)
    assert found["DEBUG"] is False
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_HSTS_SECONDS"] == 31_536_000  # 365 days × 86 400 s
    assert found["STATIC"] == "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    assert found["LANGUAGE_CODE"] == "zh-hans"
    assert found["TIME_ZONE"] == "Asia/Shanghai"
    assert found["USE_TZ"] is True
    assert found["MAX_UPLOAD"] == 10 * 1024 * 1024
    assert found["VALIDATORS"] == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


def test_sqlite_file_in_the_data_dir_by_default(tmp_path: Path) -> None:
    found = _read(tmp_path, CITYCARBON_SECRET_KEY="k" * 50)
    assert found["ENGINE"] == "django.db.backends.sqlite3"
    assert found["NAME"] == str((tmp_path / "data" / "citycarbon.sqlite3").resolve())


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        CITYCARBON_SECRET_KEY="k" * 50,
        DATABASE_URL="postgres://carbon:pw@db.example:5432/citycarbon",
    )
    assert found["ENGINE"] == "django.db.backends.postgresql"
    assert found["NAME"] == "citycarbon"
    assert found["HOST"] == "db.example"


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    first = _read(tmp_path, CITYCARBON_DEBUG="1")
    key_file = tmp_path / "data" / "development-secret-key"
    assert first["DEBUG"] is True
    assert first["SESSION_COOKIE_SECURE"] is False
    assert first["SECURE_HSTS_SECONDS"] == 0
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    _read(tmp_path, CITYCARBON_DEBUG="1")
    assert key_file.read_text().strip() == key


def test_https_can_be_switched_off_for_loopback_testing(tmp_path: Path) -> None:
    found = _read(tmp_path, CITYCARBON_SECRET_KEY="k" * 50, CITYCARBON_HTTPS="0")
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0


def test_environment_parsing() -> None:
    assert env_bool("X", False, {"X": "Yes"}) is True
    assert env_bool("X", True, {"X": "off"}) is False
    assert env_bool("X", True, {}) is True
    with pytest.raises(ValueError, match="X='maybe'"):
        env_bool("X", False, {"X": "maybe"})
    assert env_int("N", 5, {"N": "12"}) == 12
    with pytest.raises(ValueError, match="whole number"):
        env_int("N", 5, {"N": "1.5"})
    with pytest.raises(ValueError, match=">= 0"):
        env_int("N", 5, {"N": "-1"})
    assert env_list("L", ["a"], {"L": " x, ,y "}) == ["x", "y"]
    assert env_list("L", ["a"], {}) == ["a"]
    assert default_data_dir({"XDG_DATA_HOME": "/srv/xdg"}) == Path("/srv/xdg/citycarbon")
    assert default_data_dir({"CITYCARBON_DATA_DIR": "/srv/cc"}) == Path("/srv/cc")
