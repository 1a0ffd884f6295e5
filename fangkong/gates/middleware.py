"""The gate device's single scan ahead of the middleware it does not need (issue 23).

A token-authenticated POST to /api/gates/scans/ carries no session, cookie or form: sessions, CSRF,
messages, HTMX, the page's CSP and the login lockout do nothing for it but cost a fifth of a
millisecond. This middleware sits right after SecurityMiddleware and WhiteNoise and hands such a request
to the plain view (gates.api.fast.scan_create); when that view does not answer (anything but a valid
token-authenticated scan, see its docstring) the request goes through the whole chain to the DRF view
as before. What the skipped middleware would add that matters to this answer is added here: the request
id (RequestContextMiddleware), no-store (NoStoreMiddleware), no framing (XFrameOptionsMiddleware) and a
CSP that allows nothing, since a JSON answer needs nothing."""

from __future__ import annotations

import uuid

from django.utils.http import http_date

from fangkong.core import context

CSP = "default-src 'none'; frame-ancestors 'none'"
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


class ScanFastLane:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info == "/api/gates/scans/" and not request.GET:
            from .api.fast import scan_create

            rid = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
            token = context.set_current(
                context.RequestContext(request_id=rid, user_id=None, ip=request.META.get("REMOTE_ADDR", ""))
            )
            try:
                response = scan_create(request, rid)
            finally:
                context.reset(token)
            if response is not None:
                response["X-Request-ID"] = rid
                response["X-Frame-Options"] = "DENY"
                response["Content-Security-Policy"] = CSP
                # add_never_cache_headers' result, written out (it parses the header it builds).
                response["Expires"] = http_date()
                response["Cache-Control"] = NO_STORE
                return response
        return self.get_response(request)
