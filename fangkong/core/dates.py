"""One parser for dates, times and datetimes (issue 18), used by every form field, serializer field and file
reader, so that an impossible value (2022-02-30, 25:00, T24:61) or one past the calendar (9999-12-31 with
an offset, 0001-01-01) is a clear validation message, never a ValueError or an OverflowError deep inside
Django, psycopg or a service.

Bounds: every date lies within EARLIEST..LATEST (settings FANGKONG_DATE_BOUNDS, years; 1900–2100 by
default: birth dates reach back, campaigns and orders reach a few years ahead). A datetime is answered
aware, in the current time zone (a naive one is taken as local time, an odd offset such as +23:59 is
converted), so a service's `.date()` means the local day. Narrower windows relative to now (a scan's
device time, an order's start, a pass's validity) stay in the services that enforce them; `within()`
is how they check.

    from fangkong.core import dates
    dates.parse_datetime("2022-05-01 14:30")   # aware, local; raises dates.DateError (a ValueError)
    forms:       dates.DateField / DateTimeField / TimeField
    serializers: dates.DateSerializerField / DateTimeSerializerField / TimeSerializerField
"""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Year, month, day with -, /, . or 年月日 between (what people and laboratory systems write), then an
# optional time (T or spaces), seconds and fraction optional, then an optional Z or ±HH[:MM] offset.
# ASCII digits only: "２０２２" or "²" are no digits here.
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_TIME = r"(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:[.,](\d{1,9}))?)?"
_OFFSET = r"(Z|[+-]\d{2}(?::?\d{2})?)"
DATE_RE = re.compile(rf"^{_DATE}$", re.ASCII)
TIME_RE = re.compile(rf"^{_TIME}$", re.ASCII)
DATETIME_RE = re.compile(rf"^{_DATE}(?:(?:[T\s]+){_TIME})?\s*{_OFFSET}?$", re.ASCII | re.IGNORECASE)
MAX_LENGTH = 64  # no date needs more; a megabyte of text is not parsed

MESSAGES = {
    "date": _("Not a date (e.g. 2022-05-01)."),
    "time": _("Not a time (e.g. 14:30)."),
    "datetime": _("Not a date and time (e.g. 2022-05-01 14:30)."),
    "impossible": _("No such date or time on the calendar (%(value)s)."),
    "bounds": _("A date between %(earliest)s and %(latest)s."),
}


class DateError(ValueError):
    """A value that is no date or time, or lies outside the bounds; `message` is translated when shown."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params


def bounds() -> tuple[datetime.date, datetime.date]:
    first, last = getattr(settings, "FANGKONG_DATE_BOUNDS", (1900, 2100))
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def _check(d: datetime.date) -> None:
    earliest, latest = bounds()
    if not earliest <= (d.date() if isinstance(d, datetime.datetime) else d) <= latest:
        raise DateError("bounds", earliest=earliest.isoformat(), latest=latest.isoformat())


def _text(value, kind: str) -> str:
    text = str(value).strip()
    if len(text) > MAX_LENGTH or "\x00" in text:
        raise DateError(kind)
    return text


def _build(cls, kind: str, text: str, *parts, **kw):
    try:
        return cls(*parts, **kw)
    except (ValueError, OverflowError):
        raise DateError("impossible", value=text[:MAX_LENGTH]) from None


def parse_date(value) -> datetime.date | None:
    """A date from a date, a datetime (its local day) or text; None for blank."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = _aware(value).date()
    if isinstance(value, datetime.date):
        _check(value)
        return value
    text = _text(value, "date")
    if not text:
        return None
    m = DATE_RE.match(text)
    if m is None:
        # A date with a time (a spreadsheet's 2022-05-01 00:00:00) is the date of that moment.
        if DATETIME_RE.match(text):
            return parse_datetime(text).date()
        raise DateError("date")
    d = _build(datetime.date, "date", text, *map(int, m.groups()))
    _check(d)
    return d


def _fraction(f: str | None) -> int:
    return int((f or "0")[:6].ljust(6, "0"))


