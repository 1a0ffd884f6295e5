"""Demo workforce (seed_demo calls `seed_activity(ctx)` after every app's bulk data)."""

from __future__ import annotations


def seed_activity(ctx) -> None:
    from .seed_care import seed_care

    seed_care(ctx)  # care and health (wf3): insurance, rest, meals and equipment, health reports
