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
    "django.contrib.admin",
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
        "django_filters.rest_framework.DjangoFilterBackend",
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
