"""A worker's health (issue 20): the daily self-report of temperature and symptoms (the observation app's
report form and checks, not a copy) and the negative-test rule of the duties that need one, checked
against the worker's own results in the screening app (through `worker.person`) where they exist."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import user_can_see_path
from fangkong.policies.selectors import policy_value

from ..care_selectors import NEGATIVE_DAYS_KEY, TestCheck, negative_test_status
from ..models import Worker, WorkerHealthReport


def _may_report(actor, worker: Worker) -> bool:
    if actor is None:
        return True  # the system (seed)
    if worker.user_id is not None and worker.user_id == actor.pk:
        return True  # the worker's own report
    perm = "workforce.add_workerhealthreport"
    return actor.has_perm(perm) and user_can_see_path(actor, perm, worker.area_path)


@transaction.atomic
def health_report_submit(
    *,
    actor,
    worker: Worker,
    temperature,
    symptoms: list[str] | None = None,
    date: datetime.date | None = None,
) -> WorkerHealthReport:
    """A worker's daily health report: by the worker on their phone, or by the community for them. One
    report a day (a second one the same day corrects the first). A temperature at or over the gate's
    fever line, or any symptom, sets the worker's health to "symptoms" and flags the report for the
    community (its workbench line); a clean report later puts a worker with symptoms back to healthy (an
    isolated worker stays isolated until the community says otherwise)."""
    from fangkong.observation.services import temperature_symptoms_check

    if not _may_report(actor, worker):
        raise ValidationError({"worker": _("Choose a worker in your jurisdiction.")})
    if worker.status != Worker.Status.ACTIVE:
        raise ValidationError({"worker": _("This worker is not active.")})
    temp, symptoms = temperature_symptoms_check(temperature=temperature, symptoms=symptoms)
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError({"date": _("A report is for today or an earlier day.")})
    threshold = decimal.Decimal(str(policy_value("gate.temperature.threshold", area=worker.area_path)))
    fever = temp >= threshold
    flagged = fever or bool(symptoms)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    reporter = actor if actor is not None and actor.is_authenticated else None
    report = WorkerHealthReport.objects.filter(worker=worker, date=date).first()
    if report is None:
        report = WorkerHealthReport.objects.create(
            worker=worker,
            area_id=worker.area_id,
            area_path=worker.area_path,
            date=date,
            temperature=temp,
            symptoms=symptoms,
            fever=fever,
            flagged=flagged,
            reported_by=reporter,
        )
        record(report, ChangeLog.Action.CREATE, actor=actor)
    else:
        model_update(
            report,
            {
                "temperature": temp,
                "symptoms": symptoms,
                "fever": fever,
                "flagged": flagged,
                "reported_by": reporter,
            },
            actor=actor,
            message=gettext_noop("health report corrected"),
        )
    if date == timezone.localdate():
        if flagged and worker.health_status == Worker.Health.HEALTHY:
            model_update(
                worker,
                {"health_status": Worker.Health.SYMPTOMS},
                actor=actor,
                message=gettext_noop("health report: fever or symptoms"),
            )
        elif not flagged and worker.health_status == Worker.Health.SYMPTOMS:
            model_update(
                worker,
                {"health_status": Worker.Health.HEALTHY},
                actor=actor,
                message=gettext_noop("health report: no fever, no symptoms"),
            )
    return report


def negative_test_enforce(*, worker: Worker, duty: str, at: datetime.datetime | None = None, field="worker"):
    """Refuse a worker for a duty whose policy needs a recent negative test when the worker's own results
    show none in the window. A worker with no registry record (or no screening app) cannot be checked and
    is allowed: the caller records the check's answer (TestCheck) so the team sees who is unchecked."""
    at = at or timezone.now()
    status = negative_test_status(worker=worker, duty=duty, at=at)
    if status == TestCheck.MISSING:
        days = int(policy_value(NEGATIVE_DAYS_KEY, at=at, area=worker.area_path))
        raise ValidationError(
            {
                field: _(
                    "%(n)s has no negative test in the last %(d)s days and may not serve on this duty yet."
                )
                % {"n": worker.name, "d": days}
            }
        )
    return status
