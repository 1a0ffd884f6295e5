"""Mass testing (DOMAIN.md 3.5, issue #11): campaigns over one or more areas, their target population
(TargetPerson, with per-building maintained counts in CoverageCount), sampling sites and their lanes,
the staggered plan (SchedulePlan + SlotAssignment), tubes, samples, boxes in transit, laboratory
results, the single-tube retest list, transfer tasks for preliminary positives, antigen self-test reports
and home sampling visits. Every record hangs on the tree (ScopedModel)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.models import ScopedModel
from fangkong.core.partitioning import ByTime, NotPartitioned


class Campaign(ScopedModel):
    """One round of testing (全员核酸 or a priority-group round). `area` is the main scope; `extra_areas`
    widen it. The regime is copied from policy when the campaign is created, so a later policy change
    only governs the next campaign."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")

    class Rule(models.TextChoices):
        EVERYONE = "everyone", _("everyone registered in the scope")
        PRIORITY = "priority", _("priority groups")
        ARRIVALS = "arrivals", _("arrivals in the last N days")
        CUSTOM = "custom", _("saved custom filter")

    class Regime(models.TextChoices):
        SINGLE = "single", _("single tubes")
        POOL = "pool", _("pooled tubes")

    name = models.CharField(pgettext_lazy("not a person", "name"), max_length=120)
    extra_areas = models.ManyToManyField(
        "areas.Area", blank=True, related_name="+", verbose_name=_("further areas")
    )
    rule = models.CharField(_("target rule"), max_length=12, choices=Rule.choices, default=Rule.EVERYONE)
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    starts = models.DateTimeField(_("window start"))
    ends = models.DateTimeField(_("window end"))
    regime = models.CharField(_("regime"), max_length=8, choices=Regime.choices)
    pool_size = models.PositiveSmallIntegerField(_("people per tube"))
    observation_single = models.BooleanField(_("people under observation one per tube"), default=True)
    sealed_household = models.BooleanField(_("one household per tube (sealed compound)"), default=False)
    antigen_counts = models.BooleanField(_("antigen self-tests count"), default=False)
    regime_source = models.CharField(_("regime source"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    target_computed_at = models.DateTimeField(_("target computed at"), null=True, blank=True)

    class Meta:
        ordering = ["-starts", "-id"]
        verbose_name = _("testing campaign")
        verbose_name_plural = _("testing campaigns")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("screening:campaign-detail", args=[self.pk])


class TargetPerson(ScopedModel):
    """One person of the campaign's target population (应检人群), on their household; `building` is the
    household's building (for notices, slots and coverage)."""

    class State(models.TextChoices):
        PENDING = "pending", _("not yet tested")
        SAMPLED = "sampled", _("sampled")
        EXEMPT = "exempt", _("exempt")
        AWAY = "away", _("away")
        REFUSED = "refused", _("refused")
        BED_BOUND = "bed_bound", _("bed-bound: home sampling")

    class Result(models.TextChoices):
        NONE = "", _("no result")
        NEGATIVE = "negative", _("negative")
        FLAGGED = "flagged", _("pool positive: retest")
        PRELIMINARY_POSITIVE = "preliminary_positive", _("preliminary positive")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    building = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    single_tube = models.BooleanField(_("one per tube"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    result = models.CharField(_("result"), max_length=24, choices=Result.choices, blank=True, default="")
    reason_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["area_path", "id"]
        verbose_name = _("target person")
        verbose_name_plural = _("target population")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="screening_target_once")]
        indexes = [models.Index(fields=["campaign", "state", "area_path"])]

    def __str__(self):
        return str(self.person)


class CoverageCount(ScopedModel):
    """Maintained counts per campaign and building (the coverage page and API read these, never a scan
    of raw samples). Updated by the target, sampling, exemption and result services."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("campaign")
    )
    target = models.PositiveIntegerField(_("target"), default=0)
    sampled = models.PositiveIntegerField(_("tested"), default=0)
    exempt = models.PositiveIntegerField(_("exempt"), default=0)
    pending_results = models.PositiveIntegerField(_("results pending"), default=0)
    negative = models.PositiveIntegerField(_("negative"), default=0)
    # A positive pooled tube makes its members people to re-sample alone (单采复核), not positives; only a
    # positive single tube or antigen self-test makes a (preliminary) positive.
    to_retest = models.PositiveIntegerField(_("to re-sample"), default=0)
    positive = models.PositiveIntegerField(_("preliminary positive"), default=0)

    class Meta:
        ordering = ["area_path"]
        verbose_name = _("coverage count")
        verbose_name_plural = _("coverage counts")
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="screening_coverage_once")]


class Exemption(ScopedModel):
    class Reason(models.TextChoices):
        INFANT = "infant", _("infant")
        BED_BOUND = "bed_bound", _("bed-bound: home visit")
        AWAY = "away", _("away from Beijing")
        TESTED_ELSEWHERE = "tested_elsewhere", _("tested elsewhere (with proof)")
        REFUSED = "refused", _("refused")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="exemptions", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    proof = models.CharField(_("proof / note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("exemption or reason untested")
        verbose_name_plural = _("exemptions and reasons untested")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="screening_exemption_once")
        ]

    def __str__(self):
        return f"{self.person} · {self.get_reason_display()}"


class Site(ScopedModel):
    """A sampling site of a campaign: a Place of kind sampling site, its lanes, hours and throughput."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("fixed")
        MOBILE = "mobile", _("mobile (home sampling)")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="sites", verbose_name=_("campaign")
    )
    place = models.ForeignKey(
        "areas.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FIXED)
    lanes = models.PositiveSmallIntegerField(_("lanes"))
    per_lane_hour = models.PositiveIntegerField(_("people per lane per hour"))
    opens = models.DateTimeField(_("opens"))
    closes = models.DateTimeField(_("closes"))
    closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("sampling site")
        verbose_name_plural = _("sampling sites")
        constraints = [models.UniqueConstraint(fields=["campaign", "place"], name="screening_site_once")]

    def __str__(self):
        return str(self.place)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("screening:site-detail", args=[self.pk])


class LaneStaff(ScopedModel):
    class Role(models.TextChoices):
        SAMPLER = "sampler", _("sampler")
        REGISTRAR = "registrar", _("registrar")
        ORDER_KEEPER = "order_keeper", _("order keeper")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="staff", verbose_name=_("sampling site")
    )
    lane = models.PositiveSmallIntegerField(_("lane"))
    # A user account, or (issue 20) a worker from the workforce registry, who may have none; one of them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    worker = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lane_staff",
        verbose_name=_("worker"),
    )
    role = models.CharField(_("role"), max_length=14, choices=Role.choices)

    class Meta:
        ordering = ["site", "lane", "role"]
        verbose_name = _("lane staff")
        verbose_name_plural = _("lane staff")
        constraints = [
            models.UniqueConstraint(fields=["site", "lane", "user"], name="screening_lanestaff_once"),
            models.UniqueConstraint(
                fields=["site", "lane", "worker"],
                condition=models.Q(worker__isnull=False),
                name="screening_lanestaff_worker_once",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(worker__isnull=False),
                name="screening_lanestaff_someone",
            ),
        ]

    def __str__(self):
        return f"{self.worker or self.user} · {self.get_role_display()}"

    @property
    def who(self):
        return self.worker or self.user


