"""Health reports and alerts."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core import metrics
from fangkong.core.audit import record, snapshot
from fangkong.core.models import ChangeLog
from fangkong.policies.selectors import (
    policy_value,
    policy_values_by_area,
    value_for_path,
)

from ..models import (
    OPEN_STATUSES,
    Alert,
    HealthReport,
    Need,
    ObservationOrder,
    OrderEvent,
    OrderStatus,
    Symptom,
)
from .orders import _alert, _event, _user


def fever_alert_at_gate(
    *, person_id: int, temperature, threshold, place_name: str, at: datetime.datetime
) -> Alert | None:
    """A fever measured at a gate, for a person with an open order: a fever alert on that order (once a
    day, like a reported fever). The gates service calls this inside its own transaction; a person
    without an order is referred through the gate's follow-up queue instead, so this returns None."""
    order = (
        ObservationOrder.objects.filter(person_id=person_id, status__in=OPEN_STATUSES)
        .order_by("-start")
        .first()
    )
    if order is None:
        return None
    return _alert(
        order,
        kind=Alert.Kind.FEVER,
        date=timezone.localdate(at),
        message=_("Temperature %(t)s ℃ at the gate %(place)s (threshold %(th)s ℃)")
        % {"t": temperature, "place": place_name, "th": threshold},
    )


def temperature_symptoms_check(*, temperature, symptoms=None) -> tuple[decimal.Decimal, list[str]]:
    """The checks of a daily report's temperature and symptoms, shared by every daily health report (a
    resident's here, a cadre's or volunteer's own in workforce): the temperature to 0.1 ℃ and the symptom
    codes, or a ValidationError naming the field."""
    try:
        temp = decimal.Decimal(str(temperature)).quantize(decimal.Decimal("0.1"))
    except (decimal.InvalidOperation, ValueError) as exc:
        raise ValidationError({"temperature": _("Enter a temperature such as 36.5.")}) from exc
    if not decimal.Decimal("34") <= temp <= decimal.Decimal("43"):
        raise ValidationError({"temperature": _("Enter a temperature between 34 and 43 ℃.")})
    symptoms = [s for s in (symptoms or []) if s]
    bad = [s for s in symptoms if s not in Symptom.values]
    if bad:
        raise ValidationError({"symptoms": _("Unknown choice: %(v)s") % {"v": ", ".join(bad)}})
    return temp, symptoms


@transaction.atomic
def report_submit(
    *,
    actor,
    order: ObservationOrder,
    temperature,
    symptoms: list[str] | None = None,
    needs: list[str] | None = None,
    needs_note: str = "",
    channel: str = HealthReport.Channel.LINK,
    date: datetime.date | None = None,
) -> HealthReport:
    """A daily report from the resident's phone link (actor None) or from a worker after a call.
    Fever (at or over the policy threshold) or any symptom raises an alert; a missing-report alert of
    that day is closed."""
    if not order.is_open:
        raise ValidationError({"order": _("This order is closed.")})
    temp, symptoms = temperature_symptoms_check(temperature=temperature, symptoms=symptoms)
    needs = [n for n in (needs or []) if n]
    bad = [n for n in needs if n not in Need.values]
    if bad:
        raise ValidationError({"symptoms": _("Unknown choice: %(v)s") % {"v": ", ".join(bad)}})
    worker = _user(actor)
    date = date or timezone.localdate()
    report = HealthReport.objects.create(
        area_id=order.area_id,
        area_path=order.area_path,
        order=order,
        date=date,
        temperature=temp,
        symptoms=symptoms,
        needs=needs,
        needs_note=needs_note[:300],
        reporter=HealthReport.Reporter.WORKER if worker else HealthReport.Reporter.RESIDENT,
        reported_by=worker,
        channel=channel,
    )
    record(report, ChangeLog.Action.CREATE, actor=actor)
    threshold = decimal.Decimal(str(policy_value("gate.temperature.threshold", area=order.area_path)))
    if temp >= threshold:
        _alert(
            order,
            kind=Alert.Kind.FEVER,
            date=date,
            report=report,
            message=_("Temperature %(t)s ℃ (threshold %(th)s ℃)") % {"t": temp, "th": threshold},
        )
    if symptoms:
        _alert(
            order,
            kind=Alert.Kind.SYMPTOMS,
            date=date,
            report=report,
            message=_("Symptoms: %(s)s") % {"s": ", ".join(report.symptom_labels())},
        )
    Alert.objects.filter(
        order=order, kind=Alert.Kind.MISSING_REPORT, date=date, status=Alert.Status.OPEN
    ).update(status=Alert.Status.CLOSED, resolved_at=timezone.now(), resolution=_("Report received"))
    if needs:
        needs_handoff(report)
    return report


