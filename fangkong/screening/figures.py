"""Mass testing's section of the leadership briefing (fangkong.core.figures): per community, for the
campaigns whose window holds the moment (or that are running), the people to test, tested, results
pending, people to re-sample (members of a positive pool) and preliminary positives (a positive single
tube or antigen self-test: never a pool's members); and the open transfers of preliminary positives. Read from the maintained counts."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_noop

from fangkong.areas.models import STEP
from fangkong.core.figures import Figure, Section, register_section

COMMUNITY_LEN = 4 * STEP


def screening_figures(as_of, communities) -> dict[int, dict[str, float]]:
    from .models import Campaign, CoverageCount, TransferTask

    by_path = {c.path: c.pk for c in communities}
    out: dict[int, dict[str, float]] = defaultdict(
        lambda: {"due": 0, "tested": 0, "pending": 0, "to_retest": 0, "positive": 0, "transfers_open": 0}
    )
    live = Campaign.objects.filter(Q(starts__lte=as_of, ends__gte=as_of) | Q(state=Campaign.State.RUNNING))
    rows = (
        CoverageCount.objects.filter(campaign__in=live)
        .annotate(community=Substr("area_path", 1, COMMUNITY_LEN))
        .values("community")
        .annotate(
            t=Sum("target"),
            e=Sum("exempt"),
            s=Sum("sampled"),
            p=Sum("pending_results"),
            pool=Sum("to_retest"),
            pos=Sum("positive"),
        )
    )
    for r in rows:
        pk = by_path.get(r["community"])
        if pk is None:
            continue
        f = out[pk]
        f["due"] += (r["t"] or 0) - (r["e"] or 0)
        f["tested"] += r["s"] or 0
        f["pending"] += r["p"] or 0
        f["to_retest"] += r["pool"] or 0
        f["positive"] += r["pos"] or 0
    for path, n in (
        TransferTask.objects.filter(state=TransferTask.State.OPEN, created_at__lte=as_of)
        .annotate(community=Substr("area_path", 1, COMMUNITY_LEN))
        .values("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    ):
        if path in by_path:
            out[by_path[path]]["transfers_open"] += n
    return {pk: dict(v) for pk, v in out.items()}


register_section(
    Section(
        key="screening",
        title=gettext_noop("Mass testing"),
        order=40,
        perm=("screening.view_coveragecount", "people.view_statistics"),
        figures=(
            Figure("due", gettext_noop("To test"), unit=gettext_noop("people"), shown=False),
            Figure("tested", gettext_noop("Tested"), unit=gettext_noop("people"), higher_is_worse=False),
            Figure(
                "coverage", gettext_noop("Coverage"), unit="%", ratio=("tested", "due"), higher_is_worse=False
            ),
            Figure("pending", gettext_noop("Results pending"), unit=gettext_noop("people")),
            Figure(
                "to_retest",
                gettext_noop("To re-sample (pool positive)"),
                unit=gettext_noop("people"),
                link="screening:retest-list",
            ),
            Figure(
                "positive",
                gettext_noop("Preliminary positive"),
                unit=gettext_noop("people"),
                link="screening:transfer-list",
            ),
            Figure(
                "transfers_open",
                gettext_noop("Transfers open"),
                unit=gettext_noop("people"),
                link="screening:transfer-list",
                link_query={"state": "open"},
            ),
        ),
        compute=screening_figures,
        sentence=gettext_noop(
            "{tested} people tested of {due}; {to_retest} to re-sample, {positive} preliminary positive, "
            "{transfers_open} transfers open"
        ),
    )
)
