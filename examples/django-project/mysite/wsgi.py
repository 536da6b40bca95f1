"""
WSGI config for mysite project.

It exposes the WSGI callable as a module-level variable named ``application``.
Production sets DJANGO_SETTINGS_MODULE=mysite.settings_production.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

application = get_wsgi_application()
