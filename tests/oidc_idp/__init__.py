"""A real OpenID Connect provider on loopback for the tests (django-oauth-toolkit, in
the test dependencies): a tiny Django project of its own (settings.py) served by
Django's runserver in a separate process, with its own SQLite file. Nothing but
Python 3.11 and the locked dependencies: ``make test`` needs no Node or network.

    with TestProvider(tmp_dir) as idp:
        idp.client(client_id=..., client_secret=..., redirect_uri=...)
        idp.person("j.jansen", "wachtwoord", groups=["wegwijs-regie"])
        idp.issuer  # http://127.0.0.1:<port>/o
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestProvider:
    __test__ = False  # not a test class for pytest

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/o"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.oidc_idp.settings",
            "TEST_IDP_DB": str(directory / "idp.sqlite3"),
            "TEST_IDP_ISSUER": self.issuer,
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("DATABASE_URL", None)
        self.log = directory / "idp.log"
        self.process: subprocess.Popen | None = None

    def _setup(self, spec: dict[str, Any]) -> None:
        subprocess.run(
            [sys.executable, "-m", "tests.oidc_idp.setup"],
            input=json.dumps(spec),
            text=True,
            env=self.env,
            cwd=ROOT,
            check=True,
            timeout=120,
        )

    def __enter__(self) -> "TestProvider":
        self._setup({"migrate": True})
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "django",
                    "runserver",
                    f"127.0.0.1:{self.port}",
                    "--noreload",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                answer = requests.get(
                    f"{self.issuer}/.well-known/openid-configuration", timeout=2
                )
                if answer.status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"the test provider did not start:\n{self.log.read_text()}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def client(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        post_logout_redirect_uri: str = "",
    ) -> None:
        """Register Wegwijs at the provider (a confidential client, RS256), with
        where the provider may send the browser after a single logout."""
        self._setup(
            {
                "client": {
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "redirect_uri": redirect_uri,
                    "post_logout_redirect_uri": post_logout_redirect_uri,
                }
            }
        )

    def person(
        self,
        username: str,
        password: str,
        *,
        groups: list[str],
        email: str = "",
        first_name: str = "",
        last_name: str = "",
    ) -> None:
        """A person at the provider with these groups (replacing earlier ones);
        the group "mfa" makes the ID token say amr ["pwd", "otp"]."""
        self._setup(
            {
                "users": [
                    {
                        "username": username,
                        "password": password,
                        "groups": groups,
                        "email": email,
                        "first_name": first_name,
                        "last_name": last_name,
                    }
                ]
            }
        )
