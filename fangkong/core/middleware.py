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


class NoStoreMiddleware:
    """Cache-Control: no-store on every answer of ours (pages, API, documents): nearly all of them
    carry personal data, and a shared browser or proxy must not keep it. Static files are served by
    whitenoise before this runs and keep their long cache; a view that set its own Cache-Control
    keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
