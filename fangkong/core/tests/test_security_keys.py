"""Issue 9, hole 10: no silent key fallback outside demo/tests, and a tested key rotation."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from fangkong.core import crypto

K1, K2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()
H1, H2 = "h1" * 20, "h2" * 20


def _start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FANGKONG_") and k != "DEBUG"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, "DJANGO_SETTINGS_MODULE": "fangkong.settings", "SECRET_KEY": "s" * 50, **env},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_data_keys():
    run = _start()
    assert run.returncode != 0 and "FANGKONG_FIELD_KEY and FANGKONG_HMAC_KEY must be set" in run.stderr
    run = _start(FANGKONG_FIELD_KEY="not-a-key", FANGKONG_HMAC_KEY=H1)
    assert run.returncode != 0 and "not a Fernet key" in run.stderr
    assert _start(FANGKONG_FIELD_KEY=K1, FANGKONG_HMAC_KEY=H1).returncode == 0
    assert _start(FANGKONG_DEMO="1").returncode == 0


def test_every_encrypted_field_is_rotated():
    listed = {(label, enc) for label, enc, _, _ in crypto.ENCRYPTED_FIELDS}
    found = {
        (m._meta.label, f.name)
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.name.endswith("_enc")
    }
    assert found <= listed, found - listed


def test_rotate_keys_reencrypts_and_rebuilds_the_index(tree):
    from faker import Faker

    from fangkong.people import services
    from fangkong.people.models import Person
    from fangkong.people.selectors import person_search

    number = Faker("zh_CN").ssn()
    try:
        with override_settings(FIELD_KEYS=[K1], HMAC_KEY=H1):
            crypto.reset_keys()
            person = services.person_create(
                actor=None, household=tree.a.household, name="轮换甲", id_number=number, phone="13912345678"
            )
            old = Person.objects.get(pk=person.pk)
        with override_settings(FIELD_KEYS=[K2, K1], HMAC_KEY=H2):
            crypto.reset_keys()
            assert not person_search(Person.objects.all(), number).exists()  # old index, new key
            call_command("rotate_keys", "--batch-size", "1", stdout=open(os.devnull, "w"))
        with override_settings(FIELD_KEYS=[K2], HMAC_KEY=H2):  # the old key is gone
            crypto.reset_keys()
            new = Person.objects.get(pk=person.pk)
            assert new.id_number_enc != old.id_number_enc and new.id_hash != old.id_hash
            assert crypto.decrypt(new.id_number_enc) == number
            assert crypto.decrypt(new.phone_enc) == "13912345678"
            assert list(person_search(Person.objects.all(), number)) == [new]
            assert list(person_search(Person.objects.all(), "13912345678")) == [new]
            try:
                crypto.decrypt(old.id_number_enc)
                raise AssertionError("old ciphertext still readable without the old key")
            except InvalidToken:
                pass
    finally:
        crypto.reset_keys()
