"""Settings, all from the environment.

DATABASE_URL      sqlite:///db.sqlite3 (default, embedded) or postgres://user@host/db
DATABASE_REPLICA_URL  optional PostgreSQL streaming replica that reports read (docs/replica.md)
SECRET_KEY        required unless FANGKONG_DEMO=1 or DEBUG=1
FANGKONG_FIELD_KEY  Fernet key(s) for personal data at rest, comma-separated, newest first
FANGKONG_HMAC_KEY   key of the HMAC index over encrypted fields (both required outside demo/tests)
REDIS_URL          shared cache (rate limits, login lockout counters); required in production
FANGKONG_TRUSTED_PROXIES  addresses/networks of the reverse proxies whose X-Forwarded-For is believed
CELERY_BROKER_URL  redis://127.0.0.1:6379/0 in production; unset = tasks run eagerly
CELERY_VISIBILITY_TIMEOUT  seconds before Redis hands an unacknowledged job to another worker (7200)
CELERY_KEY_PREFIX  prefix of the broker's (and result backend's) Redis keys (none)
CELERY_RESULT_BACKEND  where task results go (none: the tasks write to the database)
Every variable with its default: docs/deployment.md (a test fails when one read here is missing there).
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
    "axes",
    "fangkong.core",
    "fangkong.accounts",
    "fangkong.areas",
    "fangkong.policies",
    "fangkong.people",
    "fangkong.gates",
    "fangkong.observation",
    "fangkong.screening",
    "fangkong.tracing",
    "fangkong.support",
    "fangkong.briefing",
    "fangkong.workforce",
    "fangkong.hotline",
    "fangkong.workplaces",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue 23: a gate device's token-authenticated scan is answered here, ahead of the page middleware.
    "fangkong.gates.middleware.ScanFastLane",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fangkong.core.middleware.RequestContextMiddleware",
    "fangkong.accounts.middleware.UserLanguageMiddleware",
    # After the user's language: its 400 for a NUL character is in the reader's language (issue 18).
    "fangkong.core.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "fangkong.core.middleware.NoStoreMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout page (issue 9, hole 8).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins before any password check
    "fangkong.accounts.backends.RoleBackend",
]
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

# --- Read replica (issue 24; docs/replica.md) -------------------------------------------------------
# DATABASE_REPLICA_URL: a PostgreSQL streaming replica of DATABASE_URL. Reports (briefing figures, Excel
# exports, the briefing pages) read it while it lags at most FANGKONG_REPLICA_MAX_LAG_SECONDS (checked
# every FANGKONG_REPLICA_CHECK_SECONDS per process); otherwise, and for everything else, the primary.
FANGKONG_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("FANGKONG_REPLICA_MAX_LAG_SECONDS", "10"))
FANGKONG_REPLICA_CHECK_SECONDS = float(os.environ.get("FANGKONG_REPLICA_CHECK_SECONDS", "5"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **DATABASES["replica"].get("OPTIONS", {}),
        # A replica that does not answer costs one check a short wait, not every request a long one.
        "connect_timeout": int(os.environ.get("FANGKONG_REPLICA_CONNECT_TIMEOUT", "2")),
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the same database, no second copy
    DATABASE_ROUTERS = ["fangkong.core.replica.ReplicaRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

if TESTING:
    # PBKDF2's million rounds per password were most of the cost of every test that makes a user or logs
    # in; the tests check which password lets whom in, not what a hash costs to compute.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

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
    "DEFAULT_FILTER_BACKENDS": ["fangkong.core.choices.ScopedFilterBackend"],
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
    # Fields called kind, state or result carry different choices in different apps: each set is named.
    "ENUM_NAME_OVERRIDES": {
        "PersonStatusEnum": "fangkong.people.models.PersonStatus",
        "BriefingStateEnum": "fangkong.briefing.models.Briefing.State",
        "BriefingItemKindEnum": "fangkong.briefing.models.Item.Kind",
        "BriefingItemStateEnum": "fangkong.briefing.models.Item.State",
        "BoxStateEnum": "fangkong.screening.models.Box.State",
        "CampaignStateEnum": "fangkong.screening.models.Campaign.State",
        "LabResultEnum": "fangkong.screening.models.LabResult.Result",
        "SiteKindEnum": "fangkong.screening.models.Site.Kind",
        "TargetPersonResultEnum": "fangkong.screening.models.TargetPerson.Result",
        "TargetPersonStateEnum": "fangkong.screening.models.TargetPerson.State",
        "OpenDoneStateEnum": "fangkong.screening.models.TransferTask.State",
        "TubeStateEnum": "fangkong.screening.models.Tube.State",
        "RequestKindEnum": "fangkong.support.models.RequestKind",
        "RequestStateEnum": "fangkong.support.models.RequestState",
        "TeamKindEnum": "fangkong.support.models.TeamKind",
        "ContactStateEnum": "fangkong.tracing.models.Contact.State",
        "ContactKindEnum": "fangkong.tracing.models.ContactKind",
        "DutyEnum": "fangkong.workforce.models.Duty",
        "WorkerKindEnum": "fangkong.workforce.models.Worker.Kind",
        "HotlineUnitKindEnum": "fangkong.hotline.models.Unit.Kind",
        "HandlingEntryKindEnum": "fangkong.hotline.models.HandlingEntry.Kind",
        "WorkOrderOutcomeEnum": "fangkong.hotline.models.Outcome",
        "LedgerEventKindEnum": "fangkong.workplaces.models_reports.LedgerEvent.Kind",
    },
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"  # tables2's own, with an empty-state row by default
FILTERS_EMPTY_CHOICE_LABEL = _("All")  # a filter's empty choice reads 全部, not "---------"

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
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Parallel test workers share the server, not their keys (rate limits, cached dashboards).
            "KEY_PREFIX": os.environ.get("PYTEST_XDIST_WORKER", ""),
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fangkong"}
    )
}

# Periodic jobs (run `celery -A fangkong beat` beside the workers in production).
CELERY_BEAT_SCHEDULE = {
    # The day just ended, after the briefing cut-off (policy briefing.cutoff, 24:00); a retry is harmless.
    "briefing-daily": {
        "task": "fangkong.briefing.tasks.briefing_generate_task",
        "schedule": crontab(hour=0, minute=10),
    },
    "gates-scan-partitions": {
        "task": "fangkong.core.tasks.partitions_ensure_task",  # every append-only table (issue 24)
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
    "support-overdue-requests": {
        "task": "fangkong.support.tasks.requests_escalate_overdue_task",
        "schedule": 5 * 60,
    },
    "workplaces-missing-reports": {
        "task": "fangkong.workplaces.tasks.missing_reports_scan_task",
        "schedule": 15 * 60,
    },
    "workplaces-ledger-overdue": {
        "task": "fangkong.workplaces.tasks.ledger_escalate_overdue_task",
        "schedule": 60 * 60,
    },
    "people-import-files-expire": {
        "task": "fangkong.people.tasks.import_files_expire_task",
        "schedule": 60 * 60,
    },
    "workforce-missed-checkins": {
        "task": "fangkong.workforce.tasks.missed_checkins_flag_task",
        "schedule": 5 * 60,
    },
    "hotline-overdue-escalate": {
        "task": "fangkong.hotline.tasks.overdue_escalate_task",
        "schedule": 5 * 60,
    },
    # 未诉先办: recurring complaints become proactive tasks before the next call (idempotent).
    "hotline-proactive-scan": {
        "task": "fangkong.hotline.tasks.proactive_scan_task",
        "schedule": crontab(hour=1, minute=30),
    },
}


# --- Security (issue 9, holes 7-12; docs/security.md) ---------------------------------------------
from datetime import timedelta  # noqa: E402

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

if not (DEMO or TESTING):
    # Deriving the data keys from SECRET_KEY would tie personal data to a key that is rotated for
    # other reasons and often shared with less care: refuse to start instead.
    if not FIELD_KEYS or not HMAC_KEY:
        raise ImproperlyConfigured(
            "FANGKONG_FIELD_KEY and FANGKONG_HMAC_KEY must be set outside demo mode and tests "
            "(see README, Production). They encrypt and index personal data."
        )
    from cryptography.fernet import Fernet  # noqa: E402

    for _k in FIELD_KEYS:
        try:
            Fernet(_k)
        except ValueError as _exc:
            raise ImproperlyConfigured(
                "FANGKONG_FIELD_KEY holds a value that is not a Fernet key (32 url-safe base64 bytes)"
            ) from _exc
    if len(HMAC_KEY) < 32:
        raise ImproperlyConfigured("FANGKONG_HMAC_KEY must be at least 32 characters long")

# API tokens expire this many hours after issue; a user revokes their own at /users/me/tokens/.
FANGKONG_TOKEN_TTL_HOURS = int(os.environ.get("FANGKONG_TOKEN_TTL_HOURS", "720"))

# Client address: X-Forwarded-For is believed only when the direct peer is one of these proxies
# (comma-separated addresses or networks, e.g. "127.0.0.1,10.0.0.0/8"); otherwise REMOTE_ADDR.
FANGKONG_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("FANGKONG_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Login lockout (django-axes) on /login/, /admin/ and /api/auth/token/: after AXES_FAILURE_LIMIT
# failures for one username from one address, that pair is refused for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = int(os.environ.get("FANGKONG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FANGKONG_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fangkong.core.clientip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "fangkong.accounts.views.locked_out"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): our pages load nothing from a third-party origin. Scripts
# come from our static files only; style attributes in templates still need 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Inspection photos (gates): images only, checked by content and re-encoded.
FANGKONG_PHOTO_MAX_BYTES = int(os.environ.get("FANGKONG_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
FANGKONG_PHOTO_MAX_PIXELS = 40_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING and not DEMO:
    # HTTPS in production (set FANGKONG_HTTPS=0 only on a plain-HTTP test intranet).
    _https = os.environ.get("FANGKONG_HTTPS", "1") == "1"
    SECURE_SSL_REDIRECT = _https and os.environ.get("FANGKONG_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("FANGKONG_HSTS_SECONDS", "31536000")) if _https else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
    SECURE_HSTS_PRELOAD = os.environ.get("FANGKONG_HSTS_PRELOAD") == "1"
    if not SECURE_HSTS_PRELOAD:
        # Submitting the domain to the browsers' preload list is the operator's decision (an intranet
        # host cannot be preloaded); HSTS itself is on.
        SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
    if FANGKONG_TRUSTED_PROXIES:
        # The proxy terminates TLS and says so; believed only because the proxy is trusted.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Uploaded survey files hold clear ID numbers and phones: deleted on import or cancel, and after this
# many hours when left (people.services.import_files_expire, hourly).
IMPORT_FILE_RETENTION_HOURS = int(os.environ.get("IMPORT_FILE_RETENTION_HOURS", "72"))


# --- Background work for real, retention of personal data (issue 24, docs/operations.md) ----
# A job survives its worker's death: a message is acknowledged once the task is done (acks late) and given
# back when the worker is lost mid-task; each worker holds one message at a time (prefetch 1), so a crash
# redelivers that one only. The tasks are idempotent (a redelivered import finds its batch committed).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis gives an unacknowledged message to another worker after the visibility timeout: it must exceed the
# longest task (a 100,000-row import, the nightly retention run), or that task would run twice at once
# (harmless, being idempotent, but wasted). RabbitMQ requeues at once when the connection drops.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "7200"))
}
if os.environ.get("CELERY_KEY_PREFIX"):
    # Several deployments (or parallel test runs) on one Redis keep apart by key prefix.
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = os.environ["CELERY_KEY_PREFIX"]
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": os.environ["CELERY_KEY_PREFIX"]}
# Results are not needed by the application (its tasks write to the database); set one to watch them.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BEAT_SCHEDULE["retention-daily"] = {
    # Personal data past its retention period (policy retention.*): scans dropped, records anonymised.
    "task": "fangkong.core.tasks.retention_run_task",
    "schedule": crontab(hour=2, minute=30),
}

# --- Observability (issue 24; docs/observability.md) ----------------------------------------------
# /healthz, /readyz and /metrics are answered first (core/ops.py: no session, login, lockout, rate
# limit or ALLOWED_HOSTS); then each request is timed and logged (core/middleware.RequestLogMiddleware);
# django-prometheus times each view between its two middlewares.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "fangkong.core.ops.OpsMiddleware",
    "fangkong.core.middleware.RequestLogMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# A probe or a scrape on the internal address speaks plain HTTP: it is not sent to https.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
# /metrics answers these addresses or networks (the client address as core/clientip.py reads it), or
# a request carrying "Authorization: Bearer $METRICS_TOKEN".
METRICS_ALLOWED_IPS = [
    a.strip() for a in os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if a.strip()
]
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Logs: one JSON object per line in production (LOG_FORMAT=json), plain lines for development. Every
# handler redacts ID numbers and phones (core/logs.py). Requests are logged at INFO on their own
# logger (fangkong.request; LOG_REQUESTS=0 turns them off) whatever LOG_LEVEL says for the rest.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if (DEBUG or DEMO or TESTING) else "json")
from pythonjsonlogger.core import RESERVED_ATTRS as _LOG_RECORD_ATTRS  # noqa: E402

_JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "{levelname}{name}{message}",
    "style": "{",
    "timestamp": True,
    "rename_fields": {"levelname": "level", "name": "logger"},
    # Django passes the request along (extra={"request": …}); its repr holds the query string.
    "reserved_attrs": [*_LOG_RECORD_ATTRS, "request"],
}
LOGGING["formatters"] = {
    "json": _JSON_FORMATTER,
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
}
LOGGING["filters"]["redact"] = {"()": "fangkong.core.logs.RedactPersonalNumbers"}
LOGGING["handlers"]["console"].update(
    formatter="json" if LOG_FORMAT == "json" else "plain", filters=["redact"]
)
# django-axes names the client in its lockout warnings: without the numbers a username or path may hold.
AXES_CLIENT_STR_CALLABLE = "fangkong.core.logs.axes_client_str"
LOGGING["loggers"]["fangkong.request"] = {
    "level": "INFO" if os.environ.get("LOG_REQUESTS", "1") == "1" else "WARNING",
    "propagate": True,
}
if TESTING and "pytest" in sys.modules:
    # A test run writes its log as JSON lines, one file per xdist worker, for the scan for ID numbers
    # and phones (conftest.py, pytest_sessionfinish); the console keeps to warnings. This file is
    # written before the redacting filter runs (first handler): the scan proves that our code and the
    # libraries log no number, not that the safety net masked it.
    _LOG_DIR = BASE_DIR / "test-artifacts" / "logs"
    _LOG_DIR.mkdir(parents=True, exist_ok=True)
    LOGGING["handlers"]["console"]["level"] = "WARNING"
    LOGGING["handlers"]["test_file"] = {
        "class": "logging.FileHandler",
        "filename": str(_LOG_DIR / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl"),
        "mode": "w",
        "delay": True,
        "encoding": "utf-8",
        "formatter": "json",
        "filters": ["redact_django"],
    }
    # Django's own warnings ("Not Found: <path>", a CSRF refusal, a 500's exception message) echo what
    # the client sent, beyond our code's reach: the production net is applied to those loggers only.
    LOGGING["filters"]["redact_django"] = {
        "()": "fangkong.core.logs.RedactPersonalNumbers",
        "only": ["django."],
    }
    LOGGING["root"]["handlers"] = ["test_file", "console"]
