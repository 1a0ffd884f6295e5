"""The rates' rollup listens to every work-order change (hotline/hooks.py): registered from
HotlineConfig.ready(), it runs inside the transition's transaction."""

from __future__ import annotations


def on_change(order, *, event: str, old: str, new: str, at) -> None:
    from .services.rates import rates_refresh

    rates_refresh(order_ids=[order.pk])


def on_created(orders, *, event: str) -> None:
    from .services.rates import rates_refresh

    rates_refresh(order_ids=[o.pk if hasattr(o, "pk") else o for o in orders])


def register() -> None:
    import importlib

    try:
        hooks = importlib.import_module("fangkong.hotline.hooks")
    except ModuleNotFoundError:  # the transition hooks land with the flow services
        return
    hooks.register(on_change)
    hooks.register_bulk(on_created)
