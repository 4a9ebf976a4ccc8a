"""Settings shared by every environment; environment variables override the defaults."""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "webui.admin_site.WegwijsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "formtools",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # zgw-consumers: the connection to a gemeente's ZGW APIs (webui.zaken), with the
    # apps its models need.
    "solo",
    "privates",
    "simple_certmanager",
    "zgw_consumers",
    "webui.logs",
    "webui.events",
    "webui.accounts",
    "webui.definitions",
    "webui.cases",
    "webui.tasks",
    "webui.casepages",
    "webui.studio",
    "webui.privacy",
    "webui.coordination",
    "webui.pvt",
    "webui.reports",
    "webui.reminders",
    "webui.users",
    "webui.signin",
    "webui.portal",
    "webui.portalpages",
    "webui.zaken",
    "webui.aanmeldingen",
    "webui.api",
    # Not "rest_framework": its Dutch catalogue would override Django's own words
    # for the same messages on every form ("Dit veld is vereist." for "Dit veld is
    # verplicht."). The API speaks Dutch through its own problem messages
    # (webui/api/problems.py); it needs none of DRF's templates or models.
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body: an oversized request gets a Dutch 413 page.
    "webui.middleware.RequestSizeLimitMiddleware",
    "webui.middleware.NulInAddressMiddleware",
    "webui.middleware.NoStoreMiddleware",
    "webui.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session given an authenticator code?
    "django_otp.middleware.OTPMiddleware",
    "webui.accountpages.middleware.GrantsPerRequestMiddleware",
    # Beheerders, privacy officers and managers sign in with a code (after the
    # grants: it asks for the user's roles).
    "webui.accountpages.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "webui.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "webui.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "webui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webui.accountpages.context_processors.roles",
                "webui.accountpages.context_processors.lane_labels",
            ],
        },
    },
]

WSGI_APPLICATION = "webui.wsgi.application"

_SQLITE_DEFAULT = f"sqlite:///{BASE_DIR / 'wegwijs.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _SQLITE_DEFAULT), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE makes every transaction take the write lock up front, so two task
    # completions on SQLite queue behind each other instead of failing halfway.
    # WAL lets readers go on while one writes: a background export reads while pages
    # write. Every connection runs these (the worker's too: same settings), tested in
    # tests/webui/test_background.py.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after 5 wrong passwords for one account from one
# address, that combination is locked for 15 minutes (every further try restarts the
# 15 minutes); a successful login resets the count. Locking the combination, not the
# account or the address alone, means nobody can lock a colleague out from elsewhere,
# and a gemeente office behind one NAT address is not locked as a whole.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in with an organisation's own account (OpenID Connect, webui.signin): it
    # answers only to its own callback, never to a username and password.
    "webui.signin.backend.OrganisationAccountBackend",
]
# An identity provider on http:// (not https://): only on a developer's machine and
# in the tests, where the provider runs on loopback.
WEGWIJS_OIDC_ALLOW_HTTP = os.environ.get("WEGWIJS_OIDC_ALLOW_HTTP", "0") == "1"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "webui.middleware.lockout_response"
# The address a lock is on is the client's as the deployment declares it
# (webui.logs.context.client_address): REMOTE_ADDR, or behind WEGWIJS_PROXY_COUNT
# trusted reverse proxies the address the outermost of them put in X-Forwarded-For.
# (axes' AXES_IPWARE_* settings do nothing without django-ipware installed.)
AXES_CLIENT_IP_CALLABLE = "webui.logs.context.client_address"
WEGWIJS_PROXY_COUNT = 0


def proxy_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """The settings a deployment behind reverse proxies needs: none unless
    DJANGO_BEHIND_PROXY=1; then X-Forwarded-Proto is trusted and the client address
    is read behind DJANGO_PROXY_COUNT proxies (default 1). production.py applies
    them; the tests apply the same with override_settings."""
    if environ.get("DJANGO_BEHIND_PROXY", "0") != "1":
        return {}
    raw = environ.get("DJANGO_PROXY_COUNT", "1").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise ImproperlyConfigured(
            f"DJANGO_PROXY_COUNT must be the number of reverse proxies in front of"
            f" Wegwijs (1 or more), not {raw!r}."
        )
    # Only when the proxy sets (and overwrites) these headers: a client could
    # otherwise claim HTTPS or another address.
    return {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "WEGWIJS_PROXY_COUNT": int(raw),
    }


# Sessions end after 30 minutes without a request (webui.middleware.
# IdleSessionTimeoutMiddleware keeps the expiry sliding) and with the browser.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers. No inline script anywhere: scripts and styles come from our own
# static files (bpmn-js is vendored); JSON for the scripts sits in
# <script type="application/json"> blocks, which CSP does not execute.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Request size. The largest legitimate body is a diagram saved from the modeler as a
# form field (at most 1 MB of XML, engine.validation.MAX_FILE_BYTES, which
# percent-encoding can make up to three times larger); uploads (a .zip of a set of
# diagrams and forms) are files, up to webui.definitions.files.MAX_ZIP_BYTES.
# Anything larger gets the Dutch 413 page (webui/templates/413.html).
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files go to a temporary file
# The migration page posts one checkbox per running case: room for a big gemeente.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_NUMBER_FILES = 5
WEGWIJS_MAX_REQUEST_BYTES = 25 * 1024 * 1024

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "webui" / "static"]

