"""Re-encrypt personal data under the newest field key and rebuild the HMAC index under the
current HMAC key.

Rotation: put the new Fernet key first in FANGKONG_FIELD_KEY, keep the old ones after it
("new,old"), set FANGKONG_HMAC_KEY to the new index key, restart, run this command, then drop
the old Fernet key. Each batch is its own transaction and every step is idempotent, so an
interrupted run is simply run again. Until it finishes, exact search by ID/phone misses the rows
not yet re-indexed (run it in a quiet hour)."""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from fangkong.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key and rebuild the HMAC index."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        crypto.reset_keys()
        by_model: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for label, enc, index, kind in crypto.ENCRYPTED_FIELDS:
            by_model[label].append((enc, index, kind))
        for label, specs in by_model.items():
            model = apps.get_model(label)
            fields = [f for enc, index, _ in specs for f in (enc, index) if f]
            done, last = 0, None
            while True:
                qs = model._base_manager.order_by("pk").only("pk", *fields)
                rows = list((qs.filter(pk__gt=last) if last is not None else qs)[:batch_size])
                if not rows:
                    break
                for row in rows:
                    for enc, index, kind in specs:
                        token = getattr(row, enc)
                        if not token:
                            continue
                        if index:
                            setattr(row, index, crypto.blind_index(crypto.decrypt(token), kind=kind))
                        setattr(row, enc, crypto.reencrypt(token))
                with transaction.atomic():
                    model._base_manager.bulk_update(rows, fields, batch_size=batch_size)
                done += len(rows)
                last = rows[-1].pk
            self.stdout.write(f"{label}: {done} rows re-encrypted and re-indexed")
