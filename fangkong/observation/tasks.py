"""Background jobs: fetch, then call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def orders_reevaluate_task(policy_id: int, actor_id: int | None = None) -> int:
    from fangkong.accounts.models import User
    from fangkong.policies.models import Policy

    from .services import orders_reevaluate

    policy = Policy.objects.select_related("definition").get(pk=policy_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return orders_reevaluate(actor=actor, policy=policy)


@shared_task
def alerts_scan_task() -> int:
    from .services import alerts_scan

    return alerts_scan()


@shared_task
def orders_activate_due_task() -> int:
    from .services import orders_activate_due

    return orders_activate_due()
