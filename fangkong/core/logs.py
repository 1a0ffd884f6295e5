"""Logs without personal data (docs/observability.md).

Every handler of settings.LOGGING carries `RedactPersonalNumbers`: an ID number or a mobile number that
reaches a log record anyway (a path, an exception's message, a database error's DETAIL line, which
echoes the row's values) is replaced before any handler writes it. The same patterns serve the scan of
a test run's log (conftest.py): what the filter would miss, the scan finds.

Names cannot be recognised by a pattern: the request log carries ids only (user id, view name, the path
without its query string), and no code of ours logs a person."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

# GB 11643 (18 characters, the last may be X) and a mainland mobile number, not inside a longer number.
ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
MASK = "[redacted]"
# PostgreSQL's DETAIL of a constraint or type error repeats the offending values (`Key (x)=(…)`).
_DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)


def redact(text: str) -> str:
    if not text:
        return text
    text = ID_NUMBER.sub(MASK, text)
    text = PHONE.sub(MASK, text)
    return _DETAIL.sub("DETAIL: [values not logged]", text)


class RedactPersonalNumbers(logging.Filter):
    """Rewrites the record's message and its traceback text once, before the first handler formats it
    (the traceback is formatted here and kept as exc_text; exc_info is dropped so no formatter prints
    the unredacted exception again)."""

    def __init__(self, name: str = "", only: tuple[str, ...] | list[str] = ()):
        super().__init__(name)
        self.only = tuple(only)  # logger name prefixes this instance rewrites; empty: every record

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_fk_redacted", False):
            return True
        if self.only and not record.name.startswith(self.only):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log what there is rather than nothing
            message = str(record.msg)
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        record._fk_redacted = True
        return True


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its lockout warnings (AXES_CLIENT_STR_CALLABLE): a username
    may be a phone number, and a path may carry a number."""
    return str(
        {
            "username": redact(str(username or "")),
            "ip_address": ip_address,
            "path_info": redact(str(path_info or "")),
        }
    )


def find_personal(lines: Iterable[str]) -> list[tuple[int, str]]:
    """(line number, line) of every line holding an ID number or a mobile number."""
    return [(n, line) for n, line in enumerate(lines, 1) if ID_NUMBER.search(line) or PHONE.search(line)]


def scan_log_dir(directory: Path, *, since: float = 0.0) -> list[str]:
    """`file:line: text` for each offending line of the *.jsonl files written since `since` (mtime)."""
    found = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        if path.stat().st_mtime < since:
            continue  # a worker of an earlier run
        with path.open(encoding="utf-8", errors="replace") as fh:
            # Shown masked: the report says where, it does not repeat the number.
            found += [f"{path.name}:{n}: {redact(line.rstrip())[:300]}" for n, line in find_personal(fh)]
    return found
