import os

from django.core.asgi import get_asgi_application

# An ASGI server is production, like webui/wsgi.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.production")
application = get_asgi_application()
