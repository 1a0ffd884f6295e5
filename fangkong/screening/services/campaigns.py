"""Campaigns: create (the regime copied from policy), the target population (set-based, with the
maintained per-building counts), state changes, exemptions and reasons untested."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.areas.models import Area, Level
from fangkong.core.audit import model_update, msgid, record
from fangkong.people.models import Person, PersonStatus

from .. import policy
from ..models import Campaign, CoverageCount, Exemption, HomeVisit, TargetPerson

OBSERVED = (
    PersonStatus.HOME_OBSERVATION,
    PersonStatus.CENTRALIZED_OBSERVATION,
    PersonStatus.HEALTH_MONITORING,
    PersonStatus.CLOSE_CONTACT,
    PersonStatus.SECONDARY_CONTACT,
)
# Priority groups a campaign may target; each maps to people of the registry.
PRIORITY_GROUPS = {
    "observation": (PersonStatus.HOME_OBSERVATION, PersonStatus.CENTRALIZED_OBSERVATION),
    "health_monitoring": (PersonStatus.HEALTH_MONITORING,),
    "contacts": (PersonStatus.CLOSE_CONTACT, PersonStatus.SECONDARY_CONTACT),
    "returnees": (PersonStatus.RETURNEE_PENDING,),
}
# Who is never a target: already confirmed or positive people are followed elsewhere.
EXCLUDED = (PersonStatus.CONFIRMED, PersonStatus.PRELIMINARY_POSITIVE)


def _actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    area: Area,
    starts: datetime.datetime,
    ends: datetime.datetime,
    rule: str = Campaign.Rule.EVERYONE,
    rule_params: dict | None = None,
    extra_areas=(),
) -> Campaign:
    """A draft campaign; its regime (single or pooled tubes, special rules, antigen) is the policy's at
    the moment of creation and stays with the campaign."""
    if ends <= starts:
        raise ValidationError({"ends": _("The window must end after it starts.")})
    if area.level not in (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID, Level.BUILDING):
        raise ValidationError(
            {"area": _("A campaign covers a district, a street, a community, a grid or a building.")}
        )
    if rule not in Campaign.Rule.values:
        raise ValidationError({"rule": _("Unknown target rule.")})
    params = dict(rule_params or {})
    if rule == Campaign.Rule.PRIORITY:
        groups = [g for g in params.get("groups", []) if g in PRIORITY_GROUPS]
        if not groups:
            raise ValidationError({"rule": _("Choose at least one priority group.")})
        params["groups"] = groups
    if rule == Campaign.Rule.ARRIVALS:
        try:
            params["days"] = int(params.get("days") or 0)
        except (TypeError, ValueError):
            params["days"] = 0
        if params["days"] <= 0:
            raise ValidationError({"rule": _("Give the number of days for arrivals.")})
    snap = policy.regime_snapshot(at=starts, area=area)
    campaign = Campaign.objects.create(
        area=area,
        name=name.strip()[:120],
        rule=rule,
        rule_params=params,
        starts=starts,
        ends=ends,
        created_by=_actor(actor),
        **snap,
    )
    if extra_areas:
        campaign.extra_areas.set(list(extra_areas))
    record(
        campaign,
        "create",
        actor=actor,
        message=gettext_noop("Campaign %(name)s created: %(regime)s, %(n)s per tube"),
        params={
            "name": campaign.name,
            "regime": msgid(Campaign.Regime(campaign.regime).label),
            "n": campaign.pool_size,
        },
    )
    return campaign


def scope_paths(campaign: Campaign) -> list[str]:
    paths = [campaign.area_path, *campaign.extra_areas.values_list("path", flat=True)]
    # An extra area inside the main one adds nothing.
    return sorted({p for p in paths if not any(p != q and p.startswith(q) for q in paths)})


def target_queryset(campaign: Campaign):
    """The people the rule selects (the registry today), before exemptions."""
    from django.db.models import Q

    q = Q()
    for p in scope_paths(campaign):
        q |= Q(area_path__startswith=p)
    qs = Person.objects.filter(q).exclude(status__in=EXCLUDED)
    params = campaign.rule_params or {}
    if campaign.rule == Campaign.Rule.PRIORITY:
        statuses = [s for g in params.get("groups", []) for s in PRIORITY_GROUPS.get(g, ())]
        qs = qs.filter(status__in=statuses)
    elif campaign.rule == Campaign.Rule.ARRIVALS:
        since = campaign.starts - datetime.timedelta(days=int(params.get("days", 3)))
        qs = qs.filter(status_history__status=PersonStatus.RETURNEE_PENDING, status_history__since__gte=since)
    elif campaign.rule == Campaign.Rule.CUSTOM:
        if params.get("status"):
            qs = qs.filter(status__in=list(params["status"]))
        if params.get("person_type"):
            qs = qs.filter(person_type__in=list(params["person_type"]))
    return qs.distinct()


BUILDING_DEPTHS = (16, 20, 24, 28)


def _building_sql(alias: str) -> str:
    """SQL joining a person row `alias` to its building (an ancestor of level building): one equality
    join per possible depth, so that each is a hash join on the few building rows (an OR of four
    prefixes was an index probe per person). Pair with `_building_id(alias)`."""
    return " ".join(
        f"LEFT JOIN areas_area b{n} ON b{n}.level = 'building' AND b{n}.path = substr({alias}.area_path, 1, {n})"
        for n in BUILDING_DEPTHS
    )


def _building_id(alias: str) -> str:
    """The building's id (the person's own area when no building lies above it)."""
    return f"COALESCE({', '.join(f'b{n}.id' for n in BUILDING_DEPTHS)}, {alias}.area_id)"


@transaction.atomic
def campaign_target_compute(*, actor, campaign: Campaign) -> int:
    """(Re)compute the target population (应检人群底数) of a campaign that has not started: one set-based
    INSERT … SELECT of TargetPerson rows and one of the per-building counts. Returns the count."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state not in (Campaign.State.DRAFT, Campaign.State.SCHEDULED):
        raise ValidationError(_("The target population is fixed once the campaign runs."))
    TargetPerson.objects.filter(campaign=campaign).delete()
    CoverageCount.objects.filter(campaign=campaign).delete()
    ids_sql, ids_params = target_queryset(campaign).order_by().values("id").query.sql_with_params()
    single = [s.value for s in OBSERVED] if campaign.observation_single else []
    marks = ",".join(["%s"] * len(single))
    single_sql = f"p.status IN ({marks})" if single else "1 = 0"
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO screening_targetperson
                (campaign_id, person_id, area_id, area_path, building_id, single_tube, state, result,
                 reason_note, created_at, updated_at)
            SELECT %s, p.id, p.area_id, p.area_path, {_building_id("p")}, {single_sql}, 'pending', '',
                   '', %s, %s
            FROM people_person p {_building_sql("p")}
            WHERE p.id IN ({ids_sql})
            """,
            [campaign.pk, *single, now, now, *ids_params],
        )
        if connection.vendor == "postgresql":
            # The rows just written (up to millions): the counts below and the first sampling queries
            # are planned by real figures, not by the statistics of an empty table.
            cur.execute("ANALYZE screening_targetperson")
        cur.execute(
            """
            INSERT INTO screening_coveragecount
                (campaign_id, area_id, area_path, target, sampled, exempt, pending_results, negative, to_retest,
                 positive, created_at, updated_at)
            SELECT t.campaign_id, t.building_id, a.path, COUNT(*), 0, 0, 0, 0, 0, 0, %s, %s
            FROM screening_targetperson t JOIN areas_area a ON a.id = t.building_id
            WHERE t.campaign_id = %s
            GROUP BY t.campaign_id, t.building_id, a.path
            """,
            [now, now, campaign.pk],
        )
    # Exemptions recorded before the (re)computation still hold.
    for ex in Exemption.objects.filter(campaign=campaign):
        _apply_reason(campaign, ex.person_id, ex.reason)
    n = TargetPerson.objects.filter(campaign=campaign).count()
    campaign.target_computed_at = now
    campaign.save(update_fields=["target_computed_at", "updated_at"])
    record(
        campaign,
        "update",
        actor=actor,
        message=gettext_noop("Target population computed: %(n)s people"),
        params={"n": n},
    )
    return n


STATE_FLOW = {
    Campaign.State.DRAFT: (Campaign.State.SCHEDULED, Campaign.State.RUNNING),
    Campaign.State.SCHEDULED: (Campaign.State.RUNNING, Campaign.State.DRAFT),
    Campaign.State.RUNNING: (Campaign.State.FINISHED,),
    Campaign.State.FINISHED: (),
}


@transaction.atomic
def campaign_state_set(*, actor, campaign: Campaign, state: str) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if state not in STATE_FLOW.get(campaign.state, ()):
        raise ValidationError(
            _("A %(from)s campaign cannot become %(to)s.")
            % {
                "from": campaign.get_state_display(),
                "to": Campaign.State(state).label if state in Campaign.State.values else state,
            }
        )
    if state == Campaign.State.RUNNING and campaign.target_computed_at is None:
        raise ValidationError(_("Compute the target population before starting."))
    campaign, _changed = model_update(
        campaign,
        {"state": state},
        actor=actor,
        message=gettext_noop("Campaign state set to %(state)s"),
        params={"state": msgid(Campaign.State(state).label)},
    )
    return campaign


REASON_STATE = {
    Exemption.Reason.INFANT: TargetPerson.State.EXEMPT,
    Exemption.Reason.TESTED_ELSEWHERE: TargetPerson.State.EXEMPT,
    Exemption.Reason.AWAY: TargetPerson.State.AWAY,
    Exemption.Reason.REFUSED: TargetPerson.State.REFUSED,
    Exemption.Reason.BED_BOUND: TargetPerson.State.BED_BOUND,
}
# Reasons that take a person out of the denominator of coverage.
EXEMPT_REASONS = (Exemption.Reason.INFANT, Exemption.Reason.TESTED_ELSEWHERE, Exemption.Reason.AWAY)


def _apply_reason(campaign: Campaign, person_id: int, reason: str) -> None:
    t = TargetPerson.objects.filter(campaign=campaign, person_id=person_id).first()
    if t is None or t.state == TargetPerson.State.SAMPLED:
        return
    was_exempt = t.state in (TargetPerson.State.EXEMPT, TargetPerson.State.AWAY)
    t.state = REASON_STATE[reason]
    t.save(update_fields=["state", "updated_at"])
    now_exempt = reason in EXEMPT_REASONS
    if was_exempt != now_exempt:
        CoverageCount.objects.filter(campaign=campaign, area_id=t.building_id).update(
            exempt=F("exempt") + (1 if now_exempt else -1)
        )


@transaction.atomic
def exemption_record(*, actor, campaign: Campaign, person: Person, reason: str, proof: str = "") -> Exemption:
    """An exemption or a reason a person is untested (away, refused, bed-bound…). Bed-bound creates a
    home sampling visit; tested elsewhere needs its proof."""
    if reason not in Exemption.Reason.values:
        raise ValidationError({"reason": _("Unknown reason.")})
    if reason == Exemption.Reason.TESTED_ELSEWHERE and not proof.strip():
        raise ValidationError({"proof": _("Tested elsewhere needs its proof (where and when).")})
    if not TargetPerson.objects.filter(campaign=campaign, person=person).exists():
        raise ValidationError({"person": _("This person is not in the campaign's target population.")})
    if TargetPerson.objects.filter(
        campaign=campaign, person=person, state=TargetPerson.State.SAMPLED
    ).exists():
        raise ValidationError({"person": _("This person has already been sampled.")})
    ex, created = Exemption.objects.update_or_create(
        campaign=campaign,
        person=person,
        defaults={
            "reason": reason,
            "proof": proof.strip()[:200],
            "recorded_by": _actor(actor),
            "area_id": person.area_id,
            "area_path": person.area_path,
        },
    )
    _apply_reason(campaign, person.pk, reason)
    if reason == Exemption.Reason.BED_BOUND:
        HomeVisit.objects.get_or_create(
            campaign=campaign,
            person=person,
            defaults={"area_id": person.area_id, "area_path": person.area_path},
        )
    record(
        ex,
        "create" if created else "update",
        actor=actor,
        message=gettext_noop("Reason untested recorded for %(person)s: %(reason)s"),
        params={"person": person.name, "reason": msgid(Exemption.Reason(reason).label)},
    )
    return ex
