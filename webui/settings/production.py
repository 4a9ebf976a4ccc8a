"""Production: DEBUG off, secrets and hosts from the environment, HTTPS only.

Required: DJANGO_SECRET_KEY (50+ random characters), DJANGO_ALLOWED_HOSTS (comma
separated). Optional: DATABASE_URL; DJANGO_BEHIND_PROXY=1 when a reverse proxy
terminates TLS and sets X-Forwarded-Proto (overwriting what clients send) and appends
to X-Forwarded-For, with DJANGO_PROXY_COUNT proxies in front (default 1).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import proxy_settings

DEBUG = False


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set: production settings need it from the environment"
            " (see webui/settings/production.py)."
        )
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be at least 50 random characters (for instance from"
        " python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = [
    host.strip()
    for host in _required("DJANGO_ALLOWED_HOSTS").split(",")
    if host.strip()
]

# Never on here, whatever a settings file above says: Wegwijs would call its own
# server's ports for whoever enters an address (webui.outbound).
WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False

# HTTPS only, and browsers remember that for a year.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# "__Host-": browsers accept these cookies only over HTTPS, for this host, path /.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Behind reverse proxies: X-Forwarded-Proto, and the client address the login lockout
# is on (base.proxy_settings).
globals().update(proxy_settings(os.environ))

# Logs go to stdout for the platform to collect. Request data is never logged; crash
# reports carry no POST values of the views that take personal data
# (sensitive_post_parameters).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}
