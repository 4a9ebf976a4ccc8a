"""What a security audit checks: login lockout, headers, caching, sessions, settings
for production, passwords, crash reports and the error pages."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.signals import got_request_exception
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

import pytest
from axes.models import AccessAttempt

from webui.logs.models import ProcessingRecord
from webui.middleware import LAST_SEEN_KEY, IdleSessionTimeoutMiddleware
from webui.settings.base import proxy_settings
from webui.taskpages.views import TaskFormView

from ..conftest import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]
LOCKED = "U heeft te vaak een verkeerd wachtwoord ingevuld"


def _login(
    client: Client,
    username: str,
    password: str,
    ip: str = "10.0.0.1",
    forwarded: str | None = None,
):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **headers,
    )


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# ---- login throttling (django-axes) ---------------------------------------------


def test_five_wrong_passwords_lock_the_login_even_for_the_right_password(
    world: World,
) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "begeleider.polderdam", "fout-wachtwoord")
        assert not _logged_in(client)

    response = _login(client, "begeleider.polderdam", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "15 minuten niet inloggen" in html
    assert 'name="username"' in html, "the login form is still on the page"
    assert not _logged_in(client)

    # Locked is this account from this address: the same person elsewhere, and
    # colleagues behind the same address, still log in.
    elsewhere = Client()
    _login(elsewhere, "begeleider.polderdam", PASSWORD, ip="10.0.0.2")
    assert _logged_in(elsewhere)
    colleague = Client()
    _login(colleague, "coordinator.polderdam", PASSWORD)
    assert _logged_in(colleague)


PROXY = "10.9.9.9"  # the reverse proxy every request reaches Wegwijs through
ATTACKER, VICTIM = "203.0.113.66", "198.51.100.7"


def test_behind_a_proxy_the_lock_is_on_the_client_address_not_the_proxys(
    world: World,
) -> None:
    behind = proxy_settings({"DJANGO_BEHIND_PROXY": "1"})
    with override_settings(**behind):
        attacker = Client()
        for _ in range(5):
            _login(attacker, "begeleider.polderdam", "fout", PROXY, ATTACKER)
        response = _login(attacker, "begeleider.polderdam", PASSWORD, PROXY, ATTACKER)
        assert response.status_code == 429
        # What the attacker writes in X-Forwarded-For themselves stands left of what
        # the proxy appends, and is not believed.
        spoofed = _login(
            Client(), "begeleider.polderdam", PASSWORD, PROXY, f"{VICTIM}, {ATTACKER}"
        )
        assert spoofed.status_code == 429

        victim = Client()
        _login(victim, "begeleider.polderdam", PASSWORD, PROXY, VICTIM)
        assert _logged_in(victim), "the victim, elsewhere, still logs in"

    failed = ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.LOGIN_FAILED
    ).first()
    assert failed is not None and failed.detail["ip"] == ATTACKER


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(
    world: World,
) -> None:
    behind = proxy_settings({"DJANGO_BEHIND_PROXY": "1", "DJANGO_PROXY_COUNT": "2"})
    first_proxy = "10.1.1.1"
    attacker, victim_chain = f"{ATTACKER}, {first_proxy}", f"{VICTIM}, {first_proxy}"
    with override_settings(**behind):
        for _ in range(5):
            _login(Client(), "begeleider.polderdam", "fout", PROXY, attacker)
        locked = _login(Client(), "begeleider.polderdam", PASSWORD, PROXY, attacker)
        assert locked.status_code == 429
        victim = Client()
        _login(victim, "begeleider.polderdam", PASSWORD, PROXY, victim_chain)
        assert _logged_in(victim)


def test_without_a_declared_proxy_x_forwarded_for_is_ignored(world: World) -> None:
    # Nobody can dodge the lock by writing another address in the header.
    for number in range(5):
        _login(Client(), "begeleider.polderdam", "fout", forwarded=f"192.0.2.{number}")
    response = _login(
        Client(), "begeleider.polderdam", PASSWORD, forwarded="192.0.2.200"
    )
    assert response.status_code == 429


@pytest.mark.parametrize("count", ["0", "-1", "twee"])
def test_a_wrong_proxy_count_stops_the_start(count: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_PROXY_COUNT"):
        proxy_settings({"DJANGO_BEHIND_PROXY": "1", "DJANGO_PROXY_COUNT": count})


def test_the_lockout_ends_after_fifteen_minutes(world: World) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "begeleider.polderdam", "fout-wachtwoord")
    assert _login(client, "begeleider.polderdam", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _login(client, "begeleider.polderdam", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_a_successful_login_resets_the_count(world: World) -> None:
    client = Client()
    for _ in range(4):
        _login(client, "begeleider.polderdam", "fout-wachtwoord")
    _login(client, "begeleider.polderdam", PASSWORD)
    assert _logged_in(client)
    client.post(reverse("logout"))

    for _ in range(4):
        _login(client, "begeleider.polderdam", "fout-wachtwoord")
    response = _login(client, "begeleider.polderdam", PASSWORD)
    assert response.status_code == 302 and _logged_in(client), (
        "4 + 4 failures with a success between them must not lock"
    )


def test_a_wrong_password_gets_the_ordinary_dutch_error_before_the_limit(
    world: World,
) -> None:
    response = _login(Client(), "begeleider.polderdam", "fout-wachtwoord")
    assert response.status_code == 200
    html = response.content.decode()
    assert LOCKED not in html
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in html


# ---- headers ----------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_every_page_has_a_strict_content_security_policy_and_security_headers(
    world: World,
) -> None:
    client = Client()
    client.login(username="coordinator.polderdam", password=PASSWORD)
    for url in (reverse("login"), reverse("tasks:queue"), "/bestaat-niet/"):
        response = client.get(url)
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], "no inline script, no eval"
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["font-src"] == ["'self'", "data:"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    """What the policy would block anyway, caught before a browser meets it."""
    found = []
    for template in sorted((ROOT / "webui").rglob("templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL, STYLE_ATTRIBUTE):
            for match in pattern.finditer(text):
                found.append(f"{template.relative_to(ROOT)}: {match.group(0)}")
    assert found == []


# ---- caching --------------------------------------------------------------------


def test_pages_and_downloads_with_personal_data_are_never_cached(
    world: World,
) -> None:
    case = world.start()
    coordinator = Client()
    coordinator.login(username="coordinator.polderdam", password=PASSWORD)
    manager = Client()
    manager.login(username="manager.polderdam", password=PASSWORD)
    responses = [
        coordinator.get(reverse("tasks:queue")),
        coordinator.get(reverse("cases:detail", args=[case.reference])),
        coordinator.get(reverse("cases:list")),
        manager.post(reverse("reports:download")),
        Client().get(reverse("login")),
    ]
    for response in responses:
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
    assert responses[3]["Content-Type"].startswith("application/vnd.openxmlformats")


# ---- sessions -------------------------------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_ends_with_the_browser(
    world: World,
) -> None:
    client = Client()
    _login(client, "begeleider.polderdam", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert settings.SESSION_COOKIE_AGE <= 31 * 60


# The idle timeout's clock, fixed: a session ages by what the test writes, not by
# waiting.
NOW = 1_800_000_000


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = NOW - seconds
    session.save()


def test_thirty_minutes_without_a_request_log_the_user_out(
    world: World, monkeypatch
) -> None:
    monkeypatch.setattr(
        IdleSessionTimeoutMiddleware, "seconds", staticmethod(lambda: NOW)
    )
    client = Client()
    _login(client, "begeleider.polderdam", PASSWORD)
    assert client.get(reverse("tasks:queue")).status_code == 200

    _age_session(client, 29 * 60)
    assert client.get(reverse("tasks:queue")).status_code == 200
    assert NOW - client.session[LAST_SEEN_KEY] < 5, "the expiry slides"

    _age_session(client, 31 * 60)
    response = client.get(reverse("tasks:queue"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "niets in Wegwijs heeft gedaan" in response.content.decode()
    assert not _logged_in(client)


# ---- production settings -------------------------------------------------------


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "WEGWIJS_TEST_DB"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="webui.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="wegwijs.example.nl",
        **extra,
    )
    return env


def _run(code_or_args: list[str], env: dict[str, str]):
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_the_deploy_check_without_warnings() -> None:
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], _production_env()
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output
    assert "WARNING" not in output


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_wsgi_application_runs_production_settings_by_default() -> None:
    env = _production_env()
    del env["DJANGO_SETTINGS_MODULE"]
    result = _run(
        [
            "-c",
            "import webui.wsgi; from django.conf import settings as s;"
            " print(s.SETTINGS_MODULE, s.DEBUG, s.SECURE_SSL_REDIRECT,"
            " getattr(s, 'SECURE_PROXY_SSL_HEADER', None))",
        ],
        env,
    )
    assert result.stdout.split() == ["webui.settings.production", "False", "True"] + [
        "None"
    ], result.stderr


def test_manage_py_runs_production_settings_unless_dev_is_chosen() -> None:
    env = _production_env()
    del env["DJANGO_SETTINGS_MODULE"]
    del env["DJANGO_SECRET_KEY"]
    refused = _run(["manage.py", "check"], env)
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in refused.stderr
    assert "webui.settings.dev" in refused.stderr  # how to develop instead
    assert "Traceback" not in refused.stderr

    env["DJANGO_SETTINGS_MODULE"] = "webui.settings.dev"
    chosen = _run(["manage.py", "check"], env)
    assert chosen.returncode == 0, chosen.stderr


def test_make_run_chooses_the_development_settings() -> None:
    makefile = (ROOT / "Makefile").read_text().splitlines()
    assert "run: export DJANGO_SETTINGS_MODULE = webui.settings.dev" in makefile


def test_the_proxy_header_is_trusted_only_when_the_environment_says_so() -> None:
    code = [
        "-c",
        "import django; django.setup(); from django.conf import settings as s;"
        " print(s.SECURE_PROXY_SSL_HEADER)",
    ]
    assert _run(code, _production_env()).stdout.strip() == "None"
    behind = _run(code, _production_env(DJANGO_BEHIND_PROXY="1")).stdout.strip()
    assert behind == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_reads_the_client_address_behind_the_declared_proxies() -> None:
    code = [
        "-c",
        "import django; django.setup(); from django.conf import settings as s;"
        " print(s.WEGWIJS_PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE)",
    ]
    callable_ = "webui.logs.context.client_address"
    assert _run(code, _production_env()).stdout.split() == ["0", callable_]
    env = _production_env(DJANGO_BEHIND_PROXY="1", DJANGO_PROXY_COUNT="2")
    assert _run(code, env).stdout.split() == ["2", callable_]


# ---- passwords -----------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "wegwijs",  # too short
        "kort-2026",  # too short
        "123456789012345",  # only digits
        "password1234",  # a common password
        "qwertyuiop123",  # a common password
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused(world: World) -> None:
    user = world.who("begeleider", world.polderdam)
    user.username = "marieke.jansen"
    with pytest.raises(ValidationError) as caught:
        validate_password("marieke.jansen1", user=user)
    assert any("gebruikersnaam" in m for m in caught.value.messages)


def test_a_strong_password_is_accepted() -> None:
    validate_password("Fietsbel-Kanaal-1987")


# ---- crash reports never show posted values ------------------------------------


def _crash(*args, **kwargs):
    raise RuntimeError("boom")


def test_a_crash_on_a_task_form_reports_no_posted_value(
    world: World, monkeypatch
) -> None:
    case = world.start()
    item = next(
        i for i in world.open_tasks(case) if i.bpmn_id == "huisvesting_inschrijvingen"
    )
    client = Client(raise_request_exception=False)
    client.login(username="begeleider.polderdam", password=PASSWORD)
    caught = []

    def keep(sender, request, **kwargs):
        caught.append(request)

    monkeypatch.setattr(TaskFormView, "post", _crash)
    got_request_exception.connect(keep)
    try:
        response = client.post(
            reverse("tasks:task", args=[item.task_id]),
            {
                f"task_{item.task_id}-current_step": "0",
                "0-huisvesting_bijzonderheden": "Heeft diabetes, BSN 111222333",
            },
        )
    finally:
        got_request_exception.disconnect(keep)
    assert response.status_code == 500
    assert "111222333" not in response.content.decode()
    assert "Er ging iets mis" in response.content.decode()
    (request,) = caught
    posted = SafeExceptionReporterFilter().get_post_parameters(request)
    assert "111222333" not in str(dict(posted))
    report = ExceptionReporter(request, RuntimeError, RuntimeError("boom"), None)
    assert "111222333" not in report.get_traceback_text()


def test_a_crash_on_registration_reports_no_bsn(world: World, monkeypatch) -> None:
    client = Client(raise_request_exception=False)
    client.login(username="coordinator.polderdam", password=PASSWORD)
    caught = []

    def keep(sender, request, **kwargs):
        caught.append(request)

    monkeypatch.setattr("webui.casepages.views.case_start", _crash)
    got_request_exception.connect(keep)
    try:
        data = {
            "voornaam": "Yara",
            "achternaam": "Voorbeeld",
            "geboortedatum": "1990-04-01",
            "herkomstland": "Eritrea",
            "gezinsgrootte": "1",
            "soort_aanmelding": "asiel",
            "aangemeld_door": "coa",
            "koppeling_datum": "2026-01-05",
            "datum_binnenkomst": "2026-01-02",
            "bsn": "123456782",
        }
        assert client.post(reverse("cases:new"), data).status_code == 500
    finally:
        got_request_exception.disconnect(keep)
    (request,) = caught
    posted = SafeExceptionReporterFilter().get_post_parameters(request)
    assert "123456782" not in str(dict(posted))


# ---- error pages ----------------------------------------------------------------


def _boom(request):
    raise RuntimeError("Yara Voorbeeld, BSN 123456782")


# The URLconf of test_the_500_page_is_dutch_and_static: a view that crashes.
urlpatterns = [path("kapot/", _boom)]


def test_the_500_page_is_dutch_and_static(settings) -> None:
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/kapot/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in html
    assert "123456782" not in html and "Yara" not in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_the_404_page_is_dutch(world: World) -> None:
    response = Client().get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode()


def test_a_bad_host_gets_the_dutch_400_page() -> None:
    response = Client().get("/inloggen/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dit verzoek kon Wegwijs niet verwerken" in html
    assert "evil.example" not in html


def test_a_forged_form_gets_the_dutch_csrf_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.content.decode()


def test_too_much_form_data_gets_the_dutch_413_page(world: World) -> None:
    client = Client()
    client.login(username="coordinator.polderdam", password=PASSWORD)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("cases:new"), {"voornaam": big})
    assert response.status_code == 413
    assert "Dit is te groot om te versturen" in response.content.decode()

    many = {f"veld{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("cases:new"), many)
    assert response.status_code == 413


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(
    world: World,
) -> None:
    client = Client()
    client.login(username="beheerder.polderdam", password=PASSWORD)
    response = client.post(
        reverse("studio:upload", args=["polderdam"]),
        {"bestand": "x"},
        CONTENT_LENGTH=str(settings.WEGWIJS_MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert "Dit is te groot om te versturen" in response.content.decode()
