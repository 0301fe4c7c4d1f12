"""Django settings, read from the environment.

The embedded default (no variable set but ``DEBUG=1``) runs on a SQLite file under ``var/``; production
sets ``DATABASE_URL`` (PostgreSQL through psycopg 3), ``SECRET_KEY`` and ``ALLOWED_HOSTS``. With
``DEBUG`` off a missing ``SECRET_KEY``, or one shorter than 50 characters, stops the process: there is
no silent random fallback.
See docs/configuration.md for every variable.
"""
from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CARBONMS_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    # Development only (DEBUG=1): a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # Production refuses a guessable key (the rule of Django's security.W009), loudly, at start-up.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak: it has {len(SECRET_KEY)} characters; production needs at least 50, "
        "with at least 5 different ones. Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    # CarbonMS domain apps (see docs/architecture.md)
    "carbonms.common",
    "carbonms.accounts",
    "carbonms.changelog",
    "carbonms.organizations",
    "carbonms.standards",
    "carbonms.carbondata",
    "carbonms.inventory",
    "carbonms.management",
    "carbonms.audits",
    "carbonms.conformity",
    "carbonms.monitoring",
    "carbonms.performance",
    "carbonms.abatement",
    "carbonms.carbonreview",
    "carbonms.ledger",
    "carbonms.compliance",
    "carbonms.zerocarbon",
    "carbonms.governance",
    "carbonms.cockpit",
    "carbonms.reports",
    "carbonms.web",
    "carbonms.api",
    "carbonms.demo",
]

MIDDLEWARE = [
    "carbonms.common.middleware.RequestHeadersMiddleware",  # malformed Content-Length, NUL in the query: 400
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # before WhiteNoise: static files get the policy too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carbonms.changelog.middleware.ChangeContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carbonms.config.urls"
WSGI_APPLICATION = "carbonms.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carbonms.web.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'carbonms.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or DEFAULT_SQLITE,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default holds concurrent writers (docs/configuration.md): WAL lets readers run beside
    # the writer; every transaction takes the write lock when it begins (IMMEDIATE), so a second writer
    # waits up to the busy timeout instead of failing with "database is locked" when a read turns into a
    # write half-way through a transaction (SQLite cannot wait in that case).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "organizations:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Repeated failed logins are throttled (django-axes, carbonms/accounts/throttling.py): after
# LOGIN_FAILURE_LIMIT failures for the same username from the same address, or LOGIN_IP_FAILURE_LIMIT
# failures from one address across user names (password spraying), the client is locked out for
# AXES_COOLOFF_MINUTES. A successful login does not reset the count (else one valid account would lift
# the per-address limit); failures expire with the cool-off.
LOGIN_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 10)
AXES_FAILURE_LIMIT = "carbonms.accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------------
FORMAT_MODULE_PATH = ["carbonms.config.formats"]  # zh_Hans: thousands grouping (see the module)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"  # for display; datetimes are stored in UTC
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded and generated files. Nothing serves MEDIA_ROOT (no URL route, not WhiteNoise): every file
# leaves through a scoped download view (carbonms/common/files.py). MEDIA_URL is never routed.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
if MEDIA_ROOT.resolve().is_relative_to(STATIC_ROOT.resolve()) or STATIC_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("MEDIA_ROOT must not be inside STATIC_ROOT (or the reverse): uploads would be public.")
# Files of refused or abandoned workbook imports are deleted after this many days; the record (hash,
# uploader, errors) stays. Job: carbonms.carbondata.purge_refused_uploads / `manage.py purge_refused_uploads`.
REFUSED_UPLOAD_RETENTION_DAYS = env_int("REFUSED_UPLOAD_RETENTION_DAYS", 7)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # ?limit is capped at 1,000 (docs/api.md); a bad limit or offset falls back to the first page.
    "DEFAULT_PAGINATION_CLASS": "carbonms.common.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CarbonMS API",
    "DESCRIPTION": "Carbon emission management for industrial parks. Every endpoint is scoped to the caller's park or enterprise.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error answers (400/401/403/404) of every operation, documented once (carbonms/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "carbonms.api.schema.add_error_responses"],
    # Several records have a field named "category" with different choices; name each enum explicitly.
    "ENUM_NAME_OVERRIDES": {
        "EmissionCategoryEnum": "carbonms.carbondata.models.register.Category",
        # a run and a statement each have their basis vocabulary (the list of runs is a second run component)
        "CalculationRunBasisEnum": "carbonms.inventory.models.CalculationRun.Basis",
        "InventoryStatementBasisEnum": "carbonms.inventory.models.InventoryStatement.Basis",
        "ContextIssueCategoryEnum": "carbonms.management.models.ContextIssue.Category",
        "RiskCategoryEnum": "carbonms.management.models.Risk.Category",
        "ReviewOutputCategoryEnum": "carbonms.audits.models.ReviewOutput.Category",
        # management-system records each have their own status vocabulary
        "RegisterStatusEnum": "carbonms.management.base.RegisterStatus",
        "PolicyStatusEnum": "carbonms.management.models.Policy.Status",
        "DocumentVersionStatusEnum": "carbonms.management.documents.DocumentVersion.Status",
        "AuditStatusEnum": "carbonms.audits.models.Audit.Status",
        "NonconformityStatusEnum": "carbonms.audits.models.Nonconformity.Status",
        "ManagementReviewStatusEnum": "carbonms.audits.models.ManagementReview.Status",
        # online monitoring (meters share the active/retired vocabulary of the source register)
        "ActiveRetiredStatusEnum": "carbonms.monitoring.models.Meter.Status",
        "ReadingConflictStatusEnum": "carbonms.monitoring.models.ReadingConflict.Status",
        "AnomalyStatusEnum": "carbonms.monitoring.models.Anomaly.Status",
        # output and economic data (issue 10): entered or imported, never from a meter
        "OutputOriginEnum": "carbonms.carbondata.models.output.ReviewedVersion.Origin",
        # the review statuses of activity, production and economic data (the same vocabulary)
        "DataReviewStatusEnum": "carbonms.carbondata.models.output.ReviewStatus",
        # planning, assets and park governance (issues 12–14)
        "AccountingMethodEnum": "carbonms.carbondata.models.register.Method",
        "AssessmentGradeEnum": "carbonms.governance.models.Grade",
        "ServiceRequestKindEnum": "carbonms.governance.models.ServiceRequest.Kind",
    },
}

