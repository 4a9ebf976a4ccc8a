import os

from django.core.wsgi import get_wsgi_application

# A WSGI server is production, as is manage.py; only `make run` chooses dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.production")
application = get_wsgi_application()