class SchedulePlan(ScopedModel):
    """One generated plan (and the naive plan it is compared with); the published one holds the slots."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="plans", verbose_name=_("campaign")
    )
    version = models.PositiveIntegerField(_("version"))
    solver = models.CharField(_("solver"), max_length=60, blank=True)
    status = models.CharField(_("solver status"), max_length=60, blank=True)
    seconds = models.FloatField(_("solve time (s)"), default=0)
    mean_wait = models.FloatField(_("mean wait (min)"), null=True, blank=True)
    max_wait = models.FloatField(_("max wait (min)"), null=True, blank=True)
    naive_mean_wait = models.FloatField(_("naive mean wait (min)"), null=True, blank=True)
    naive_max_wait = models.FloatField(_("naive max wait (min)"), null=True, blank=True)
    chart = models.JSONField(_("chart data"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "-version"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [models.UniqueConstraint(fields=["campaign", "version"], name="screening_plan_version")]

    def __str__(self):
        return f"{self.campaign} v{self.version}"


class SlotAssignment(ScopedModel):
    """A building sent to a site in a time slot (area = the building)."""

    plan = models.ForeignKey(
        SchedulePlan, on_delete=models.CASCADE, related_name="slots", verbose_name=_("schedule")
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="slots", verbose_name=_("sampling site")
    )
    start = models.DateTimeField(_("slot start"))
    end = models.DateTimeField(_("slot end"))
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        ordering = ["start", "area_path"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")


class Box(ScopedModel):
    """A transport box of tubes (转运箱): sealed at the site, handed over, received at the lab."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("box state", "open")
        SEALED = "sealed", _("sealed")
        HANDED_OVER = "handed_over", _("handed over")
        RECEIVED = "received", _("received")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="boxes", verbose_name=_("campaign")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="boxes", verbose_name=_("sampling site")
    )
    code = models.CharField(_("box code"), max_length=40)
    lab = models.CharField(_("laboratory"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transport box")
        verbose_name_plural = _("transport boxes")
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="screening_box_code")]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("screening:box-detail", args=[self.pk])


