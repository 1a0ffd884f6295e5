"""Chains: case links without loops, clusters."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import model_update, record
from fangkong.core.models import ChangeLog

from ..models import (
    Case,
    CaseLink,
    Cluster,
    ContactKind,
)
from .common import _user

# ------------------------------------------------------------------ chains


def _downstream(case_id: int) -> set[int]:
    """Every case reachable from `case_id` along source → case links."""
    edges: dict[int, list[int]] = {}
    for src, dst in CaseLink.objects.values_list("source_id", "case_id"):
        edges.setdefault(src, []).append(dst)
    seen, todo = set(), [case_id]
    while todo:
        n = todo.pop()
        for m in edges.get(n, []):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


@transaction.atomic
def case_link(*, actor, source: Case, case: Case, kind: str, evidence: str) -> CaseLink:
    """Record the likely source of a case. A link that would close a loop (A → B → A) is refused."""
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Unknown contact type.")})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Give the evidence.")})
    if source.pk == case.pk:
        raise ValidationError({"source": _("A case cannot be its own source.")})
    # Serialise link writes so two investigators cannot close a loop at the same moment.
    list(Case.objects.select_for_update().filter(pk__in=[source.pk, case.pk]).values_list("pk", flat=True))
    if CaseLink.objects.filter(source=source, case=case).exists():
        raise ValidationError({"source": _("This link is already recorded.")})
    if source.pk in _downstream(case.pk):
        raise ValidationError(
            {
                "source": _("%(source)s already descends from %(case)s: the link would make a loop.")
                % {"source": source.number, "case": case.number}
            }
        )
    link = CaseLink.objects.create(
        area_id=case.area_id,
        area_path=case.area_path,
        source=source,
        case=case,
        kind=kind,
        evidence=evidence.strip()[:300],
        decided_by=_user(actor),
    )
    record(link, ChangeLog.Action.CREATE, actor=actor)
    return link


@transaction.atomic
def cluster_create(*, actor, name: str, area, cases=(), notes: str = "") -> Cluster:
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the cluster a name.")})
    cluster = Cluster.objects.create(
        area=area, area_path=area.path, name=name.strip()[:120], notes=notes, created_by=_user(actor)
    )
    record(cluster, ChangeLog.Action.CREATE, actor=actor)
    if cases:
        cluster_add(actor=actor, cluster=cluster, cases=cases)
    return cluster


@transaction.atomic
def cluster_add(*, actor, cluster: Cluster, cases) -> int:
    rows = list(Case.objects.filter(pk__in=[c.pk for c in cases]).exclude(cluster=cluster))
    for c in rows:
        model_update(c, {"cluster": cluster}, actor=actor, message=gettext_noop("added to a cluster"))
    return len(rows)
