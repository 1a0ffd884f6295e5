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


# --- Read replica (issue 24; docs/replica.md) ----------------------------------------------------------
@register(Tags.database, deploy=True)
def replica_engine(app_configs, **kwargs):
    dbs = settings.DATABASES
    if "replica" in dbs and not all(dbs[a]["ENGINE"].endswith("postgresql") for a in ("default", "replica")):
        return [
            Warning(
                "DATABASE_REPLICA_URL is set but the primary or the replica is not PostgreSQL: reports read "
                "the primary.",
                hint="The replica must be a PostgreSQL streaming replica of DATABASE_URL (docs/replica.md).",
                id="fangkong.W024",
            )
        ]
    return []
