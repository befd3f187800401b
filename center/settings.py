"""The district center's settings, all from the environment (docs/center.md lists them).

Nothing secret lives in this file or the repository: the secret key and the center's
signing and sealing keys are read from files an operator puts outside it. With no
environment at all the center starts for development: SQLite under var/center/, DEBUG on,
a throwaway secret key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
# Behind the district's reverse proxy every request comes from the proxy: the header it sets
# names the client, trusted only from these addresses (center/accounts/client_address.py).
CLIENT_ADDRESS_HEADER = env("CENTER_CLIENT_ADDRESS_HEADER")
PROXY_ADDRESSES = [a for a in env("CENTER_PROXY_ADDRESSES", "127.0.0.1,::1").split(",") if a]
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
    "center.catalog",
    "center.notifications",
    "center.pickup",
    "center.ratings",
    "center.reports",
    "center.publication",
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
        "center.notifications.context_processors.unread_notices",
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
# A gap in a terminal's seqs still open this long after its backlog drained is a loss:
# the center asks the terminal to send the range again (outbox.resend).
GAP_RESEND_AFTER_S = env_int("CENTER_GAP_RESEND_AFTER_S", 600)

# Pickup notices (center/pickup; docs/center.md "Pickup notices"). The X25519 key that
# opens the pickup codes terminals seal, and the key that encrypts applicants' mobile
# numbers: files outside the repository, never in the database.
CENTER_SEALING_KEY_FILE = env("CENTER_SEALING_KEY_FILE")
PHONE_KEY_FILE = env("CENTER_PHONE_KEY_FILE")
# A number is deleted this many days after its case's last deposit closed.
PHONE_RETENTION_DAYS = env_int("CENTER_PHONE_RETENTION_DAYS", 30)
# "smpp", "http", or empty: notices are kept and sent when a gateway is configured.
SMS_GATEWAY = env("CENTER_SMS_GATEWAY")
SMS_TEMPLATES_FILE = env("CENTER_SMS_TEMPLATES_FILE",
                         str(REPO / "config" / "center" / "sms.toml"))
SMPP: dict[str, Any] = {
    "HOST": env("CENTER_SMPP_HOST", "127.0.0.1"), "PORT": env_int("CENTER_SMPP_PORT", 2775),
    "SYSTEM_ID": env("CENTER_SMPP_SYSTEM_ID"), "PASSWORD": env_secret("CENTER_SMPP_PASSWORD"),
    "SOURCE_ADDR": env("CENTER_SMPP_SOURCE_ADDR"),
    "SOURCE_TON": env_int("CENTER_SMPP_SOURCE_TON", 5)}
SMS_HTTP: dict[str, Any] = {
    "URL": env("CENTER_SMS_HTTP_URL"), "KEY_ID": env("CENTER_SMS_HTTP_KEY_ID"),
    "SECRET": env_secret("CENTER_SMS_HTTP_SECRET")}
# Limits: messages a second through the gateway, notices a day to one number.
SMS_PER_SECOND = env_int("CENTER_SMS_PER_SECOND", 20)
SMS_PER_NUMBER_DAY = env_int("CENTER_SMS_PER_NUMBER_DAY", 10)
SMS_SEND_INTERVAL_S = env_int("CENTER_SMS_SEND_INTERVAL_S", 5)
# Demo only: the simulated SMSC's record of what it delivered (JSON lines); when set, the
# page /pickup/demo-sms/ shows those messages as the residents' phones would.
DEMO_SMS_RECORD = env("CENTER_DEMO_SMS_RECORD")
# Where mobile numbers come from: "imported" (the case system's exports, imported into the
# center, encrypted) or "http" (a case system answering GET <url>?case=..., bearer token).
CASE_DIRECTORY = env("CENTER_CASE_DIRECTORY", "imported")
CASE_DIRECTORY_URL = env("CENTER_CASE_DIRECTORY_URL")
CASE_DIRECTORY_TOKEN = env_secret("CENTER_CASE_DIRECTORY_TOKEN")
# The headers of an export's case and mobile columns when not the usual ones (imports.py):
# "case=办件编号,mobile=联系电话".
CASE_IMPORT_COLUMNS = env("CENTER_CASE_IMPORT_COLUMNS")

# Ratings (center/ratings): more than this many ratings given at one terminal within an
# hour (by their rated_at) are kept as a flood, counted, and open no bad-rating case. A busy
# station's terminal gives well over 30 services an hour and rates each once; QR ratings
# (one per signed ticket) are never counted as a flood.
RATING_FLOOD_PER_HOUR = env_int("CENTER_RATING_FLOOD_PER_HOUR", 120)
# Bad-rating cases (差评件, center/ratings/cases.py), in working days: verified within
# VERIFY; rectified within one of RECTIFY ("5,15": the first is the default) from the
# verification; the resident told within FEEDBACK of the rectification or explanation; the
# return visit within REVISIT of that; an appeal reviewed within APPEAL.
CASE_VERIFY_DAYS = env_int("CENTER_CASE_VERIFY_DAYS", 1)
CASE_RECTIFY_DAYS = env("CENTER_CASE_RECTIFY_DAYS", "5,15")
CASE_FEEDBACK_DAYS = env_int("CENTER_CASE_FEEDBACK_DAYS", 1)
CASE_REVISIT_DAYS = env_int("CENTER_CASE_REVISIT_DAYS", 5)
CASE_APPEAL_DAYS = env_int("CENTER_CASE_APPEAL_DAYS", 5)
# The quarterly publication (center/publication): each district's name as residents know it
# ("xc=新城区,yh=柳园区"; else the code), and the codes the provincial 好差评 export carries
# (areaCode: the region code; deptCode: the office's unified social credit code).
DISTRICT_NAMES = dict(pair.split("=", 1) for pair in env("CENTER_DISTRICT_NAMES").split(",")
                      if "=" in pair)
AREA_CODE = env("CENTER_AREA_CODE")
DEPT_CODE = env("CENTER_DEPT_CODE")

# Notices (center/notifications): an alarm nobody acknowledged within this many minutes is
# escalated to the district administrators; a terminal still offline is reminded of this
# often; `manage.py notify` looks for what needs telling this often.
ALARM_ESCALATE_AFTER_MIN = env_int("CENTER_ALARM_ESCALATE_AFTER_MIN", 30)
OFFLINE_REMIND_MIN = env_int("CENTER_OFFLINE_REMIND_MIN", 240)
NOTIFY_INTERVAL_S = env_int("CENTER_NOTIFY_INTERVAL_S", 15)
# The address pages have for people reading a mail (links in notices).
SITE_URL = env("CENTER_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Mail through the district's SMTP server; without CENTER_EMAIL_HOST mails are written to
# the notifier's log instead (development).
EMAIL_HOST = env("CENTER_EMAIL_HOST")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = env_int("CENTER_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("CENTER_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_secret("CENTER_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("CENTER_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("CENTER_EMAIL_FROM", "center@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A pickup link's or a rating code's token never reaches a log (center/secret_address.py).
    "filters": {"secret_paths": {"()": "center.secret_address.HideSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["secret_paths"]}},
    "root": {"handlers": ["console"], "level": env("CENTER_LOG_LEVEL", "INFO")},
    # smpplib writes every PDU in hex at DEBUG, and a submit_sm holds the resident's number
    # and pickup code: never below INFO, whatever CENTER_LOG_LEVEL says.
    # WeasyPrint and fontTools narrate every PDF step by step at INFO: warnings only.
    "loggers": {"smpp": {"level": "INFO"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}
