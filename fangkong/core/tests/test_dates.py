"""core.dates, the one parser of dates and times (issue 18): what people and laboratories write is read,
impossible or out-of-range values are a DateError (a ValueError) with a message, never another exception."""

import datetime

import pytest
from django.utils import timezone

from fangkong.core import dates

READ = [
    ("2022-05-01 14:30", (2022, 5, 1, 14, 30, 0)),
    ("2022/5/1 14:30:05", (2022, 5, 1, 14, 30, 5)),
    ("2022年5月1日 14:30", (2022, 5, 1, 14, 30, 0)),
    ("2022-05-01T06:30Z", (2022, 5, 1, 14, 30, 0)),  # UTC, answered in local time (Asia/Shanghai)
    ("2022-05-01T14:30:00.5+08:00", (2022, 5, 1, 14, 30, 0)),
    ("2022-05-01", (2022, 5, 1, 0, 0, 0)),
]
REFUSED = {
    "2022-02-30": "impossible",
    "2022-05-01 25:00": "impossible",
    "2022-05-01T24:61": "impossible",
    "25:00": "datetime",
    "9999-12-31T23:59:59-23:59": "bounds",
    "0001-01-01T00:00+23:59": "bounds",
    "2022-05-01T10:00+24:00": "impossible",
    "２０２２-05-01": "datetime",  # full-width digits are no digits here
    "2022-05-01\x0010:00": "datetime",
    "9" * 5000: "datetime",
}


@pytest.mark.parametrize(("text", "parts"), READ)
def test_what_people_write_is_read_as_local_time(text, parts):
    t = dates.parse_datetime(text)
    assert timezone.is_aware(t)
    local = timezone.localtime(t)
    assert (local.year, local.month, local.day, local.hour, local.minute, local.second) == parts


@pytest.mark.parametrize("text", sorted(REFUSED))
def test_impossible_and_out_of_range_values_are_date_errors(text):
    with pytest.raises(dates.DateError) as exc:
        dates.parse_datetime(text)
    assert exc.value.code == REFUSED[text] and exc.value.message


def test_dates_times_and_bounds():
    assert dates.parse_date("2022-05-01") == datetime.date(2022, 5, 1)
    assert dates.parse_date("") is None and dates.parse_datetime("  ") is None
    assert dates.parse_time("07:05") == datetime.time(7, 5)
    for bad in ("24:00", "7:60", "x"):
        with pytest.raises(dates.DateError):
            dates.parse_time(bad)
    with pytest.raises(dates.DateError):
        dates.parse_date(datetime.date(1, 1, 1))  # a date object is bounded too
    with pytest.raises(dates.DateError):
        dates.parse_date("2022-13-01")


def test_within_is_the_services_sane_window():
    now = timezone.now()
    day = datetime.timedelta(days=1)
    assert dates.within(now - day, past=2 * day, ahead=day, now=now)
    assert not dates.within(now - 3 * day, past=2 * day, ahead=day, now=now)
    assert not dates.within(now + 2 * day, past=2 * day, ahead=day, now=now)


def test_the_form_and_serializer_fields_answer_messages():
    from django import forms
    from rest_framework import serializers

    class F(forms.Form):
        at = dates.DateTimeField()

    f = F({"at": "2022-02-30T10:00"})
    assert not f.is_valid() and "2022-02-30" in f.errors["at"][0]

    class S(serializers.Serializer):
        at = dates.DateTimeSerializerField()
        day = dates.DateSerializerField()

    s = S(data={"at": "9999-12-31T23:59-23:59", "day": 20220501})
    assert not s.is_valid() and set(s.errors) == {"at", "day"}
    s = S(data={"at": "2022-05-01T14:30", "day": "2022-05-01"})
    assert s.is_valid() and s.validated_data["day"] == datetime.date(2022, 5, 1)
