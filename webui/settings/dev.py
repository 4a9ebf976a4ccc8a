import os

from .base import *  # noqa: F403

DEBUG = True
# E-mails (the daily digest) appear on the console of whoever sends them (run_worker).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# The portal's sign-in codes by text message appear on the runserver console.
WEGWIJS_SMS_BACKEND = os.environ.get(
    "WEGWIJS_SMS_BACKEND", "webui.portalpages.sms.ConsoleBackend"
)
# A refused page shows the Dutch 404 page, as in production, not Django's debug page.
MIDDLEWARE = [*MIDDLEWARE, "webui.middleware.DutchNotFoundMiddleware"]  # noqa: F405

# The demo world and `load_demo` (make run): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "webui.demo"]  # noqa: F405

# A developer's identity provider may run on http:// on this machine.
WEGWIJS_OIDC_ALLOW_HTTP = True
# Events may go to a receiver on loopback over plain http.
WEGWIJS_EVENTS_ALLOW_HTTP = True
# Identity provider, event receiver and Zaken API stand-ins on this machine
# (127.0.0.1, localhost) are allowed; private networks stay refused (webui.outbound).
WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = True
