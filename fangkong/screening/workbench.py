"""Mass testing's lines on the workbench: retests, transfers due, boxes not yet received."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from fangkong.core.workbench import Kind, register_kind


def register() -> None:
    for kind in (
        Kind(
            "screening.retests_open",
            gettext_noop("Single-tube retests to sample"),
            "screening:retest-list",
            query={"open": "true"},
            order=40,
        ),
        Kind(
            "screening.transfers_open",
            gettext_noop("Transfers of preliminary positives due"),
            "screening:transfer-list",
            query={"state": "open"},
            deadline="deadline",
            order=41,
        ),
        Kind(
            "screening.boxes_sealed",
            gettext_noop("Sealed boxes not handed over"),
            "screening:box-list",
            query={"state": "sealed"},
            order=42,
        ),
        Kind(
            "screening.boxes_in_transit",
            gettext_noop("Boxes handed over, not received"),
            "screening:box-list",
            query={"state": "handed_over"},
            order=43,
        ),
    ):
        register_kind(kind)
