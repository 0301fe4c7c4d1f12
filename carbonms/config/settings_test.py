"""Settings for the test suite: the real settings with a fixed test key and fast hashing."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")

from .settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# Find static files when asked rather than scanning every app's static files each time a test client builds its
# middleware (each Client() does): the scan cost ~27 ms per client, a third of the permission matrix's time.
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise expects it)
MONITORING = {**MONITORING, "ROLLUP": "sync"}  # noqa: F405  (tests see the rollup right after a request)
