"""Small helpers for the registry tests: valid ID numbers and a resident made through the service."""

from __future__ import annotations

import itertools

from fangkong.core.identity import check_digit

_seq = itertools.count(1)


def resident_id(
    region: str = "110106", birth: str = "19900307", female: bool = False, n: int | None = None
) -> str:
    """A valid 18-digit resident ID (GB 11643 check digit) with a unique sequence number."""
    n = next(_seq) if n is None else n
    seq = (n * 2) % 1000 + (0 if female else 1)  # odd 17th digit: male
    seq = seq - 1 if female and seq % 2 else seq
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + check_digit(first17)


def bad_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def add_person(household, name="张三", number=None, phone="13800138000", actor=None, **extra):
    from fangkong.people import services

    return services.person_create(
        actor=actor, household=household, name=name, id_number=number or resident_id(), phone=phone, **extra
    )
