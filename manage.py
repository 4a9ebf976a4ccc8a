#!/usr/bin/env python
import os
import sys


def main() -> None:
    # Production unless asked otherwise: a forgotten setting must not start a server
    # with DEBUG on and a known key. `make run` and the tests choose their own.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.production")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 -- loads the settings module
    except ImproperlyConfigured as error:
        sys.exit(
            f"{error}\nFor development on your own machine:"
            " DJANGO_SETTINGS_MODULE=webui.settings.dev (as `make run` sets it)."
        )
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
