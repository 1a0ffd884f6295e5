"""One meaning per (context, msgid) (issue 18): an English word with two senses gets a pgettext context
for each, so the Chinese UI says what each means. Django merges every catalogue and one msgid got
one word everywhere: a confirmed contact read 确诊 (a diagnosed case), a campaign's name 姓名 (a
person's), a campaign's time window 有窗 (a room with a window), an open link 待处理."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from fangkong.areas.models import Area, Place
from fangkong.core.models import ChangeLog
from fangkong.gates.models import FollowUp, Post
from fangkong.observation.forms import TransferForm
from fangkong.observation.models import CareGroup, Feature, OrderStatus, RequiredTest, Stay
from fangkong.people.models import Person
from fangkong.policies.models import Policy
from fangkong.screening.models import Box, Campaign, TransferTask, Tube
from fangkong.screening.tests.factories import make_campaign
from fangkong.support.models import (
    Closure,
    DeliveryAttempt,
    DoorKnock,
    Escalation,
    Request,
    RequestState,
)
from fangkong.support.tests.factories import make_closure
from fangkong.tracing.models import (
    Classification,
    Cluster,
    Contact,
    ContactKind,
    RiskArea,
    ScreeningTask,
    TimelineEntry,
    Whereabouts,
)
from fangkong.tracing.tests.factories import make_contact

pytestmark = pytest.mark.django_db


def field(model, name):
    return model._meta.get_field(name).verbose_name


# (what, the label, the word it must read, the word of the other sense it must not read)
SENSES = [
    ("contact confirmed", lambda: Contact.State.CONFIRMED.label, "已判定", "确诊"),
    ("case confirmed", lambda: Classification.CONFIRMED.label, "确诊", "已判定"),
    ("campaign name", lambda: field(Campaign, "name"), "名称", "姓名"),
    ("closure name", lambda: field(Closure, "name"), "名称", "姓名"),
    ("cluster name", lambda: field(Cluster, "name"), "名称", "姓名"),
    ("care group name", lambda: field(CareGroup, "name"), "名称", "姓名"),
    ("gate post name", lambda: field(Post, "name"), "名称", "姓名"),
    ("person name", lambda: field(Person, "name"), "姓名", "名称"),
    ("room with a window", lambda: Feature.WINDOW.label, "有窗", "时段"),
    ("box open", lambda: Box.State.OPEN.label, "未封箱", "待处理"),
    ("tube open", lambda: Tube.State.OPEN.label, "采样中", "待处理"),
    ("tube closed", lambda: Tube.State.CLOSED.label, "已封管", "已关闭"),
    ("tube closed at", lambda: field(Tube, "closed_at"), "封管时间", "办结时间"),
    ("follow-up closed at", lambda: field(FollowUp, "closed_at"), "办结时间", "封管时间"),
    ("transfer open", lambda: TransferTask.State.OPEN.label, "待转运", "待处理"),
    ("transfer done", lambda: TransferTask.State.DONE.label, "已转运", "已转出"),
    ("case transferred", lambda: Whereabouts.TRANSFERRED.label, "已转运", "已转出"),
    ("order transferred", lambda: OrderStatus.TRANSFERRED.label, "已转出", "已转运"),
    ("order active", lambda: OrderStatus.ACTIVE.label, "观察中", "有效"),
    ("place active", lambda: field(Place, "active"), "有效", "观察中"),
    ("timeline day (a date)", lambda: field(TimelineEntry, "day"), "日期", "第几天"),
    ("report day (a number)", lambda: field(RequiredTest, "day"), "第几天", "日期"),
    ("timeline to (a time)", lambda: field(TimelineEntry, "time_to"), "截止", "转往"),
    ("risk area to (a time)", lambda: field(RiskArea, "valid_to"), "截止", "转往"),
    ("transfer to (a site)", lambda: TransferForm.base_fields["destination"].label, "转往", "截止"),
    ("escalation to (a person)", lambda: field(Escalation, "target"), "上报对象", "转往"),
    ("a close contact", lambda: Contact._meta.verbose_name, "密接", "联系人"),
    ("a place's contact person", lambda: field(Place, "contact_name"), "联系人", "密接"),
    ("escalation contact", lambda: field(Escalation, "contact"), "联系方式", "密接"),
    ("screening task action", lambda: field(ScreeningTask, "action"), "措施", "操作"),
    ("change log action", lambda: field(ChangeLog, "action"), "操作", "措施"),
    ("delivery outcome", lambda: field(DeliveryAttempt, "outcome"), "结果", "去向"),
    ("door-knock outcome", lambda: field(DoorKnock, "outcome"), "结果", "去向"),
    ("stay outcome", lambda: field(Stay, "outcome"), "去向", "结果"),
    ("risk level", lambda: field(RiskArea, "level"), "风险等级", "层级"),
    ("area level", lambda: field(Area, "level"), "层级", "风险等级"),
    ("request source", lambda: field(Request, "source"), "来源", "依据"),
    ("timeline source", lambda: field(TimelineEntry, "source"), "来源", "依据"),
    ("transfer source", lambda: field(TransferTask, "source"), "来源", "依据"),
    ("policy source", lambda: field(Policy, "source"), "依据", "来源"),
    ("request new", lambda: RequestState.NEW.label, "待分派", "新增"),
    ("contact found in the household", lambda: ContactKind.HOUSEHOLD.label, "同住一户", None),
    ("contact found at work", lambda: ContactKind.WORKPLACE.label, "同一单位", "企业/单位"),
]


@pytest.mark.parametrize("what,label,word,other", SENSES, ids=[s[0] for s in SENSES])
def test_each_sense_reads_its_own_word(what, label, word, other):
    with translation.override("zh-hans"):
        text = str(label())
    assert text == word and text != other, (what, text)


def test_unit_and_column_of_orders_differ():
    """The support figures' unit (medicine orders) is 单; the policy preview's column counts
    observation orders."""
    with translation.override("zh-hans"):
        assert translation.gettext("orders") == "单"
        assert translation.pgettext("observation orders", "orders") == "观察单数"


def test_confirmed_contact_page_reads_confirmed_not_diagnosed(client, tree, make_user):
    contact = make_contact(tree.a.household)
    Contact.objects.filter(pk=contact.pk).update(state=Contact.State.CONFIRMED)
    client.force_login(make_user("community_worker", tree.a.community))
    html = client.get(f"/tracing/contacts/{contact.pk}/").content.decode()
    assert f"{contact.person.name} · " in html and 'data-status="confirmed">已判定</span>' in html
    assert "确诊" not in html
    assert "同住一户" in html  # found in the household, not the bare 户 of an address


def test_closure_pages_read_ongoing_and_open_link(client, tree, make_user):
    closure = make_closure(tree.a.community)
    client.force_login(make_user("district_admin", tree.district))
    listing = client.get("/support/closures/").content.decode()
    assert closure.name in listing and "进行中" in listing and "待处理" not in listing
    links = client.get(f"/support/closures/{closure.pk}/households/").content.decode()
    assert 'class="household-link">打开</a>' in links and "待处理" not in links
    form = client.get("/support/closures/declare/").content.decode()
    assert 'for="id_name">名称' in form and "姓名" not in form


def test_campaign_pages_read_window_and_name(client, tree, make_user):
    campaign = make_campaign(tree.a.community)
    client.force_login(make_user("district_admin", tree.district))
    home = client.get("/screening/").content.decode()
    assert campaign.name in home and "<th>时段</th>" in home and "有窗" not in home
    form = client.get("/screening/campaigns/add/").content.decode()
    assert 'for="id_name">名称' in form and "姓名" not in form
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert "采样中 0" in detail and "已封管 0" in detail and "待处理" not in detail


def test_every_context_in_the_code_is_translated():
    """A (context, msgid) the code uses but no catalogue holds shows English in the Chinese UI: the
    pgettext falls back to the msgid, not to the same msgid without context. Read by the audit script
    (scripts/msgid_audit.py), which lists the msgids of several senses."""
    spec = importlib.util.spec_from_file_location(
        "msgid_audit", Path(settings.BASE_DIR) / "scripts" / "msgid_audit.py"
    )
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    held = {
        (ctx, msgid)
        for path in audit.CATALOGUES
        for ctx, msgid, msgstr in audit.catalogue_entries(path)
        if msgstr
    }
    used = {key: where for key, where in audit.uses().items() if key[0]}
    assert len(used) >= 30  # the scan found the contexts
    missing = {key: where[0][0] for key, where in used.items() if key not in held}
    assert not missing, missing
