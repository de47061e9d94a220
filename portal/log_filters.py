"""Logging filters for the portal's handlers."""

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """A 403 (PermissionDenied: a role's page opened by another role) is an everyday answer,
    not an error: Django logs it with its traceback, which buries real problems. Keep its one
    line ("Forbidden (Permission denied): /path") and drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
