"""Sending a text message: a backend chosen by settings.WEGWIJS_SMS_BACKEND, as
Django chooses its e-mail backend. Development prints to the console, the tests keep
the messages in memory; production names a class that talks to its SMS provider
(one method, ``send(to, text)``)."""

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class ConsoleBackend:
    """Prints the message (development)."""

    def send(self, to: str, text: str) -> None:
        sys.stdout.write(f"SMS aan {to}: {text}\n")
        sys.stdout.flush()


# What the memory backend sent, newest last (tests).
outbox: list[tuple[str, str]] = []


class MemoryBackend:
    """Keeps the messages in ``outbox`` (tests)."""

    def send(self, to: str, text: str) -> None:
        outbox.append((to, text))


def sms_available() -> bool:
    """Whether a backend is configured (production: only when the gemeente has an
    SMS provider; without one the codes go by e-mail)."""
    return bool(settings.WEGWIJS_SMS_BACKEND)


def sms_send(*, to: str, text: str) -> None:
    """Send ``text`` to the mobile number ``to`` with the configured backend."""
    backend = import_string(settings.WEGWIJS_SMS_BACKEND)()
    backend.send(to, text)