class BoxEvent(ScopedModel):
    append_only = ByTime("time", every="month")  # partitioned on PostgreSQL (core.partitioning)

    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="events", verbose_name=_("box"))
    state = models.CharField(_("step"), max_length=12, choices=Box.State.choices)
    time = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    person_name = models.CharField(_("person"), max_length=50, blank=True)

    class Meta:
        ordering = ["time", "id"]
        verbose_name = _("box step")
        verbose_name_plural = _("box steps")


class Tube(ScopedModel):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("tube state", "open")
        CLOSED = "closed", pgettext_lazy("tube state", "closed")
        BOXED = "boxed", _("boxed")
        RECEIVED = "received", _("received")
        RESULTED = "resulted", _("resulted")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tubes", verbose_name=_("campaign")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="tubes", verbose_name=_("sampling site")
    )
    barcode = models.CharField(_("barcode"), max_length=40)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    count = models.PositiveSmallIntegerField(_("samples"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(pgettext_lazy("tube", "closed at"), null=True, blank=True)
    box = models.ForeignKey(
        Box, null=True, blank=True, on_delete=models.SET_NULL, related_name="tubes", verbose_name=_("box")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tube")
        verbose_name_plural = _("tubes")
        constraints = [models.UniqueConstraint(fields=["campaign", "barcode"], name="screening_tube_barcode")]
        indexes = [models.Index(fields=["barcode"])]

    def __str__(self):
        return self.barcode


class Sample(ScopedModel):
    """One person's swab in one tube (area = the person's household). `client_id` makes a retried sync
    a no-op; a person is sampled once per campaign."""

    # Not partitioned (docs/scaling.md): both unique keys (client id; campaign and person) are
    # invariants without the time in them, which a partitioned table cannot enforce.
    append_only = NotPartitioned("unique client_id and (campaign, person) carry no time column")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="samples", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    tube = models.ForeignKey(Tube, on_delete=models.PROTECT, related_name="samples", verbose_name=_("tube"))
    building = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    client_id = models.UUIDField(_("client id"), unique=True)
    sampled_at = models.DateTimeField(_("sampled at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-sampled_at", "-id"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="screening_sample_once")]

    def __str__(self):
        return f"{self.person} · {self.tube}"


class LabImport(ScopedModel):
    """One laboratory file (or API batch) as received, with its row-by-row report."""

    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("checksum"), max_length=64, db_index=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    applied = models.PositiveIntegerField(_("results recorded"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    ok = models.BooleanField(_("accepted"), default=False)
    report = models.JSONField(_("report"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("laboratory import")
        verbose_name_plural = _("laboratory imports")

    def __str__(self):
        return self.filename


class LabResult(ScopedModel):
    class Result(models.TextChoices):
        NEGATIVE = "negative", _("negative")
        POSITIVE = "positive", _("positive")

    tube = models.OneToOneField(Tube, on_delete=models.CASCADE, related_name="result", verbose_name=_("tube"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    tested_at = models.DateTimeField(_("tested at"))
    lab = models.CharField(_("laboratory"), max_length=100)
    source = models.ForeignKey(
        LabImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("import"),
    )

    class Meta:
        ordering = ["-tested_at"]
        verbose_name = _("laboratory result")
        verbose_name_plural = _("laboratory results")

    def __str__(self):
        return f"{self.tube} · {self.get_result_display()}"


class RetestItem(ScopedModel):
    """单采复核: a member of a positive pooled tube to be re-sampled alone (area = their household)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="retests", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    tube = models.ForeignKey(
        Tube, on_delete=models.CASCADE, related_name="retests", verbose_name=_("positive tube")
    )
    community = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    done_at = models.DateTimeField(_("re-sampled at"), null=True, blank=True)

    class Meta:
        ordering = ["community", "tube", "id"]
        verbose_name = _("single-tube retest")
        verbose_name_plural = _("single-tube retests")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person", "tube"], name="screening_retest_once")
        ]

    def __str__(self):
        return f"{self.person} · {self.tube}"


class TransferTask(ScopedModel):
    """应转尽转: a preliminary positive to be transferred before the policy's deadline."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("transfer state", "open")
        DONE = "done", pgettext_lazy("transport", "transferred")

    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="transfers",
        verbose_name=_("campaign"),
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    source = models.CharField(pgettext_lazy("origin", "source"), max_length=120)
    deadline = models.DateTimeField(_("deadline"))
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(_("transferred at"), null=True, blank=True)

    class Meta:
        ordering = ["state", "deadline"]
        verbose_name = _("transfer task")
        verbose_name_plural = _("transfer tasks")
        constraints = [models.UniqueConstraint(fields=["person", "source"], name="screening_transfer_once")]

    def __str__(self):
        return f"{self.person} · {self.deadline:%Y-%m-%d %H:%M}"

    def source_label(self) -> str:
        """What the task came from, as people read it: the positive tube's barcode or the self-test."""
        import re

        from django.utils.translation import gettext

        m = re.fullmatch(r"screening\.(Tube|AntigenReport):(\d+)", self.source or "")
        if m is None:
            return self.source
        if m.group(1) == "Tube":
            code = Tube.objects.filter(pk=int(m.group(2))).values_list("barcode", flat=True).first()
            return gettext("positive tube %(code)s") % {"code": code or "?"}
        return gettext("positive antigen self-test")


class AntigenReport(ScopedModel):
    """抗原自测 reported by a resident from their phone link."""

    append_only = ByTime("reported_at", every="month")  # partitioned on PostgreSQL (core.partitioning)

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("negative")
        POSITIVE = "positive", _("positive")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="antigen_reports", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    reported_at = models.DateTimeField(_("reported at"))
    counted = models.BooleanField(_("counts toward the campaign"), default=False)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("antigen self-test")
        verbose_name_plural = _("antigen self-tests")

    def __str__(self):
        return f"{self.person} · {self.get_result_display()}"


class HomeVisit(ScopedModel):
    """Home sampling for a bed-bound resident (a mobile site's visit)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="home_visits", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    done_at = models.DateTimeField(_("sampled at"), null=True, blank=True)

    class Meta:
        ordering = ["done_at", "id"]
        verbose_name = _("home sampling visit")
        verbose_name_plural = _("home sampling visits")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="screening_homevisit_once")
        ]

    def __str__(self):
        return str(self.person)
