import os

from celery import Celery

# A worker or beat started without a settings module runs production settings (and refuses
# to start without their secrets), as the web server does; manage.py names its own.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
