"""The gates section of the leadership briefing: the day's scans and refusals, returnees by stage,
follow-ups open."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_noop

from fangkong.core.figures import Figure, Section, count_by_community, day_window

from .models import FollowUp, ReturneeNotice, ScanEvent, Verdict

STAGES = [
    ReturneeNotice.Stage.NOTIFIED,
    ReturneeNotice.Stage.INSPECTION,
    ReturneeNotice.Stage.DECIDED,
    ReturneeNotice.Stage.COMPLETED,
]


def compute(as_of, communities) -> dict[int, dict[str, float]]:
    communities = list(communities)
    out: dict[int, dict[str, float]] = {c.pk: {} for c in communities}
    _day, start, end = day_window(as_of)
    scans = ScanEvent.objects.filter(scanned_at__gte=start, scanned_at__lt=end)
    for cid, by in count_by_community(scans, communities, by="verdict").items():
        out[cid]["scans"] = sum(by.values())
        out[cid]["refusals"] = by.get(Verdict.DENY, 0) + by.get(Verdict.REFER, 0)
    # A notice's stage is its current one: the history of stages is not dated.
    notices = ReturneeNotice.objects.filter(created_at__lte=as_of, stage__in=STAGES)
    for cid, by in count_by_community(notices, communities, by="stage").items():
        for stage, n in by.items():
            out[cid][f"returnees_{stage}"] = n
    followups = FollowUp.objects.filter(created_at__lte=as_of).filter(
        Q(status=FollowUp.Status.OPEN) | Q(status=FollowUp.Status.CLOSED, closed_at__gt=as_of)
    )
    for cid, n in count_by_community(followups, communities).items():
        out[cid]["followups_open"] = n
    return out


def section() -> Section:
    returnees = "gates:returnee-list"
    return Section(
        key="gates",
        title=gettext_noop("Gates and returnees"),
        order=20,
        perm=("gates.view_scanevent", "people.view_statistics"),
        figures=(
            Figure(
                "scans",
                gettext_noop("Gate scans of the day"),
                unit=gettext_noop("scans"),
                link="gates:scan-list",
                link_query={"day": "{date}"},
                higher_is_worse=False,
            ),
            Figure(
                "refusals",
                gettext_noop("Refused or referred at the gate"),
                unit=gettext_noop("scans"),
                link="gates:refusal-list",
                link_query={"day": "{date}"},
            ),
            Figure(
                "refusal_rate",
                gettext_noop("Share refused or referred"),
                unit="%",
                ratio=("refusals", "scans"),
            ),
            *(
                Figure(
                    f"returnees_{s}",
                    s.label,
                    unit=gettext_noop("people"),
                    link=returnees,
                    link_query={"stage": str(s)},
                )
                for s in STAGES
            ),
            Figure(
                "followups_open",
                gettext_noop("Gate follow-ups open"),
                unit=gettext_noop("people"),
                link="gates:followup-list",
                link_query={"status": "open"},
            ),
        ),
        compute=compute,
        sentence=gettext_noop(
            "{area}: {scans} gate scans on the day, {refusals} refused or referred ({refusal_rate}); "
            "{followups_open} follow-ups open ({followups_open__change} since the previous briefing)."
        ),
    )
