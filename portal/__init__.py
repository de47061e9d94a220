# Import the Celery app so shared_task binds to it (and to the configured broker).
from .celery import app as celery_app

__all__ = ("celery_app",)
