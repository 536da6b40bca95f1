"""
Production settings: everything secret or host-specific comes from the environment.

DJANGO_SETTINGS_MODULE=mysite.settings_production gunicorn mysite.wsgi
"""
import os

from .settings import *  # noqa: F403

# Safe: injected by the deployment; the process fails to start if it is missing.
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # ok: K502

DEBUG = False
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DJANGO_DB_NAME", "shop"),
        "USER": os.environ.get("DJANGO_DB_USER", "shop"),
        "PASSWORD": os.environ["DJANGO_DB_PASSWORD"],
        "HOST": os.environ.get("DJANGO_DB_HOST", "localhost"),
        "PORT": os.environ.get("DJANGO_DB_PORT", "5432"),
    }
}

EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
EMAIL_HOST_USER = os.environ["DJANGO_EMAIL_USER"]
EMAIL_HOST_PASSWORD = os.environ["DJANGO_EMAIL_PASSWORD"]  # ok: K604
