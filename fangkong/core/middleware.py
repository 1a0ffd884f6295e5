import uuid

from . import context


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when a proxy set one) for the change log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
        request.request_id = rid
        user = getattr(request, "user", None)
        token = context.set_current(
            context.RequestContext(
                request_id=rid,
                user_id=user.pk if user is not None and user.is_authenticated else None,
                ip=request.META.get("REMOTE_ADDR", ""),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = rid
        return response
