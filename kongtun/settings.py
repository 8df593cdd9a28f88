"""Django settings for Kongtun.

Everything a deployment changes comes from the environment (documented in README.md and
checked by tests/test_settings_documented.py):

- ``DATABASE_URL``: default ``sqlite:///var/kongtun.sqlite3``; PostgreSQL by
  ``postgres://user@host:5432/name``.
- ``KONGTUN_SECRET_KEY``: required when ``KONGTUN_DEBUG`` is off outside tests; a development
  key is generated into ``var/secret_key`` otherwise.
- ``KONGTUN_DEBUG``: ``1`` for Django's debug pages.
- ``KONGTUN_ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``.
- ``KONGTUN_MEDIA_ROOT``: where evidence files are stored, default ``var/media``.
- ``KONGTUN_BACKUP_DIR``: where backups go, default ``var/backups`` (decision 0014).
- ``KONGTUN_BACKUP_AUTO``: ``0`` stops the automatic daily backup (off by default under pytest).
- Security (HTTPS, HSTS, sessions, login throttling, proxies): the blocks at the end, each
  variable documented in README's settings table (decision 0015).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

# PyThaiNLP must never try the network or write into site-packages (offline village laptops).
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
SECRET_KEY_FILE = VAR_DIR / "secret_key"


def _secret_key() -> str:
    key = os.environ.get("KONGTUN_SECRET_KEY")
    if key:
        return key
    path = SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("KONGTUN_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KONGTUN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

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
    "kongtun.core",
    "kongtun.funds",
    "kongtun.members",
    "kongtun.api",
    "kongtun.development",
    "kongtun.assessment",
    "kongtun.ledger",
    "kongtun.contributions",
    "kongtun.imports",
    "kongtun.regulations",
    "kongtun.public",
    "kongtun.mobilization",
    "kongtun.claims",
    "kongtun.governance",
    "kongtun.reports",
    "kongtun.projection",
    "kongtun.aar",
    "kongtun.backups",
    "kongtun.network",
    "axes",  # login throttling: the "Login throttling" block below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kongtun.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kongtun.core.uploads.UploadLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kongtun.backups.middleware.DailyBackupMiddleware",
    "kongtun.core.concurrency.BusyMiddleware",
    "kongtun.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "kongtun.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kongtun" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kongtun.core.context_processors.kongtun",
            ],
            "builtins": ["kongtun.core.templatetags.kongtun"],
        },
    },
]

WSGI_APPLICATION = "kongtun.wsgi.application"

_DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kongtun.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # On PostgreSQL a worker keeps its connection between requests: a new backend per
        # request costs a fork and a cold catalog cache on every page (issue 17). SQLite keeps
        # 0: a restore swaps the file, and opening it is cheap.
        conn_max_age=int(
            os.environ.get(
                "KONGTUN_DB_CONN_MAX_AGE", "0" if _DATABASE_URL.startswith("sqlite") else "300"
            )
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the treasurer writes; IMMEDIATE transactions take the write
    # lock up front so two writers queue instead of failing on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file (not memory) so concurrency tests can open second connections; one per process
    # so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_kongtun_{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_kongtun_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kongtun.core.finders.FontPackageFinder",
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = Path(os.environ.get("KONGTUN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Backups (decision 0014): daily by themselves while the app serves, and after a month close.
BACKUP_DIR = Path(os.environ.get("KONGTUN_BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_KEY_FILE = VAR_DIR / "backups-key"  # the passphrase of automatic backups
BACKUP_AUTO = os.environ.get("KONGTUN_BACKUP_AUTO", "0" if "pytest" in sys.modules else "1") == "1"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# ============================================================================================
# Security: HTTPS, HSTS, cookies, sessions (decision 0015; README's settings table).
# `manage.py check --deploy` is clean with KONGTUN_SECRET_KEY, KONGTUN_ALLOWED_HOSTS and
# KONGTUN_HTTPS=1 set (tests/test_security_settings.py runs it).

#: Served over HTTPS (directly or behind a proxy that sets X-Forwarded-Proto).
HTTPS = os.environ.get("KONGTUN_HTTPS", "") == "1"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("KONGTUN_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = HTTPS and SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
#: Behind a reverse proxy (nginx, Caddy) on the same machine: trust its X-Forwarded-Proto, and
#: take the client's address for login throttling from the last X-Forwarded-For entry.
BEHIND_PROXY = os.environ.get("KONGTUN_BEHIND_PROXY", "") == "1"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
#: A login lasts this many hours, and ends when the browser closes (shared village computers).
SESSION_COOKIE_AGE = int(float(os.environ.get("KONGTUN_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# ============================================================================================
# Login throttling (django-axes): after KONGTUN_LOGIN_FAILURES wrong passwords for one login
# name, or from one address, logging in is refused for KONGTUN_LOGIN_COOLOFF_MINUTES, even
# with the right password. Unlock early: the Django admin ("Access attempts"), or
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS` / `axes_reset` (everyone).

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KONGTUN_LOGIN_FAILURES", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("KONGTUN_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kongtun.core.middleware.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kongtun.core.middleware.client_ip"
AXES_VERBOSE = False

# ============================================================================================
# Logging: server errors (and Kongtun's own warnings) go to var/log/kongtun.log, rotated at
# 5 MB, five files kept, whatever DEBUG says; Kongtun's info lines also go to the console.

LOG_DIR = VAR_DIR / "log"
LOG_DIR.mkdir(exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "kongtun.log"),
            "maxBytes": 5 * 1024 * 1024,
            "backupCount": 5,
            "encoding": "utf-8",
            "level": "WARNING",
            "formatter": "plain",
            "delay": True,
        },
    },
    "loggers": {
        "kongtun": {"handlers": ["console", "file"], "level": "INFO"},
        "django.request": {"handlers": ["file"], "level": "ERROR", "propagate": True},
        "django.security": {"handlers": ["file"], "level": "WARNING", "propagate": True},
        "axes": {"handlers": ["file"], "level": "WARNING", "propagate": False},
    },
}
