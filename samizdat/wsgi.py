"""WSGI entry point for production servers (gunicorn samizdat.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
application = get_wsgi_application()
