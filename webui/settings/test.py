import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's shared in-memory database: the concurrency tests need real
    # SQLite locking between threads.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("WEGWIJS_TEST_DB", str(BASE_DIR / ".test-db.sqlite3"))
    }

# Tests run background tasks at once, in the caller's thread.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# django-axes stays on (the lockout is tested); only Client.login(), which has no
# request, skips its check.
AUTHENTICATION_BACKENDS = [
    "webui.settings.axes_testclient.AxesTestClientBackend",
    "django.contrib.auth.backends.ModelBackend",
    "webui.signin.backend.OrganisationAccountBackend",
]
# The tests' identity provider runs on loopback, without TLS.
WEGWIJS_OIDC_ALLOW_HTTP = True

# The proefrit drives every set before it goes live (tens of seconds for the base);
# the tests that are about it switch it on, the many that deploy sets for other
# reasons do without.
WEGWIJS_PROEFRIT = False
# Likewise the scenarios on every deploy and rebase (about a second each); the tests
# about them switch them on.
WEGWIJS_SCENARIOS = False

# The demo world and `load_demo`: the tests seed from it.
INSTALLED_APPS = [*INSTALLED_APPS, "webui.demo"]  # noqa: F405

# The portal's text messages stay in memory (webui.portalpages.sms.outbox).
WEGWIJS_SMS_BACKEND = "webui.portalpages.sms.MemoryBackend"
# Events may go to a receiver on loopback over plain http.
WEGWIJS_EVENTS_ALLOW_HTTP = True
# The stand-ins (tests/oidc_idp, tests/zgw_standin.py, the event receivers) run on
# loopback; every other inward address stays refused (webui.outbound).
WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = True
