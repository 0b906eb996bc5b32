"""One settings module, driven by environment variables only (see README "Configuration").

A bad value fails loudly at start-up rather than running with a surprise default.
"""
from pathlib import Path
import ipaddress
import os
import re
import tempfile

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from liudong.limits import ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS, REQUEST_MAX_BYTES

BASE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path(os.environ.get("LIUDONG_DATA_DIR", os.getcwd())).resolve()


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0/true/false), got {raw!r}")


def env_networks(name):
    """Comma-separated IP addresses or networks (10.0.0.1, 10.0.0.0/8, ::1)."""
    out = []
    for part in (os.environ.get(name) or "").split(","):
        if part.strip():
            try:
                out.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ImproperlyConfigured(f"{name} must list IP addresses or networks, got {part.strip()!r}") from None
    return out


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


# LIUDONG_ENV=production switches on every deployment hardening (check --deploy reports nothing).
ENVIRONMENT = os.environ.get("LIUDONG_ENV", "development")
if ENVIRONMENT not in ("development", "production", "test"):
    raise ImproperlyConfigured(f"LIUDONG_ENV must be development, production or test, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when LIUDONG_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI for /api/v1/docs from our own static files (the CSP refuses CDNs)
    "liudong.divisions",
    "liudong.accounts",
    "liudong.territory",
    "liudong.policy",
    "liudong.people",
    "liudong.registers",
    "liudong.exchange",
    "liudong.cases",
    "liudong.desk",
    "liudong.permits",
    "liudong.certificates",
    "liudong.jobs",
    "liudong.technical",
    "liudong.statistics",
    "liudong.quality",
    "liudong.federation",
    "huey.contrib.djhuey",  # the task queue's Django integration (HUEY below)
    "liudong.demo",  # the top of the layers: imports the apps above, none imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "liudong.web.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "liudong.web.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "liudong.web.ApiErrorShapeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "liudong.urls"
WSGI_APPLICATION = "liudong.wsgi.application"
AUTH_USER_MODEL = "accounts.Staff"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liudong.web.nav_context",
                "liudong.demo.context.demo_world",
            ],
        },
    },
]

