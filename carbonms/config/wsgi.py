"""WSGI entry point (gunicorn carbonms.config.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
application = get_wsgi_application()
