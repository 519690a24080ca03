"""Filters for the LOGGING setting (iccwatch/settings.py)."""

from __future__ import annotations

import logging


class OneLineWarning(logging.Filter):
    """Turn each record of the logger it is set on into a WARNING of one line: its message
    kept, its traceback dropped.

    Django logs a request whose Host header is not in ALLOWED_HOSTS (logger
    `django.security.DisallowedHost`) at ERROR with the exception's traceback, some twenty
    lines for a health probe sent to the bare address or a scanner, and answers it 400.
    Nothing in the site failed: the request is refused as it should be. Django's
    documentation names that logger for an operator to quiet; here each such request stays
    in the log, once, as one WARNING line naming the host
    ("Invalid HTTP_HOST header: '203.0.113.7'. ...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
