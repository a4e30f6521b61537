"""Django settings for citycarbon, read from ``CITYCARBON_*`` environment variables.

Development (``CITYCARBON_DEBUG=1``) runs with no configuration at all: a SQLite file in the data
directory and a secret key generated once into it. Outside development the process refuses to
start without ``CITYCARBON_SECRET_KEY``, and cookies, CSRF and HSTS are set for HTTPS (opt out
with ``CITYCARBON_HTTPS=0`` only for loopback testing). ``DATABASE_URL`` switches to PostgreSQL
(``postgres://user:password@host:5432/name``, psycopg 3). Every variable is listed in
``docs/server.md``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from citycarbon.server.config.environment import (
    default_data_dir,
    env_bool,
    env_int,
    env_list,
    env_str,
)

SERVER_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = default_data_dir()
DEBUG = env_bool("CITYCARBON_DEBUG", False)


def _secret_key() -> str:
    key = env_str("CITYCARBON_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("CITYCARBON_SECRET_KEY must be at least 32 characters long")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "CITYCARBON_SECRET_KEY is not set. Outside development (CITYCARBON_DEBUG=1) the "
            "secret key must come from the environment, e.g. "
            "CITYCARBON_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    # Development: one random key kept in the data directory, so sessions survive restarts.
    path = DATA_DIR / "development-secret-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

#: Served over HTTPS: secure cookies and HSTS. Off by default only in development.
HTTPS = env_bool("CITYCARBON_HTTPS", not DEBUG)

ALLOWED_HOSTS = env_list("CITYCARBON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CITYCARBON_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "citycarbon.server.common",
    "citycarbon.server.geo",
    "citycarbon.server.factors",
    "citycarbon.server.inventory",
    "citycarbon.server.stats",
    "citycarbon.server.targets",
    "citycarbon.server.mrv",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "citycarbon.server.common.middleware.RequestContextMiddleware",
    "citycarbon.server.common.middleware.CacheGenerationsMiddleware",
    "citycarbon.server.common.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "citycarbon.server.common.middleware.LocaleMiddleware",
    "citycarbon.server.common.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "citycarbon.server.common.middleware.SecurityHeadersMiddleware",
    "citycarbon.server.common.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "citycarbon.server.config.urls"
WSGI_APPLICATION = "citycarbon.server.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "citycarbon.server.common.context_processors.site",
            ],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        return {"default": config}
    sqlite_path = Path(env_str("CITYCARBON_SQLITE_PATH") or DATA_DIR / "citycarbon.sqlite3")
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            # One connection per server thread, kept between requests (as for PostgreSQL):
            # no reopening the file and re-running the PRAGMAs on every request.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # IMMEDIATE: a writing transaction takes the write lock when it starts, so two
                # gunicorn workers never deadlock upgrading read locks.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _caches() -> dict[str, Any]:
    backend = env_str("CITYCARBON_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache")
    config: dict[str, Any] = {
        "BACKEND": backend,
        "LOCATION": env_str("CITYCARBON_CACHE_LOCATION", "citycarbon"),
        "TIMEOUT": env_int("CITYCARBON_CACHE_TIMEOUT", 60 * 60),
    }
    if backend.endswith(".LocMemCache"):
        config["OPTIONS"] = {"MAX_ENTRIES": env_int("CITYCARBON_CACHE_MAX_ENTRIES", 2000)}
    return {"default": config}


#: Computed pages parts and API answers, keyed by the data generations they were read from
#: (``common.cache``): per process by default; any Django cache backend may be named.
CACHES = _caches()
#: ``CITYCARBON_CACHE=0``: compute everything on every request.
CITYCARBON_CACHE = env_bool("CITYCARBON_CACHE", True)
#: API answers larger than this are not cached.
CITYCARBON_CACHE_MAX_BYTES = env_int("CITYCARBON_CACHE_MAX_BYTES", 1024 * 1024)

AUTH_USER_MODEL = "common.User"
AUTHENTICATION_BACKENDS = ["citycarbon.server.common.auth.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "common:login"
LOGIN_REDIRECT_URL = "common:home"
LOGOUT_REDIRECT_URL = "common:home"

#: Login throttling: this many failures for one username from one address within the window
#: lock that pair for ``LOCK_SECONDS`` (even the right password is refused meanwhile).
CITYCARBON_LOGIN_MAX_FAILURES = env_int("CITYCARBON_LOGIN_MAX_FAILURES", 5)
CITYCARBON_LOGIN_WINDOW_SECONDS = env_int("CITYCARBON_LOGIN_WINDOW_SECONDS", 15 * 60)
CITYCARBON_LOGIN_LOCK_SECONDS = env_int("CITYCARBON_LOGIN_LOCK_SECONDS", 15 * 60)

#: Client address from ``X-Forwarded-For`` (only behind a trusted reverse proxy).
CITYCARBON_TRUST_X_FORWARDED_FOR = env_bool("CITYCARBON_TRUST_X_FORWARDED_FOR", False)
if env_bool("CITYCARBON_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Internationalisation: Simplified Chinese by default, English on request (the switch in the
# page header sets a cookie; the browser's Accept-Language is not consulted).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [SERVER_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("CITYCARBON_TIME_ZONE", "Asia/Shanghai")
USE_THOUSAND_SEPARATOR = True
LANGUAGE_COOKIE_NAME = "citycarbon_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS

# Static files: our own under each app's static/, ECharts and HTMX from node_modules (installed
# by ``npm ci`` at setup, never from a CDN); WhiteNoise serves them, compressed and hashed in
# production after ``collectstatic``.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("CITYCARBON_STATIC_ROOT") or DATA_DIR / "static")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "citycarbon.server.common.staticfiles.NodeModulesFinder",
]


def _node_modules() -> Path:
    explicit = env_str("CITYCARBON_NODE_MODULES")
    if explicit:
        return Path(explicit).expanduser().resolve()
    # A source checkout: <repo>/src/citycarbon/server → <repo>/node_modules.
    return SERVER_DIR.parents[2] / "node_modules"


CITYCARBON_NODE_MODULES = _node_modules()
#: Static path → file under node_modules (the packages pinned in package.json).
CITYCARBON_VENDOR_ASSETS = {
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if env_bool("CITYCARBON_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Upload and request size limits. Files are checked by common.validators.validate_upload;
# whole requests above CITYCARBON_MAX_REQUEST_BYTES are refused with 413 before Django reads them.
CITYCARBON_MAX_UPLOAD_BYTES = env_int("CITYCARBON_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
CITYCARBON_MAX_REQUEST_BYTES = env_int("CITYCARBON_MAX_REQUEST_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Cookies, CSRF and transport security.
SESSION_COOKIE_NAME = "citycarbon_session"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_NAME = "citycarbon_csrftoken"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("CITYCARBON_HSTS_SECONDS", 365 * 24 * 60 * 60) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CITYCARBON_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT = env_bool("CITYCARBON_SSL_REDIRECT", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

#: Personal access tokens: how often their last-used time is written at most.
CITYCARBON_TOKEN_TOUCH_SECONDS = 300
#: The audit-trail export refuses more rows than this (narrow the filter instead).
CITYCARBON_AUDIT_EXPORT_MAX_ROWS = env_int("CITYCARBON_AUDIT_EXPORT_MAX_ROWS", 100_000)
#: Shown in page titles and the header.
CITYCARBON_SITE_NAME = _("City greenhouse-gas control platform")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CITYCARBON_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
