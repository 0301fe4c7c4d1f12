"""WSGI entry point (gunicorn carbonms.config.wsgi)."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonms.config.settings")
application = get_wsgi_application()


def settle() -> None:
    """Import every view (the URL conf) now, then move everything loaded into the collector's permanent
    generation. A full collection otherwise walks Django's and CarbonMS's few hundred thousand long-lived
    objects again, and one request in twenty at a large park paid 100–300 ms for it (bench/pages.py, issue 16)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports the views
    gc.collect()
    gc.freeze()


settle()
