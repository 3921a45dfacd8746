"""The one settings module. Everything that differs between machines comes from the environment.

SALESPATH_ENV      "production" makes SECRET_KEY mandatory and DEBUG default off.
DATABASE_URL       default: SQLite at ./var/salespath.sqlite3 (created on first run).
SECRET_KEY         default (non-production): generated once and kept in ./var/secret_key.
DEBUG              "1"/"true" to enable.
ALLOWED_HOSTS      comma separated.
TIME_ZONE          default Asia/Shanghai.
SALESPATH_VAR_DIR  where local state lives, default ./var.
SALESPATH_FISCAL_YEAR_START_MONTH  1..12, default 1 (January).
"""

import os
import secrets
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = os.environ.get("SALESPATH_ENV", "").lower() == "production"
VAR_DIR = Path(os.environ.get("SALESPATH_VAR_DIR", Path.cwd() / "var")).resolve()


def _local_secret_key() -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SALESPATH_ENV=production.")
    SECRET_KEY = _local_secret_key()

DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles the reports' large CASE expressions on every call and
        # costs seconds where the query itself takes milliseconds (BENCHMARKS.md).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "salespath.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

INSTALLED_APPS = [
    "salespath.adminsite.apps.SalespathAdminConfig",  # issue 16: administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "salespath.org",
    "salespath.catalog",
    "salespath.customers",
    "salespath.pipeline",
    "salespath.activities",
    "salespath.forecast",
    "salespath.roadmap",
    "salespath.imports",
    "salespath.web",
    "salespath.demo",
    "salespath.scale",
    "salespath.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "salespath.urls"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "salespath.wsgi.application"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]

TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# Business configuration that is not per-record data.
SALESPATH_CURRENCY = "CNY"
SALESPATH_FISCAL_YEAR_START_MONTH = int(os.environ.get("SALESPATH_FISCAL_YEAR_START_MONTH", "1"))
if not 1 <= SALESPATH_FISCAL_YEAR_START_MONTH <= 12:
    raise ImproperlyConfigured("SALESPATH_FISCAL_YEAR_START_MONTH must be between 1 and 12.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "salespath.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "salespath.api.filters.FilterBackend",  # issue 16: ids filter, never reveal
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "salespath.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "salespath.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "salespath.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["salespath.api.throttles.CallerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "login": "20/min",
        "user": os.environ.get("SALESPATH_API_RATE", "1200/min"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Salespath API",
    "DESCRIPTION": "Sales pipeline for large B2B project sales: stage gates, forecasts, roadmap.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OpportunityStatusEnum": "salespath.pipeline.models.Status",
        "InitiationDecisionEnum": "salespath.pipeline.models.InitiationRequest.Decision",
        "ActivityKindEnum": "salespath.activities.models.ActivityKind",
        "QuoteKindEnum": "salespath.pipeline.models.Quote.Kind",
        "KeyDateKindEnum": "salespath.pipeline.models.KeyDate.Kind",
        "CompetitorKindEnum": "salespath.customers.models.Competitor.Kind",
        "StageChangeKindEnum": "salespath.pipeline.models.StageChange.Kind",
        "CriterionKindEnum": "salespath.pipeline.models.Criterion.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- dataio: plain-text input (issue 16 item 5) and import limits (item 6) ---
INSTALLED_APPS += ["salespath.plaintext"]  # refuse control characters in text input
# An .xlsx is a zip: cap what an import may unpack and how many rows a sheet may have.
SALESPATH_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("SALESPATH_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
)
SALESPATH_IMPORT_MAX_ROWS = int(os.environ.get("SALESPATH_IMPORT_MAX_ROWS", 100_000))
# --- apiinput: the API refuses an oversized body with its own 413 before any view runs
MIDDLEWARE = [*MIDDLEWARE, "salespath.api.middleware.BodySizeMiddleware"]
# --- access: sign-in lockout and client addresses (issue 16 item 3, docs/security.md) ---
# How many reverse proxies of ours stand in front; X-Forwarded-For is read only then (the
# client is that many entries from its right). 0: the connection's own address.
SALESPATH_NUM_PROXIES = int(os.environ.get("SALESPATH_NUM_PROXIES", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = SALESPATH_NUM_PROXIES
INSTALLED_APPS += ["axes", "salespath.security"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "salespath.security.lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "salespath.adminsite.backends.AdministratorRoleBackend",
]
# One lockout for the web login, the admin login and the API token endpoint, counted in the
# database per (username, client address): a stranger elsewhere cannot lock a user out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("SALESPATH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SALESPATH_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "salespath.security.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "salespath.security.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# --- access: production settings from the environment (issue 16 item 14, docs/security.md) ---
# Django's own measure of a weak key (its check security.W009): shorter than 50 characters
# or fewer than 5 different ones.
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for SALESPATH_ENV=production: give at least 50 characters, "
        "at least 5 of them different, e.g. the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG must be off when SALESPATH_ENV=production: it shows settings and code to "
        "anyone who meets an error. Unset DEBUG."
    )
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
SALESPATH_BEHIND_TLS_PROXY = env_bool("SALESPATH_BEHIND_TLS_PROXY", False)
if SALESPATH_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SALESPATH_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SALESPATH_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SALESPATH_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SALESPATH_HSTS_PRELOAD", False)
# --- serve: production serving, static files, health and logs (issue 18 §1) ---
# LOG_FORMAT                        "text" (default) or "json": one JSON object a line
# LOG_LEVEL                         level of Salespath's own loggers (default INFO)
# SALESPATH_STATIC_ROOT             where `collectstatic` writes (default <var>/static)
# SALESPATH_STATIC_BROTLI_QUALITY   0..11 (default 11): smaller files, slower collectstatic
# SALESPATH_BIND, SALESPATH_WORKERS/WEB_CONCURRENCY, SALESPATH_THREADS, SALESPATH_TIMEOUT:
#                                   read by `salespath serve` (salespath/serving/gunicorn.py)
INSTALLED_APPS.append("salespath.serving")
MIDDLEWARE[MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1 : 0] = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed for clients that accept gzip: a company's forecast
    # page is hundreds of kB of table, a tenth of that compressed. Static files are already
    # compressed by whitenoise, which this leaves alone. Django pads the compressed body
    # with random bytes against BREACH, and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "salespath.serving.logs.RequestLogMiddleware",
]
STATIC_ROOT = Path(os.environ.get("SALESPATH_STATIC_ROOT", VAR_DIR / "static")).resolve()
# Before `collectstatic` (tests, `make demo`) whitenoise warns that STATIC_ROOT is missing;
# `salespath serve` refuses to start without the collected files, so the warning adds nothing.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "salespath.serving.storage.StaticFilesStorage"},
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "salespath.serving.finders.PlotlyFinder",
]
SALESPATH_STATIC_BROTLI_QUALITY = int(os.environ.get("SALESPATH_STATIC_BROTLI_QUALITY", "11"))
if not 0 <= SALESPATH_STATIC_BROTLI_QUALITY <= 11:
    raise ImproperlyConfigured("SALESPATH_STATIC_BROTLI_QUALITY must be between 0 and 11.")
# Further checks for GET /healthz, {"name": "dotted.path.to.function"}; the database is
# always checked. A function returns (ok, detail).
SALESPATH_HEALTH_CHECKS: dict[str, str] = {
    "worker": "salespath.notifications.health.worker_heartbeat_ok",  # background work (issue 19)
}
# Health probes come from inside (a load balancer, monitoring, `curl` on the host) in plain
# HTTP; with SALESPATH_SSL_REDIRECT they would get a redirect instead of the answer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be text or json.")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "salespath.serving.jsonlog.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    # Salespath's own loggers pass their lines up to the root's one handler.
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "salespath": {"level": LOG_LEVEL},
        # Each request already has its line, with the route rather than the raw path; Django's
        # own 4xx warnings would repeat it with the path. Its 500s (ERROR) are kept.
        "django.request": {"level": "ERROR"},
    },
}
# --- datasafety: backups, shared cache, read replicas (issue 18 §2-3, docs/deploy-data.md) ---
INSTALLED_APPS += ["salespath.backups"]


