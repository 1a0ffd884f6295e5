"""Logging filters (settings.LOGGING)."""

import logging


class NoTracebackBelow500(logging.Filter):
    """A refused or missing page (403, 404…) is one line in the log, not a traceback: Django logs it
    with the exception attached, which reads like a crash. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
