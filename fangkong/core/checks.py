"""Deployment checks of our own (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if "locmem" in backend or "dummy" in backend:
        return [
            Warning(
                "The cache is per process: rate limits and cached grants are not shared by the web "
                "processes.",
                hint="Set REDIS_URL (README, Production).",
                id="fangkong.W001",
            )
        ]
    return []