def _caches() -> dict:
    from salespath.lib.cache_url import DEFAULT, CacheUrlError, cache_from_url

    try:
        return {"default": cache_from_url(os.environ.get("CACHE_URL") or DEFAULT)}
    except CacheUrlError as error:
        raise ImproperlyConfigured(str(error)) from error


# Shared by every app process (throttles, the sign-in lockout): the database's cache table by
# default, Redis with CACHE_URL=redis://…; sessions are in the database (Django's default).
CACHES = _caches()
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Read replicas: DATABASE_REPLICA_URL (a streaming replica of DATABASE_URL) takes the report
# reads (salespath/replicas.py); REPLICA_STICKY_SECONDS (default 10) after a user's own write
# their reads stay on the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["salespath.replicas.ReportRouter"]
MIDDLEWARE += ["salespath.replicas.PrimaryAfterWriteMiddleware"]
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "10"))

# --- access: Content-Security-Policy on every response (issue 16 item 13, docs/security.md) ---
SALESPATH_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # plotly.js injects its styles
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
MIDDLEWARE.insert(1, "salespath.security.csp.ContentSecurityPolicyMiddleware")
# --- notify: notifications, background tasks and e-mail (docs/notifications.md) ---
# SALESPATH_TASKS_BACKEND  "database" (default: a `salespath jobs worker` process runs the
#                          sends) or "immediate" (sent inside the request, no worker).
# SALESPATH_WORKER_STALE_SECONDS  a task waiting longer than this makes the worker unhealthy.
# SALESPATH_DELIVERY_MAX_ATTEMPTS  sends of one delivery before it is marked failed.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "salespath.notifications"]
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("SALESPATH_TASKS_BACKEND", "database")
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured("SALESPATH_TASKS_BACKEND must be 'database' or 'immediate'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend], "QUEUES": ["default"]}}
SALESPATH_WORKER_STALE_SECONDS = int(os.environ.get("SALESPATH_WORKER_STALE_SECONDS", "300"))
SALESPATH_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("SALESPATH_DELIVERY_MAX_ATTEMPTS", "5"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Salespath <salespath@localhost>")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if os.environ.get("EMAIL_HOST") and "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Links in e-mails and robot messages start with this (e.g. https://sales.example.com).
SALESPATH_BASE_URL = os.environ.get("SALESPATH_BASE_URL", "http://127.0.0.1:8000")
# EMAIL_URL=smtp://user:password@host:587?tls=1 (or smtps://… for SSL) sets the SMTP fields.
if os.environ.get("EMAIL_URL"):
    from urllib.parse import parse_qs, unquote, urlsplit

    _mail = urlsplit(os.environ["EMAIL_URL"])
    if _mail.scheme not in {"smtp", "smtps"} or not _mail.hostname:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:port.")
    _mail_options = parse_qs(_mail.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail_options.get("tls", ["0"])[0] in {"1", "true", "yes"}
