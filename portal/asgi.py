"""The web server's entry point. With no settings module named, production settings: a
deployment that forgets DJANGO_SETTINGS_MODULE then refuses to start without its secrets
rather than running with DEBUG on and the published development key."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_asgi_application()
