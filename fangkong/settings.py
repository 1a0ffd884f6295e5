"""Settings, all from the environment.

DATABASE_URL      sqlite:///db.sqlite3 (default, embedded) or postgres://user@host/db
SECRET_KEY        required unless FANGKONG_DEMO=1 or DEBUG=1
FANGKONG_FIELD_KEY  Fernet key(s) for personal data at rest, comma-separated, newest first
FANGKONG_HMAC_KEY   key of the HMAC index over encrypted fields
CELERY_BROKER_URL  redis://127.0.0.1:6379/0 in production; unset = tasks run eagerly
"""

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = os.environ.get("FANGKONG_TEST") == "1" or "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEMO = os.environ.get("FANGKONG_DEMO") == "1"
DEBUG = os.environ.get("DEBUG", "1" if DEMO else "0") == "1"

_DEV_KEY = "fangkong-development-only-key-never-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_KEY if (DEBUG or DEMO or TESTING) else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set outside demo mode")

# Personal data keys; demo/test keys are derived from SECRET_KEY so nothing default ships to production.
FIELD_KEYS = [k for k in os.environ.get("FANGKONG_FIELD_KEY", "").split(",") if k]
HMAC_KEY = os.environ.get("FANGKONG_HMAC_KEY", "")

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "fangkong.core",
    "fangkong.accounts",
    "fangkong.areas",
    "fangkong.policies",
    "fangkong.people",
    "fangkong.gates",
    "fangkong.observation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangkong.core.middleware.RequestContextMiddleware",
    "fangkong.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["fangkong.accounts.backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fangkong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fangkong.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
# A worker whose connection died with a PostgreSQL restart reconnects instead of answering 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get("DB_PREPARED", "1") == "1":
    # Django disables prepared statements (for transaction-pooling PgBouncer). The gate's hot path
    # (core/sql.py) asks for them explicitly; a threshold no query reaches keeps every other query
    # unprepared. Set DB_PREPARED=0 behind a transaction-mode pooler.
    # Those statements look rows up by key: the generic plan is right for every parameter, so the
    # server plans them once per connection instead of once per call (a custom plan each time).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["prepare_threshold"] = 2**31 - 1
    options["options"] = (options.get("options", "") + " -c plan_cache_mode=force_generic_plan").strip()
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "fangkong" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "fangkong" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
SILENCED_SYSTEM_CHECKS = ["staticfiles.W004"]  # node_modules absent when npm is missing

REST_FRAMEWORK = {
    # Token first so that anonymous API calls get 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fangkong.core.drf.FastTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fangkong.core.drf.ModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "fangkong.core.drf.KeysetPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fangkong.core.drf.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fangkong 防控 API",
    "DESCRIPTION": "Community epidemic prevention and control platform. Every list is scoped to the caller's jurisdiction.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" field; name the enums so the schema is stable.
    "ENUM_NAME_OVERRIDES": {"PersonStatusEnum": "fangkong.people.models.PersonStatus"},
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"  # tables2's own, with an empty-state row by default

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_below_500": {"()": "fangkong.core.logfilters.NoTracebackBelow500"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own console handler (DEBUG) would print each record a second time beside the root's.
        "django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "WARNING"), "propagate": True},
        "django.request": {"filters": ["no_traceback_below_500"], "propagate": True},
    },
}

if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = os.environ.get("SECURE_COOKIES", "1") == "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

FANGKONG_APP_NAME = _("Fangkong")

# Per-process memory by default; Redis when REDIS_URL is set (shared by all web processes).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fangkong"}
    )
}

# Periodic jobs (run `celery -A fangkong beat` beside the workers in production).
CELERY_BEAT_SCHEDULE = {
    "gates-scan-partitions": {
        "task": "fangkong.gates.tasks.partitions_ensure_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "observation-missing-reports": {
        "task": "fangkong.observation.tasks.alerts_scan_task",
        "schedule": 15 * 60,
    },
    "observation-activate-due-orders": {
        "task": "fangkong.observation.tasks.orders_activate_due_task",
        "schedule": crontab(hour=0, minute=10),
    },
}
