"""Who is acting and in which request, for the audit log of services called outside a view too."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    user_id: int | None = None
    ip: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("fangkong_request", default=_EMPTY)  # noqa: B039 (frozen)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
