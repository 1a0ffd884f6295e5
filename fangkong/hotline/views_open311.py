"""Open311 GeoReport v2 endpoints (JSON). Thin: authenticate the API key, parse, call the intake
service or read, answer in the standard's shapes (open311.py). Outside /api/ on purpose: the standard
fixes its own paths, form-encoded POSTs and error format, which the project's OpenAPI schema does not
describe (test_api_schemathesis excludes nothing here because it never sees these routes; the tests
in tests/test_open311.py cover them, bad input included)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import open311, services
from .models import Status
from .open311 import Open311Error, error_response
from .selectors_open311 import open311_orders, request_json, service_catalogue

MAX_REQUESTS = 1000
DEFAULT_DAYS = 90


def _json(data, status=200):
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _integration(request):
    key = request.POST.get("api_key") if request.method == "POST" else request.GET.get("api_key")
    if not key and request.method == "POST":
        key = request.GET.get("api_key")
    key = key or request.headers.get("X-Api-Key", "")
    integration = services.integration_for_key(key or "")
    if integration is None:
        raise Open311Error(403, "Invalid api_key")
    return integration


def _answer(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Open311Error as e:
            return e.response()

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
@_answer
def services_list(request):
    return _json([open311.service_json(**s) for s in service_catalogue()])


@require_GET
@_answer
def service_definition(request, code: str):
    if code not in {s["code"] for s in service_catalogue()}:
        raise Open311Error(404, f"service_code {code[:40]} not found")
    return _json(open311.definition_json(code=code))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_answer
def requests_view(request):
    if request.method == "POST":
        return _post(request)
    integration = _integration(request)
    params = request.GET
    ids = open311.parse_ids(params.get("service_request_id", ""))
    start = open311.parse_dt_param(params, "start_date")
    end = open311.parse_dt_param(params, "end_date")
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    if start and end and end - start > dt.timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    status = params.get("status", "")
    statuses = [s.strip() for s in status.split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "status must be open or closed")
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    qs = open311_orders(integration)
    if ids:
        qs = qs.filter(pk__in=ids)
    else:
        # the standard's default and largest window: 90 days (ending now, or at end_date)
        if not start:
            start = (end or timezone.now()) - dt.timedelta(days=DEFAULT_DAYS)
        if start:
            qs = qs.filter(received_at__gte=start)
        if end:
            qs = qs.filter(received_at__lte=end)
    if codes:
        qs = qs.filter(category__in=codes)
    if statuses == ["open"]:
        qs = qs.exclude(status=Status.CLOSED)
    elif statuses == ["closed"]:
        qs = qs.filter(status=Status.CLOSED)
    return _json([request_json(o) for o in qs.order_by("-received_at", "-pk")[:MAX_REQUESTS]])


def _post(request):
    integration = _integration(request)
    data = request.POST
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    if code not in {s["code"] for s in service_catalogue()}:
        raise Open311Error(400, f"service_code {code[:40]} was not found")
    if not (data.get("address_string") or "").strip() and not (data.get("lat") and data.get("long")):
        raise Open311Error(400, "address_string or lat and long must be provided")
    client_key = request.headers.get("Idempotency-Key") or data.get("attribute[request_id]", "")
    try:
        order, _created = services.open311_request_create(
            integration=integration, data=data, client_key=client_key
        )
    except ValidationError as e:
        raise Open311Error(400, "; ".join(str(m) for m in e.messages)) from None
    return _json(
        [{"service_request_id": order.pk, "service_notice": _service_notice(order), "account_id": None}]
    )


def _service_notice(order) -> str:
    due = open311.iso(getattr(order, "response_due", None))
    return _("Received; first response due %(due)s.") % {"due": due} if due else _("Received.")


@require_GET
@_answer
def request_detail(request, pk: int):
    integration = _integration(request)
    order = open311_orders(integration).filter(pk=pk).first()
    if order is None:
        raise Open311Error(404, f"service_request_id {pk} not found")
    return _json([request_json(order)])


def not_found(request, *args, **kwargs):
    return error_response(404, "Not found: only the JSON format is offered")