def needs_handoff(report: HealthReport) -> list[dict]:
    """The one hand-off point from a daily report's needs to the support app (service requests).

    Called once per report that lists needs, inside the report's transaction. Today it only returns the
    requests that should exist — one dict per need: {"kind": "food"|"medicine"|"parcels"|"rubbish"|
    "psychological", "household_area_id", "person_id", "order_id", "report_id", "note", "date"} — and the
    care group's daily list shows them as "needs open" until `report_needs_done` marks them handled.
    When the support app exists, replace the body with a call to its service (e.g.
    support.services.request_create(kind=..., area=..., source=f"observation.HealthReport:{id}")) and set
    `needs_done` once every request is created there.

    With the support app installed, a household inside an open closure gets one support request per need
    (support.services.requests_from_needs, idempotent per report and need) and the report's needs are
    marked handled there; outside any closure the care group handles them as before."""
    from django.apps import apps

    if apps.is_installed("fangkong.support") and report.needs:
        from fangkong.support.services import requests_from_needs

        if len(requests_from_needs(report)) == len(report.needs):
            report.needs_done = True
            report.save(update_fields=["needs_done", "updated_at"])
    return [
        {
            "kind": n,
            "household_area_id": report.area_id,
            "person_id": report.order.person_id,
            "order_id": report.order_id,
            "report_id": report.pk,
            "note": report.needs_note,
            "date": report.date,
        }
        for n in report.needs
    ]


@transaction.atomic
def report_needs_done(*, actor, report: HealthReport) -> HealthReport:
    before = snapshot(report)
    report.needs_done = True
    report.save(update_fields=["needs_done", "updated_at"])
    record(report, ChangeLog.Action.UPDATE, actor=actor, before=before, message=gettext_noop("needs handled"))
    return report


@transaction.atomic
def alert_resolve(*, actor, alert: Alert, action: str, note: str = "") -> Alert:
    """Handle an alert: "refer" (refer to medical) or "close"."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if action not in ("refer", "close"):
        raise ValidationError({"action": _("Unknown action.")})
    before = snapshot(alert)
    alert.status = Alert.Status.REFERRED if action == "refer" else Alert.Status.CLOSED
    alert.resolved_by, alert.resolved_at = _user(actor), timezone.now()
    alert.resolution = (note or (_("Referred to medical") if action == "refer" else _("Closed")))[:300]
    alert.save(update_fields=["status", "resolved_by", "resolved_at", "resolution", "updated_at"])
    if action == "refer":
        _event(
            alert.order,
            actor=actor,
            kind=OrderEvent.Kind.NOTE,
            reason=_("Referred to medical: %(m)s") % {"m": alert.message},
        )
    record(alert, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return alert


@transaction.atomic
def alerts_scan(*, at: datetime.datetime | None = None) -> int:
    """Create a missing-report alert for every running order with no report today once the policy
    deadline has passed. Idempotent (one alert per order, kind and day). Returns alerts created."""
    at = at or timezone.now()
    local = timezone.localtime(at)
    day = local.date()
    # Each area may set its own deadline (a policy version for that area); the most specific wins.
    deadlines = policy_values_by_area("observation.report.deadline", at=at)
    if not deadlines or local.time() < min(deadlines.values()):
        return 0
    missing = (
        ObservationOrder.objects.filter(
            status__in=(OrderStatus.ACTIVE, OrderStatus.EXTENDED), start__lte=day, planned_end__gte=day
        )
        .exclude(reports__date=day)
        .values("pk", "area_id", "area_path")
    )
    alerts = []
    for o in missing:
        deadline = value_for_path(deadlines, o["area_path"])
        if deadline is None or local.time() < deadline:
            continue
        alerts.append(
            Alert(
                order_id=o["pk"],
                area_id=o["area_id"],
                area_path=o["area_path"],
                kind=Alert.Kind.MISSING_REPORT,
                date=day,
                message=_("No health report by %(t)s") % {"t": deadline.strftime("%H:%M")},
            )
        )
    before = Alert.objects.filter(kind=Alert.Kind.MISSING_REPORT, date=day).count()
    Alert.objects.bulk_create(alerts, batch_size=2000, ignore_conflicts=True)
    created = Alert.objects.filter(kind=Alert.Kind.MISSING_REPORT, date=day).count() - before
    metrics.alerts_counted(app="observation", kind=Alert.Kind.MISSING_REPORT, n=created)
    return created
