"""Prevention plans (一楼一方案, 一企一方案): generated from the template or uploaded, each a new
version; submitted by the workplace, approved or rejected by the street (workplaces.approve_plan)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog

from ..models import Plan, PlanSource, PlanStatus
from .common import _may, _user, _visible, workplace_for

MAX_PLAN_BYTES = 10 * 1024 * 1024
UPLOAD_TYPES = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
}


def _new_version(
    *, actor, workplace, source: str, content: bytes, filename: str, content_type: str, note: str
) -> Plan:
    last = Plan.objects.filter(workplace=workplace).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                area_id=workplace.area_id,
                area_path=workplace.area_path,
                workplace=workplace,
                version=last + 1,
                source=source,
                file=content,
                filename=filename[:200],
                content_type=content_type,
                note=(note or "")[:2000],
                created_by=_user(actor),
            )
    except IntegrityError:  # two versions at once: one wins, the other asks again
        raise ValidationError(_("Another version was saved at the same time: try again.")) from None
    record(plan, ChangeLog.Action.CREATE, actor=actor)
    return plan


@transaction.atomic
def plan_generate(*, actor, workplace, note: str = "") -> Plan:
    """A new version from the template, filled with the workplace's data (documents.plan_pdf)."""
    from ..documents import plan_pdf

    workplace = workplace_for(actor, workplace, "workplaces.add_plan")
    content = plan_pdf(workplace)
    return _new_version(
        actor=actor,
        workplace=workplace,
        source=PlanSource.TEMPLATE,
        content=content,
        filename=f"防控方案-{workplace.pk}-v{(workplace.plans.count() + 1)}.pdf",
        content_type="application/pdf",
        note=note,
    )


@transaction.atomic
def plan_upload(*, actor, workplace, content: bytes, filename: str, note: str = "") -> Plan:
    """A new version from a file: a PDF or a Word (.docx) document, at most 10 MB."""
    workplace = workplace_for(actor, workplace, "workplaces.add_plan")
    name = (filename or "").strip().replace("\x00", "")
    ext = name[name.rfind(".") :].lower() if "." in name else ""
    if ext not in UPLOAD_TYPES:
        raise ValidationError({"file": _("Upload the plan as a PDF or a Word (.docx) file.")})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_PLAN_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    content_type, magic = UPLOAD_TYPES[ext]
    if not content.startswith(magic):
        raise ValidationError(
            {"file": _("The file is not what its name says: upload a PDF or a .docx file.")}
        )
    return _new_version(
        actor=actor,
        workplace=workplace,
        source=PlanSource.UPLOAD,
        content=content,
        filename=name,
        content_type=content_type,
        note=note,
    )


@transaction.atomic
def plan_submit(*, actor, plan) -> Plan:
    """The workplace hands a draft (or a rejected version) to the street for approval."""
    plan = _visible(Plan, actor, "workplaces.change_plan", plan, field="plan", message=_("Unknown plan."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.SUBMITTED:
        return plan  # a retried request: already submitted
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.REJECTED):
        raise ValidationError({"plan": _("Only a draft or a rejected plan can be submitted.")})
    if Plan.objects.filter(workplace_id=plan.workplace_id, version__gt=plan.version).exists():
        raise ValidationError({"plan": _("A newer version exists: submit that one.")})
    plan, _c = model_update(
        plan,
        {"status": PlanStatus.SUBMITTED, "submitted_at": timezone.now()},
        actor=actor,
        message=gettext_noop("submitted for approval"),
    )
    return plan


@transaction.atomic
def plan_decide(*, actor, plan, approve: bool, note: str = "") -> Plan:
    """The street approves or rejects a submitted plan; a rejection says why."""
    plan = _visible(Plan, actor, "workplaces.view_plan", plan, field="plan", message=_("Unknown plan."))
    if not _may(actor, "workplaces.approve_plan", plan.area_path):
        raise ValidationError({"plan": _("You may not approve plans here.")})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    target = PlanStatus.APPROVED if approve else PlanStatus.REJECTED
    if plan.status == target:
        return plan  # a retried request
    if plan.status != PlanStatus.SUBMITTED:
        raise ValidationError({"plan": _("Only a submitted plan can be approved or rejected.")})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why the plan is rejected.")})
    plan, _c = model_update(
        plan,
        {
            "status": target,
            "approved_by": _user(actor),
            "approved_at": timezone.now(),
            "decision_note": note[:2000],
        },
        actor=actor,
        message=gettext_noop("approved") if approve else gettext_noop("rejected"),
    )
    return plan
