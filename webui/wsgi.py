import os

from django.core.wsgi import get_wsgi_application

# A WSGI server is production; `manage.py runserver` (dev) sets its own settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.production")
application = get_wsgi_application()
