"""The district center's settings, all from the environment (docs/center.md lists them).

Nothing secret lives in this file or the repository: the secret key and the center's
signing and sealing keys are read from files an operator puts outside it. With no
environment at all the center starts for development: SQLite under var/center/, DEBUG on,
a throwaway secret key.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REPO = Path(__file__).resolve().parents[1]


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_secret(name: str) -> str:
    """``NAME_FILE`` names a file holding the secret (systemd credentials, a mounted
    secret); ``NAME`` holds it directly. The file wins."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: "
                                       f"{error.strerror}") from None
    return os.environ.get(name, "")


DEBUG = env_bool("CENTER_DEBUG", True)
SECRET_KEY = env_secret("CENTER_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("CENTER_SECRET_KEY (or CENTER_SECRET_KEY_FILE) is required "
                                   "when CENTER_DEBUG is off")
    SECRET_KEY = "development only: not secret"

ALLOWED_HOSTS = [h for h in env("CENTER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CENTER_CSRF_TRUSTED_ORIGINS").split(",") if o]
VAR = Path(env("CENTER_VAR", str(REPO / "var" / "center")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "center.accounts",
    "center.fleet",
    "center.ingest",
    "center.alarms",
    "center.commands",
    "center.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (the login page).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "center.urls"
WSGI_APPLICATION = "center.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [REPO / "center" / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "center.fleet.context_processors.page_shell",
    ]},
}]


def database() -> dict[str, object]:
    """SQLite (WAL) unless CENTER_DB=postgresql."""
    engine = env("CENTER_DB", "sqlite")
    if engine == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("CENTER_DB_NAME", str(VAR / "center.sqlite3")),
            # Writers take the lock when they begin, so two never deadlock upgrading a
            # read lock; WAL lets pages read while an ingest batch commits.
            "OPTIONS": {"transaction_mode": "IMMEDIATE",
                        # How long a writer waits for another's lock before it gives up.
                        "timeout": env_int("CENTER_DB_TIMEOUT_S", 20),
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    if engine == "postgresql":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("CENTER_DB_NAME", "center"),
            "USER": env("CENTER_DB_USER", "center"),
            "PASSWORD": env_secret("CENTER_DB_PASSWORD"),
            "HOST": env("CENTER_DB_HOST", "127.0.0.1"),
            "PORT": env("CENTER_DB_PORT", "5432"),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"CENTER_DB must be sqlite or postgresql, not {engine!r}")


DATABASES = {"default": database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "fleet:list"
LOGOUT_REDIRECT_URL = "login"
# A session ends after eight idle hours (a working day) and with the browser.
SESSION_COOKIE_AGE = env_int("CENTER_SESSION_SECONDS", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Failed logins per user name and per address before a pause (center/accounts/throttle.py).
LOGIN_FAILURES_ALLOWED = env_int("CENTER_LOGIN_FAILURES_ALLOWED", 5)
LOGIN_LOCKOUT_SECONDS = env_int("CENTER_LOGIN_LOCKOUT_SECONDS", 15 * 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [REPO / "center" / "locale"]
TIME_ZONE = env("CENTER_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [REPO / "center" / "static"]     # the stylesheet and vendor/ (htmx, ECharts)
STATIC_ROOT = VAR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if not DEBUG else
                    "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The MQTT side (docs/mqtt.md): the broker the terminals publish to.
MQTT = {
    "HOST": env("CENTER_MQTT_HOST", "127.0.0.1"),
    "PORT": env_int("CENTER_MQTT_PORT", 1883),
    "TOPIC_PREFIX": env("CENTER_MQTT_TOPIC_PREFIX", "kiosk/v1"),
    "USERNAME": env("CENTER_MQTT_USERNAME"),
    "PASSWORD": env_secret("CENTER_MQTT_PASSWORD"),
    "TLS_CA_FILE": env("CENTER_MQTT_CA_FILE"),
    "TLS_CERT_FILE": env("CENTER_MQTT_CERT_FILE"),
    "TLS_KEY_FILE": env("CENTER_MQTT_KEY_FILE"),
    # How long the broker keeps a worker's session (and its share of events) while the
    # worker is away; past it, what was queued for that worker is recovered as gaps.
    "SESSION_EXPIRY_S": env_int("CENTER_MQTT_SESSION_EXPIRY_S", 3600),
}
# The center's Ed25519 command-signing key: a file outside the repository, read when a
# command is signed and never stored (docs/mqtt.md "The signed envelope").
CENTER_SIGNING_KEY_FILE = env("CENTER_SIGNING_KEY_FILE")
# How long a command stays valid (the contract allows at most 24 hours).
COMMAND_LIFETIME_S = env_int("CENTER_COMMAND_LIFETIME_S", 600)
# Events a worker commits in one transaction before acknowledging them to the broker.
INGEST_BATCH = env_int("CENTER_INGEST_BATCH", 200)
INGEST_BATCH_WAIT_MS = env_int("CENTER_INGEST_BATCH_WAIT_MS", 50)
# Terminals heartbeat every mqtt.heartbeat_interval_s; one silent for 2.5 intervals is
# offline even without a death (the broker may never send one).
HEARTBEAT_INTERVAL_S = env_int("CENTER_HEARTBEAT_INTERVAL_S", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("CENTER_LOG_LEVEL", "INFO")},
}