# --- Background work ------------------------------------------------------------------------
# Without a broker (the embedded default) Celery tasks run in-process, eagerly.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
# The queue tasks go to (and workers read with -Q): a separate queue per deployment or test run on a shared broker.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE") or "celery"
CELERY_TIMEZONE = TIME_ZONE
# The daily reminder job (carbonms.conformity): Celery beat in production; on the embedded default
# it runs in-process, once a day, when a user first opens their task list.
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {"task": "carbonms.conformity.daily_reminders", "schedule": 24 * 3600},
    "purge-refused-uploads": {"task": "carbonms.carbondata.purge_refused_uploads", "schedule": 24 * 3600},
    # Rollups of the dirty meter-days (also queued after each ingestion batch; docs/monitoring.md).
    "monitoring-rollups": {"task": "carbonms.monitoring.refresh_rollups", "schedule": 60},
    "archive-readings": {"task": "carbonms.monitoring.archive_readings", "schedule": 24 * 3600},
    # Park recalculation jobs that stopped (a lost task, a dead process) fail, and their stages go.
    "recalc-sweep": {"task": "carbonms.inventory.recalc_sweep", "schedule": 15 * 60},
    # The results of older job-assembled runs back into RunResult's own table (PostgreSQL; docs/scaling.md).
    "merge-run-tables": {"task": "carbonms.inventory.merge_run_tables", "schedule": 24 * 3600},
}
# A park recalculation job still running this long after it started is failed by the sweep (carbonms.inventory.recalc).
RECALC_JOB_TIMEOUT_MINUTES = env_int("RECALC_JOB_TIMEOUT_MINUTES", 60)
# How many of the newest job-assembled runs keep a results table of their own (PostgreSQL); older ones are merged
# back into RunResult's table nightly.
RECALC_RUN_TABLES_KEPT = env_int("RECALC_RUN_TABLES_KEPT", 20)
CARBONMS_REMINDER_EMAIL = env_bool("CARBONMS_REMINDER_EMAIL", False)

# --- Online monitoring (docs/monitoring.md) -------------------------------------------------
# When the rollups of the meter-days an HTTP request touched are recomputed: "background" (a Celery task
# after commit; without a broker a thread of the web process), "sync" (inside the request) or "off"
# (only the beat schedule, a worker or `refresh_rollups`).
# Readings older than this many months leave the live table for compressed archive files (carbonms.monitoring.archive;
# `carbonms manage archive_readings`, Celery beat daily). Never below 60: the five-year retention of ledgers.
READING_RETENTION_MONTHS = env_int("READING_RETENTION_MONTHS", 72)
if READING_RETENTION_MONTHS < 60:
    raise ImproperlyConfigured("READING_RETENTION_MONTHS must be at least 60 (the five-year retention of ledgers).")
READING_ARCHIVE_DIR = Path(env_str("READING_ARCHIVE_DIR") or VAR_DIR / "archive")
MONITORING = {"ROLLUP": env_str("MONITORING_ROLLUP") or "background"}
if MONITORING["ROLLUP"] not in ("background", "sync", "off"):
    raise ImproperlyConfigured("MONITORING_ROLLUP must be background, sync or off.")

# --- Security (production defaults when DEBUG is off) ---------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True  # in every mode (X-Content-Type-Options: nosniff)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# --- Content-Security-Policy (django-csp), on every response ---------------------------------
# Scripts and styles come only from our own static files (vendored htmx and ECharts, app.js, app.css);
# no inline script, no eval. Inline style *attributes* are allowed (style-src-attr) for layout;
# <style> elements need the request's nonce. Served files get a stricter policy (carbonms/common/files.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Labels used by navigation; kept here so translators see them once.
NAV_GROUP_LABELS = {
    "organization": _("Organisation & scope"),
    "accounting": _("Accounting & data"),
    "planning": _("Planning & targets"),
    "assets": _("Carbon assets"),
    "management": _("Management system"),
    "performance": _("Performance & improvement"),
}
