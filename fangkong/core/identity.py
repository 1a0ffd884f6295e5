"""Identity documents and phone numbers: validation (GB 11643 check digit, region codes from
GB/T 2260 as shipped by Faker's zh_CN provider), normalisation and masking."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,17}$")
HKMO_RE = re.compile(r"^[HM]\d{8,10}$")
TW_RE = re.compile(r"^\d{8}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class IdType:
    RESIDENT = "resident_id"
    PASSPORT = "passport"
    HKMO = "hk_macau_permit"
    TAIWAN = "taiwan_permit"
    CHOICES = [
        (RESIDENT, _("resident ID card")),
        (PASSPORT, _("passport")),
        (HKMO, _("Hong Kong/Macau permit")),
        (TAIWAN, _("Taiwan permit")),
    ]


class IdentityError(ValueError):
    pass


@functools.cache
def region_codes() -> frozenset[str]:
    from faker.providers.ssn.zh_CN import Provider

    return frozenset(Provider.area_codes)


def check_digit(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise_id(value: str) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


@dataclass(frozen=True)
class ResidentId:
    number: str
    region: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def parse_resident_id(value: str, *, today: datetime.date | None = None) -> ResidentId:
    number = normalise_id(value)
    if not RESIDENT_ID_RE.match(number):
        raise IdentityError(_("A resident ID has 17 digits and a final digit or X."))
    region = number[:6]
    codes = region_codes()
    # Historic county codes are still on valid cards: accept a known city (first 4 digits) too.
    if region not in codes and f"{region[:4]}00" not in codes:
        raise IdentityError(_("Unknown region code %(code)s.") % {"code": region})
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdentityError(_("The birth date in the ID is not a real date.")) from exc
    today = today or datetime.date.today()
    if birth > today or birth.year < 1880:
        raise IdentityError(_("The birth date in the ID is out of range."))
    if check_digit(number[:17]) != number[17]:
        raise IdentityError(_("Wrong check digit: the ID number has a typo."))
    return ResidentId(number=number, region=region, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def validate_document(id_type: str, value: str) -> str:
    """Return the normalised number or raise IdentityError with a message for the user."""
    number = normalise_id(value)
    if id_type == IdType.RESIDENT:
        return parse_resident_id(number).number
    pattern = {IdType.PASSPORT: PASSPORT_RE, IdType.HKMO: HKMO_RE, IdType.TAIWAN: TW_RE}.get(id_type)
    if pattern is None:
        raise IdentityError(_("Unknown document type."))
    if not pattern.match(number):
        raise IdentityError(_("The document number has the wrong format."))
    return number


def mask_id(number: str) -> str:
    """110106********123X: region and last four stay, the birth date goes."""
    if not number:
        return ""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    keep = max(1, len(number) // 4)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", str(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> str:
    phone = normalise_phone(value)
    if not MOBILE_RE.match(phone):
        raise IdentityError(_("A mainland mobile number has 11 digits and starts with 13–19."))
    return phone


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)