# Database: DATABASE_URL (sqlite:////abs/path.sqlite3 or postgresql://user@host:port/name);
# SQLite in the working folder when unset. SQLite runs in WAL mode with a busy timeout and
# immediate transactions so that concurrent clerks queue instead of failing.
_default_sqlite = f"sqlite:///{WORK_DIR / 'liudong.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LIUDONG_TEST_SQLITE") or None}
elif DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured(f"DATABASE_URL must be sqlite or postgresql, got engine {DATABASES['default']['ENGINE']}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions expire after LIUDONG_SESSION_HOURS of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env_int("LIUDONG_SESSION_HOURS", 8) * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Repeated failed log-ins lock an (account, client address) pair for a while and slow the account
# down across all addresses (accounts/login.py).
LOGIN_MAX_FAILURES = env_int("LIUDONG_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LIUDONG_LOGIN_LOCKOUT_MINUTES", 15)
if LOGIN_MAX_FAILURES < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LIUDONG_LOGIN_MAX_FAILURES and LIUDONG_LOGIN_LOCKOUT_MINUTES must be at least 1")
# The client address of a request is the socket's, unless the socket is one of these proxies
# (addresses or networks, comma-separated); then it is read from this header, which the proxy sets.
LOGIN_TRUSTED_PROXIES = tuple(env_networks("LIUDONG_TRUSTED_PROXIES"))
LOGIN_CLIENT_ADDRESS_HEADER = os.environ.get("LIUDONG_CLIENT_ADDRESS_HEADER") or "X-Forwarded-For"
if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", LOGIN_CLIENT_ADDRESS_HEADER):
    raise ImproperlyConfigured(f"LIUDONG_CLIENT_ADDRESS_HEADER must be a header name, got {LOGIN_CLIENT_ADDRESS_HEADER!r}")
LOGIN_CLIENT_ADDRESS_META = "HTTP_" + LOGIN_CLIENT_ADDRESS_HEADER.upper().replace("-", "_")
API_TOKEN_HOURS = env_int("LIUDONG_API_TOKEN_HOURS", 12)
# C6: the address the QR code of a printed certificate opens (its public check page is under it).
PUBLIC_BASE_URL = (os.environ.get("LIUDONG_PUBLIC_URL") or "http://localhost:8000").rstrip("/")
# X4: administrators are warned on the home page this many days before the loaded calendar ends.
LIUDONG_CALENDAR_WARN_DAYS = env_int("LIUDONG_CALENDAR_WARN_DAYS", 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = WORK_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the app server itself (no separate web server needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("LIUDONG_MEDIA_ROOT", WORK_DIR / "var" / "media"))

# A body larger than the largest valid request is refused with a clear 413, not swallowed. The
# largest valid request is a message with its ten 2 MB scans in base64 (liudong.limits: about
# 28.4 MiB), so the limit follows the attachment limit and the two cannot disagree again.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LIUDONG_MAX_REQUEST_BYTES", REQUEST_MAX_BYTES)
if DATA_UPLOAD_MAX_MEMORY_SIZE < REQUEST_MAX_BYTES:
    raise ImproperlyConfigured(f"LIUDONG_MAX_REQUEST_BYTES must be at least {REQUEST_MAX_BYTES} (a message with {MAX_ATTACHMENTS} scans "
                               f"of {ATTACHMENT_MAX_BYTES} bytes in base64), got {DATA_UPLOAD_MAX_MEMORY_SIZE}")
# Uploaded files (the people import, up to 20 MB: people.imports.files.MAX_FILE_BYTES, checked by
# its form and its upload handler) do not count against the limit above. Above this size an upload
# is spooled to a temporary file instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("LIUDONG_UPLOAD_MEMORY_BYTES", 2 * 1024 * 1024)

# Background jobs (liudong.jobs: large registers as PDF and .xlsx, later certificate batches and
# bulletins) run on Huey: its SQLite storage by default (a file, no server to run), Redis in
# production (LIUDONG_TASK_QUEUE=redis). `liudong worker` is the consumer; `liudong serve` starts
# one beside the server. Tests (LIUDONG_ENV=test) keep the queue and the files in a folder of
# their own process unless LIUDONG_DATA_DIR is given, so that parallel runs never share a queue.
_private_var = (ENVIRONMENT == "test" and not os.environ.get("LIUDONG_DATA_DIR"))
_VAR = Path(tempfile.gettempdir()) / f"liudong-test-{os.getpid()}" if _private_var else WORK_DIR / "var"
TASK_QUEUE = os.environ.get("LIUDONG_TASK_QUEUE", "sqlite")
TASK_SQLITE = Path(os.environ.get("LIUDONG_TASK_SQLITE") or _VAR / "tasks.sqlite3").resolve()
REDIS_URL = os.environ.get("LIUDONG_REDIS_URL", "redis://127.0.0.1:6379/0")
EXPORTS_DIR = Path(os.environ.get("LIUDONG_EXPORTS_DIR") or _VAR / "exports").resolve()
TASK_WORKERS = env_int("LIUDONG_WORKERS", 2)
if TASK_WORKERS < 1:
    raise ImproperlyConfigured(f"LIUDONG_WORKERS must be at least 1, got {TASK_WORKERS}")
_huey_common = {
    "name": os.environ.get("LIUDONG_TASK_QUEUE_NAME", "liudong"),
    "immediate": False,  # never run jobs inside a web request, whatever DEBUG says
    "results": False,    # a job's outcome lives on its ExportJob row, not in the queue
    "utc": True,
    # Threads: a job spends its time in Python (drawing a PDF) and in the database; one process
    # keeps the SQLite file and the worker's connections simple. Idle workers poll at most every
    # second, so a queued job starts within a second.
    "consumer": {"workers": TASK_WORKERS, "worker_type": "thread", "max_delay": 1.0, "check_worker_health": True},
}
if TASK_QUEUE == "sqlite":
    TASK_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    HUEY = {**_huey_common, "huey_class": "huey.SqliteHuey", "filename": str(TASK_SQLITE)}
elif TASK_QUEUE == "redis":
    HUEY = {**_huey_common, "huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    raise ImproperlyConfigured(f"LIUDONG_TASK_QUEUE must be sqlite or redis, got {TASK_QUEUE!r}")

# Shared counters (the public check pages' rate limits, liudong.limits.hit) live in Django's cache
# on a backend every process shares: a table of the database on the embedded default (created by
# `migrate`: liudong.limits.create_cache_table), Redis in production (LIUDONG_CACHE=redis, at the
# queue's LIUDONG_REDIS_URL). It follows the queue unless set: a site that runs Redis for the
# queue keeps its counters there too. A per-process memory cache would give each server process
# an allowance of its own, so it is not offered.
CACHE_BACKEND = os.environ.get("LIUDONG_CACHE") or ("redis" if TASK_QUEUE == "redis" else "database")
if CACHE_BACKEND == "database":
    # MAX_ENTRIES: Django culls a third of the table past it; a minute's counters of many
    # addresses must not be culled while they count.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "liudong_cache",
                          "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4}}}
elif CACHE_BACKEND == "redis":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    raise ImproperlyConfigured(f"LIUDONG_CACHE must be database or redis, got {CACHE_BACKEND!r}")
# Issue 16: one node per province. Without LIUDONG_NODE the whole country lives in this one
# database and nothing else is started (the embedded default). With it (a 12-digit division code:
# a province, the nation's hub 000000000000, or for tests and small installs any division) messages
# to places outside the node leave through the outbox to the NATS server LIUDONG_NATS_URL names,
# sealed with the keys of LIUDONG_NODE_KEY_FILE (never in the database). `liudong node run`
# relays and receives.
LIUDONG_NODE = os.environ.get("LIUDONG_NODE", "").strip()
if LIUDONG_NODE and not re.fullmatch(r"\d{12}", LIUDONG_NODE):
    raise ImproperlyConfigured(f"LIUDONG_NODE must be a 12-digit division code, got {LIUDONG_NODE!r}")
LIUDONG_NATS_URL = os.environ.get("LIUDONG_NATS_URL") or "nats://127.0.0.1:4222"
if not all(re.fullmatch(r"(nats|tls)://[^\s,]+", u.strip()) for u in LIUDONG_NATS_URL.split(",")):
    raise ImproperlyConfigured(f"LIUDONG_NATS_URL must be nats://host:port (comma-separated for several), got {LIUDONG_NATS_URL!r}")
LIUDONG_NODE_KEY_FILE = Path(os.environ.get("LIUDONG_NODE_KEY_FILE") or WORK_DIR / "var" / "node-key.json").resolve()
# How long the streams keep an envelope (JetStream max_age), in hours.
LIUDONG_STREAM_MAX_AGE_HOURS = env_int("LIUDONG_STREAM_MAX_AGE_HOURS", 24 * 14)
# Issue 16: the node adopts the directory the hub keeps in JetStream's key-value store (federation.hub_directory).
LIUDONG_HUB_DIRECTORY = env_bool("LIUDONG_HUB_DIRECTORY", False)
if LIUDONG_STREAM_MAX_AGE_HOURS < 1:
    raise ImproperlyConfigured("LIUDONG_STREAM_MAX_AGE_HOURS must be at least 1")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 is logged as one line, without the PermissionDenied's traceback (liudong.web).
    "filters": {"one_line_forbidden": {"()": "liudong.web.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_forbidden"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# S2: the address printed in a report slip's QR code (its public check page).
LIUDONG_PUBLIC_URL = os.environ.get("LIUDONG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