def parse_time(value) -> datetime.time | None:
    """A time of day (HH:MM[:SS[.ffffff]]) from a time or text; None for blank. 24:00 is no time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.time):
        return value
    text = _text(value, "time")
    if not text:
        return None
    m = TIME_RE.match(text)
    if m is None:
        raise DateError("time")
    h, mi, s, f = m.groups()
    return _build(datetime.time, "time", text, int(h), int(mi), int(s or 0), _fraction(f))


def _aware(value: datetime.datetime) -> datetime.datetime:
    """Local time of an aware datetime, or a naive one taken as local; bounds checked before converting
    (an offset can push 9999-12-31 past the calendar's end, and 0001-01-01 before its start)."""
    _check(value)
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        earliest, latest = bounds()
        raise DateError("bounds", earliest=earliest.isoformat(), latest=latest.isoformat()) from None


def parse_datetime(value) -> datetime.datetime | None:
    """An aware datetime in the current time zone from a datetime, a date (its midnight) or text (ISO 8601
    and the forms laboratories write: 2022/05/01 14:30, 2022年5月1日 14:30); None for blank."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return _aware(value)
    if isinstance(value, datetime.date):
        return _aware(datetime.datetime.combine(value, datetime.time()))
    text = _text(value, "datetime")
    if not text:
        return None
    m = DATETIME_RE.match(text)
    if m is None:
        raise DateError("datetime")
    y, mo, d, h, mi, s, f, off = m.groups()
    tz = None
    if off:
        if off.upper() == "Z":
            tz = datetime.UTC
        else:
            sign = -1 if off[0] == "-" else 1
            digits = off[1:].replace(":", "")
            oh, om = int(digits[:2]), int(digits[2:4] or 0)
            if oh > 23 or om > 59:
                raise DateError("impossible", value=text)
            tz = datetime.timezone(sign * datetime.timedelta(hours=oh, minutes=om))
    parts = (int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), _fraction(f))
    return _aware(_build(datetime.datetime, "datetime", text, *parts, tzinfo=tz))


def within(at: datetime.datetime, *, past: datetime.timedelta, ahead: datetime.timedelta, now=None) -> bool:
    """Whether `at` lies in the window from `past` before to `ahead` after `now` (a service's sane window:
    a scan's device time, an order's start, a pass's validity)."""
    now = now or timezone.now()
    return now - past <= at <= now + ahead


# -- forms -------------------------------------------------------------------------------------------


class _FormMixin:
    parser = None
    kind = ""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return type(self).parser(value)
        except DateError as exc:
            raise ValidationError(exc.message, code=exc.code) from None


class DateField(_FormMixin, forms.DateField):
    parser = staticmethod(parse_date)


class DateTimeField(_FormMixin, forms.DateTimeField):
    parser = staticmethod(parse_datetime)


class TimeField(_FormMixin, forms.TimeField):
    parser = staticmethod(parse_time)


# -- django-filter -----------------------------------------------------------------------------------


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class DateTimeFilter(django_filters.DateTimeFilter):
    field_class = DateTimeField


class TimeFilter(django_filters.TimeFilter):
    field_class = TimeField


FORM_FIELDS = {
    "DateField": DateField,
    "DateTimeField": DateTimeField,
    "TimeField": TimeField,
}


def formfield_for_dbfield(db_field, **kwargs):
    """ScopedModelForm's formfield_callback: a model's date, datetime and time fields become ours."""
    cls = FORM_FIELDS.get(db_field.get_internal_type())
    if cls is not None and not db_field.choices:
        kwargs.setdefault("form_class", cls)
    return db_field.formfield(**kwargs)


# -- Django REST framework ---------------------------------------------------------------------------


class _SerializerMixin:
    parser = None

    def to_internal_value(self, value):
        if isinstance(value, bool) or not isinstance(value, str | datetime.date | datetime.time):
            self.fail("invalid", format="ISO 8601")
        try:
            return type(self).parser(value)
        except DateError as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None


class DateSerializerField(_SerializerMixin, serializers.DateField):
    parser = staticmethod(parse_date)

    def to_internal_value(self, value):
        if isinstance(value, datetime.datetime):
            self.fail("datetime")
        return super().to_internal_value(value)


class DateTimeSerializerField(_SerializerMixin, serializers.DateTimeField):
    parser = staticmethod(parse_datetime)


class TimeSerializerField(_SerializerMixin, serializers.TimeField):
    parser = staticmethod(parse_time)
