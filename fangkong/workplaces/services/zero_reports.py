"""Daily zero reports (零报告): the phone link, filing and amending, absences fed to observation's
sick-leave intake, and the on-site ratio checked against policy."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import record, snapshot
from fangkong.core.models import ChangeLog

from ..models import MissingReportAlert, ReportLink, Violation, ZeroReport, ZeroReportRevision
from .common import _user, workplace_for

LINK_DAYS = 90
REPORT_FIELDS = (
    "staff_total",
    "staff_on_site",
    "absent_sick",
    "absentees",
    "arrivals_outside",
    "temperature_checked",
    "disinfected",
    "note",
    "channel",
)


@transaction.atomic
def report_link_create(*, actor, workplace, days: int = LINK_DAYS) -> ReportLink:
    """A new phone link for the workplace's zero report; earlier links stay valid until revoked."""
    workplace = workplace_for(actor, workplace, "workplaces.add_reportlink")
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("A link is valid for 1 to 366 days.")})
    link = ReportLink.objects.create(
        area_id=workplace.area_id,
        area_path=workplace.area_path,
        workplace=workplace,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        created_by=_user(actor),
    )
    record(link, ChangeLog.Action.CREATE, actor=actor)
    return link


@transaction.atomic
def report_link_revoke(*, actor, link: ReportLink) -> ReportLink:
    workplace_for(actor, link.workplace, "workplaces.change_reportlink")
    if link.revoked_at is None:
        before = snapshot(link)
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])
        record(link, ChangeLog.Action.UPDATE, actor=actor, before=before)
    return link


def _clean_absentees(absentees) -> list[dict]:
    from fangkong.observation.models import Symptom

    out = []
    for i, a in enumerate(absentees or [], start=1):
        name = (a.get("name") or "").strip()
        symptoms = [s for s in (a.get("symptoms") or []) if s]
        if not name and not symptoms and not (a.get("phone") or "").strip():
            continue  # an empty row of the form
        if not name:
            raise ValidationError({"absentees": _("Absent person %(n)d: the name is missing.") % {"n": i}})
        if len(name) > 50:
            raise ValidationError({"absentees": _("Absent person %(n)d: the name is too long.") % {"n": i}})
        if not symptoms:
            raise ValidationError(
                {"absentees": _("Absent person %(n)d: name at least one symptom.") % {"n": i}}
            )
        if any(s not in Symptom.values for s in symptoms):
            raise ValidationError({"absentees": _("Absent person %(n)d: unknown symptom.") % {"n": i}})
        out.append({"name": name, "phone": (a.get("phone") or "").strip()[:20], "symptoms": symptoms})
    names = [a["name"] for a in out]
    if len(names) != len(set(names)):
        raise ValidationError({"absentees": _("The same person is listed twice.")})
    return out


@transaction.atomic
def zero_report_file(
    *,
    actor,
    workplace,
    staff_on_site: int,
    staff_total: int | None = None,
    absentees=None,
    arrivals_outside: int = 0,
    temperature_checked: bool = False,
    disinfected: bool = False,
    note: str = "",
    channel: str = ZeroReport.Channel.WORKBENCH,
    date: datetime.date | None = None,
    link: ReportLink | None = None,
) -> ZeroReport:
    """File the day's zero report; a second filing the same day amends it (the old values go to the
    revision table). `link` stands for the actor when filed from the phone link (no login)."""
    if link is not None:
        if not link.usable or link.workplace_id != workplace.pk:
            raise ValidationError(_("This link is not valid any more. Ask your street for a new one."))
        channel = ZeroReport.Channel.LINK
    else:
        workplace = workplace_for(actor, workplace, "workplaces.add_zeroreport")
    if not workplace.open:
        raise ValidationError(_("This workplace is closed: no report is due."))
    date = date or timezone.localdate()
    if date > timezone.localdate() or date < timezone.localdate() - datetime.timedelta(days=7):
        raise ValidationError({"date": _("A report is for today or one of the last 7 days.")})
    staff_total = workplace.staff_count if staff_total is None else staff_total
    people = _clean_absentees(absentees)
    for name, value in (
        ("staff_on_site", staff_on_site),
        ("staff_total", staff_total),
        ("arrivals_outside", arrivals_outside),
    ):
        if value is None or value < 0:
            raise ValidationError({name: _("Enter a number of 0 or more.")})
    if staff_on_site + len(people) > staff_total:
        raise ValidationError(
            {
                "staff_on_site": _(
                    "Staff on site and absent for illness add up to more than the staff (%(n)d)."
                )
                % {"n": staff_total}
            }
        )
    if len(note) > 300:
        raise ValidationError({"note": _("At most 300 characters.")})

    existing = ZeroReport.objects.select_for_update().filter(workplace=workplace, date=date).first()
    previous = {a["name"]: a for a in (existing.absentees if existing else [])}
    stored = []
    for a in people:
        old = previous.get(a["name"])
        if old is not None:
            stored.append({**old, "symptoms": a["symptoms"]})
            continue
        stored.append(
            {
                "name": a["name"],
                "symptoms": a["symptoms"],
                "sick_leave": _sick_leave(actor, workplace, a, date),
            }
        )
    values = {
        "staff_total": staff_total,
        "staff_on_site": staff_on_site,
        "absent_sick": len(stored),
        "absentees": stored,
        "arrivals_outside": arrivals_outside,
        "temperature_checked": bool(temperature_checked),
        "disinfected": bool(disinfected),
        "note": note.strip(),
        "channel": channel,
    }
    now = timezone.now()
    if existing is None:
        report = ZeroReport.objects.create(
            area_id=workplace.area_id,
            area_path=workplace.area_path,
            workplace=workplace,
            date=date,
            filed_at=now,
            filed_by=_user(actor),
            **values,
        )
        record(report, ChangeLog.Action.CREATE, actor=actor)
    else:
        report = existing
        before = snapshot(report)
        ZeroReportRevision.objects.create(
            report=report,
            revision=report.revision,
            data={f: getattr(report, f) for f in REPORT_FIELDS},
            filed_at=report.filed_at,
            filed_by=report.filed_by,
        )
        for f, v in values.items():
            setattr(report, f, v)
        report.revision += 1
        report.filed_at = now
        report.filed_by = _user(actor)
        report.save()
        record(
            report,
            ChangeLog.Action.UPDATE,
            actor=actor,
            before=before,
            message=gettext_noop("zero report amended (revision %(n)s)"),
            params={"n": report.revision},
        )
    MissingReportAlert.objects.filter(workplace=workplace, date=date, resolved_at__isnull=True).update(
        resolved_at=now
    )
    onsite_check(report=report, actor=actor)
    return report


def _sick_leave(actor, workplace, absentee: dict, date) -> int:
    """因病缺勤: each absent person goes to observation's sick-leave intake (its service, its rules)."""
    from fangkong.observation import services as observation

    sick = observation.sick_leave_report(
        actor=_user(actor),
        workplace=workplace.place,
        person_name=absentee["name"],
        phone=absentee.get("phone", ""),
        symptoms=absentee["symptoms"],
        days=1,
        date=date,
    )
    return sick.pk


def onsite_check(*, report: ZeroReport, actor=None) -> Violation | None:
    """On-site ratio of a dense company against policy: the registry's rule check (check_onsite) on this
    report; over the limit a violation naming the report and the rule's version, back under it (an
    amendment) resolved."""
    from .checks import check_onsite

    return check_onsite(report, actor=actor)
