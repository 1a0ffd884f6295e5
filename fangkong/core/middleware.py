import json
import logging
import re
import time
import uuid

from django.utils.functional import empty
from django.utils.translation import gettext_lazy as _lazy

from . import context
from .logs import redact

# A proxy's request id is kept when it looks like one (nginx's $request_id is 32 hex digits; UUIDs,
# tokens of letters, digits, '-', '_', '.'), and never when it holds a run of 11 digits or more: the
# header is the client's to set, and a phone or an ID number in it would be logged with every line.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_LONG_DIGITS = re.compile(r"[0-9]{11}")

request_log = logging.getLogger("fangkong.request")


def new_request_id() -> str:
    while True:
        rid = uuid.uuid4().hex
        if not _LONG_DIGITS.search(rid):  # about 1 in 200 has one: draw again (see _REQUEST_ID)
            return rid


def request_id_for(request) -> str:
    """The id of this request: set once by the first of our middlewares that sees it."""
    rid = getattr(request, "request_id", None)
    if rid:
        return rid
    given = request.headers.get("X-Request-ID", "")
    if given and _REQUEST_ID.fullmatch(given) and not _LONG_DIGITS.search(given):
        rid = given
    else:
        rid = new_request_id()
    request.request_id = rid
    return rid


def _user_id(request):
    """The user's id when authentication already ran; never forces a session lookup of its own."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # a SimpleLazyObject not evaluated yet holds `empty`
    if wrapped is None or wrapped is empty:
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


class RequestLogMiddleware:
    """One INFO line per request on the `fangkong.request` logger: request id, user id, method, path
    (never the query string, which holds searches by ID number or phone), view name, status and duration.
    First in the chain after the probes, so redirects and refusals of later middlewares are logged and
    timed too. The request id is echoed in the X-Request-ID response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        rid = request_id_for(request)
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
        finally:
            if request_log.isEnabledFor(logging.INFO):
                match = getattr(request, "resolver_match", None)
                path = redact(request.path)  # a lookup by number in the path itself (/lookup/<code>/)
                request_log.info(
                    "%s %s %s",
                    request.method,
                    path,
                    status,
                    extra={
                        "request_id": rid,
                        "user_id": _user_id(request),
                        "method": request.method,
                        "path": path,
                        "view": (match.view_name or match._func_path) if match else "",
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
        response["X-Request-ID"] = rid
        return response


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when a proxy set one) for the change log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id_for(request)
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


NUL_MESSAGE = _lazy("The request contains a NUL character (\\0), which no field accepts.")


def has_nul(data) -> bool:
    """Whether a QueryDict or a parsed JSON value holds a NUL in a key or a value. Batch endpoints that
    judge each item on their own (`nul_per_item`) call it per item."""
    if isinstance(data, str):
        return "\x00" in data
    if isinstance(data, dict):
        return any(has_nul(k) or has_nul(v) for k, v in data.items())
    if isinstance(data, list):
        return any(has_nul(v) for v in data)
    if hasattr(data, "lists"):  # a QueryDict
        return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in data.lists())
    return False


def _bodyhas_nul(request) -> bool:
    ctype = request.content_type or ""
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Fields only: uploaded files are binary, and their readers refuse a NUL themselves (core.imports).
        from django.http.multipartparser import MultiPartParserError

        try:
            return has_nul(request.POST)
        except MultiPartParserError:
            return False  # a broken upload: the view's own reading answers it
    if ctype == "application/json" or ctype.endswith("+json"):
        body = request.body
        if b"\x00" in body:
            return True
        if b"\\u0000" not in body:  # the fast path: no escaped NUL, nothing to parse
            return False
        try:
            return has_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the view says so
    return False


class RefuseNulMiddleware:
    """A NUL character in the path, the query string, a form field or a JSON body is refused here with a
    400 (issue 18): PostgreSQL text cannot hold one, so left through it became a 500 in whichever query
    met it first (a lookup's search, a board's filter, a service's insert). One check for every view,
    instead of one per field. JSON for the API and for clients that do not ask for a page. The path and
    the query string are checked before anything else; the body when the view is known (process_view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or has_nul(request.GET):
            return self.refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The body once the view is known: a batch endpoint that judges each item on its own (gate scans
        # from an offline queue: one bad scan must not sink, or endlessly retry, the other 999) says
        # `nul_per_item = True` and refuses a NUL in its item itself.
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        per_item = getattr(view_func, "nul_per_item", False) or getattr(view_class, "nul_per_item", False)
        if per_item is True:
            return None
        if per_item:  # a viewset names its batch actions: {"batch", "sync"}
            action = (getattr(view_func, "actions", None) or {}).get(request.method.lower())
            if action in per_item:
                return None
        return self.refuse(request) if _bodyhas_nul(request) else None

    @staticmethod
    def refuse(request):
        from django.http import JsonResponse
        from django.shortcuts import render

        message = str(NUL_MESSAGE)
        if request.path.startswith("/api/") or "text/html" not in request.headers.get("Accept", ""):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "errors/400.html", {"message": message}, status=400)
