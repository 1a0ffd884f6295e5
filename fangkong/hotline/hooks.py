"""Transition hooks: every status change of a work order goes through one service function per transition
(services/flow.py), and each calls `fire(...)` inside its transaction. The rates' maintained rollup (hl2)
registers here from its AppConfig.ready() and so sees every change, from the page, the API, an import or a
periodic task alike.

    hooks.register(on_change)          # on_change(order, *, event, old, new, at)
    hooks.register_bulk(on_created)    # on_created(order_ids, *, event) — an import's many new orders, by id
"""

from __future__ import annotations

from collections.abc import Callable

HOOKS: list[Callable] = []
BULK_HOOKS: list[Callable] = []

# Events: created, matched, dispatched, returned, responded, paused, resumed, replied, closed, rated,
# reopened, escalated.


def register(fn: Callable) -> Callable:
    if fn not in HOOKS:
        HOOKS.append(fn)
    return fn


def register_bulk(fn: Callable) -> Callable:
    if fn not in BULK_HOOKS:
        BULK_HOOKS.append(fn)
    return fn


def fire(order, *, event: str, old: str, new: str, at) -> None:
    for fn in HOOKS:
        fn(order, event=event, old=old, new=new, at=at)


def fire_bulk(orders, *, event: str) -> None:
    for fn in BULK_HOOKS:
        fn(orders, event=event)