LOGIN_URL = "login"
# Two-factor sign-in (webui.accountpages.twofactor): the name authenticator apps show.
OTP_TOTP_ISSUER = "Wegwijs"
LOGIN_REDIRECT_URL = "tasks:queue"
LOGOUT_REDIRECT_URL = "login"

WORKFLOWS_DIR = Path(os.environ.get("WEGWIJS_WORKFLOWS_DIR", BASE_DIR / "workflows"))

# Background work (bulk migration, big exports, reminders): Django's task framework
# (the django-tasks backport) with its database backend; `make run` starts the worker
# (python manage.py run_worker, db_worker made steady).
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# Case-status exports: up to this many cases download at once, bigger ones are made in
# the background and kept for their requester only, in a private directory (never
# under STATIC_ROOT or a served media path) for WEGWIJS_EXPORT_KEEP_HOURS.
WEGWIJS_EXPORT_DIRECT_MAX = int(os.environ.get("WEGWIJS_EXPORT_DIRECT_MAX", "2000"))
WEGWIJS_EXPORT_DIR = Path(
    os.environ.get("WEGWIJS_EXPORT_DIR", BASE_DIR / "private" / "exports")
)
WEGWIJS_EXPORT_KEEP_HOURS = int(os.environ.get("WEGWIJS_EXPORT_KEEP_HOURS", "24"))
# A background export that waits this long for the worker, or shows no progress this
# long while running, is stuck: it is marked failed (with a message on its page).
WEGWIJS_BACKGROUND_TIMEOUT_MINUTES = int(
    os.environ.get("WEGWIJS_BACKGROUND_TIMEOUT_MINUTES", "30")
)

# E-mail (the daily digest, webui.reminders): SMTP, configured by the environment;
# development prints the e-mails on the console (dev.py), tests keep them in memory.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Wegwijs <noreply@wegwijs.invalid>"
)
# Text messages (the portal's sign-in codes): a class with send(to, text), see
# webui/portalpages/sms.py. Without one (the default), codes go by e-mail and an
# invitation needs an e-mail address: a code never lands in a log. Development prints
# them on the console, the tests keep them in memory.
WEGWIJS_SMS_BACKEND = os.environ.get("WEGWIJS_SMS_BACKEND", "")
# Mijn Wegwijs (webui/portalpages): a portal session ends after this many seconds
# without a request; a sign-in code is valid this many minutes and void after so many
# wrong tries, which also lock the invitation for a while.
WEGWIJS_PORTAL_IDLE_SECONDS = 15 * 60
WEGWIJS_PORTAL_CODE_MINUTES = 10
WEGWIJS_PORTAL_MAX_WRONG = 5
WEGWIJS_PORTAL_LOCK_MINUTES = 15

# Where the links in e-mails point (no request to take the host from).
WEGWIJS_BASE_URL = os.environ.get("WEGWIJS_BASE_URL", "http://127.0.0.1:8000")

# Every set is test-driven before it goes live (webui/definitions/proefrit.py): how
# long one proefrit may take before it reports what it covered so far.
WEGWIJS_PROEFRIT = os.environ.get("WEGWIJS_PROEFRIT", "1") == "1"
WEGWIJS_PROEFRIT_SECONDS = int(os.environ.get("WEGWIJS_PROEFRIT_SECONDS", "90"))
# ... and the version's scenarios (webui/definitions/scenarios.py) replayed on it, as
# on every rebase of a draft.
WEGWIJS_SCENARIOS = os.environ.get("WEGWIJS_SCENARIOS", "1") == "1"

# The REST API (webui/api): bearer tokens from its own token endpoint, JSON only,
# errors as problem+json, a rate per client (WEGWIJS_API_RATE calls per minute).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["webui.api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["webui.api.auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "webui.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_RATES": {
        "api_client": os.environ.get("WEGWIJS_API_RATE", "600") + "/min",
        "api_token": os.environ.get("WEGWIJS_API_TOKEN_RATE", "30") + "/min",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wegwijs API",
    "DESCRIPTION": (
        "Aanmelden van statushouders, dossiers lezen en abonneren op gebeurtenissen,"
        " voor systemen van gemeenten en MB-organisaties. Zie docs/api/README.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SORT_OPERATIONS": False,
}
# Signed events to subscribers (webui/api/delivery.py): how often to try, the first
# wait between tries (doubling each time), and whether an http:// address (not
# https) is allowed (development and tests only).
WEGWIJS_EVENTS_ATTEMPTS = int(os.environ.get("WEGWIJS_EVENTS_ATTEMPTS", "8"))
WEGWIJS_EVENTS_RETRY_SECONDS = float(
    os.environ.get("WEGWIJS_EVENTS_RETRY_SECONDS", "30")
)
WEGWIJS_EVENTS_TIMEOUT_SECONDS = float(
    os.environ.get("WEGWIJS_EVENTS_TIMEOUT_SECONDS", "10")
)
WEGWIJS_EVENTS_ALLOW_HTTP = os.environ.get("WEGWIJS_EVENTS_ALLOW_HTTP", "0") == "1"
# Addresses a beheerder or API client enters (identity provider, receiver of events,
# Zaken API) may not lead to loopback, a private network, link-local, multicast or a
# reserved range (webui.outbound). Loopback only for the stand-ins of the tests and
# of a developer's machine: dev and test settings turn it on, never from the
# environment, and production sets it off again.
WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
# Sent events and their delivery log are kept this long, then forgotten.
WEGWIJS_EVENTS_KEEP_DAYS = int(os.environ.get("WEGWIJS_EVENTS_KEEP_DAYS", "90"))
