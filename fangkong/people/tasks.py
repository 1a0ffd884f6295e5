"""Survey imports run as background jobs: a 100,000-row file takes longer than a web request may."""

from celery import shared_task


def _user(actor_id):
    from fangkong.accounts.models import User

    return User.objects.filter(pk=actor_id).first() if actor_id else None


@shared_task
def import_preview_task(batch_id: int, actor_id: int | None = None) -> str:
    from . import services

    return services.import_batch_preview(batch_id=batch_id, actor=_user(actor_id)).state


@shared_task
def import_commit_task(batch_id: int, actor_id: int | None = None) -> str:
    from . import services

    return services.import_batch_run(batch_id=batch_id, actor=_user(actor_id)).state


@shared_task
def import_files_expire_task() -> int:
    from . import services

    return services.import_files_expire()
