"""Issue 10: the change log is stored as msgid + parameters and read in the reader's language."""

from django.utils import translation

from fangkong.accounts.models import User
from fangkong.core.audit import msgid, record
from fangkong.core.models import ChangeLog
from fangkong.gates import services
from fangkong.gates.models import FollowUp
from fangkong.gates.tests.factories import make_gate, resident


def _contacted(tree) -> ChangeLog:
    from fangkong.people.models import Person

    gate = make_gate(tree.a.community)
    person, number = resident(tree.a.household, return_status=Person.Return.NOT_RETURNED, name="赵返京")
    services.scan_record(actor=None, place=gate, code=number)
    fu = FollowUp.objects.get(person=person)
    services.followup_update(actor=None, followup=fu, status=FollowUp.Status.CONTACTED, notes="")
    return ChangeLog.objects.filter(object_id=str(fu.pk), message__startswith="follow-up").latest("id")


def _reader(make_user, tree, language):
    user = make_user("district_admin", tree.district)
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()
    return user


def test_one_change_reads_in_chinese_and_in_english(client, tree, make_user):
    entry = _contacted(tree)
    # Stored once, language-free: the English msgid and the choice's msgid, never rendered text.
    assert entry.message == "follow-up: %(status)s"
    assert entry.params == {"status": {"msgid": "landlord contacted"}}
    with translation.override("zh-hans"):
        zh_label = str(FollowUp.Status.CONTACTED.label)
    assert zh_label != "landlord contacted"  # the label has a Chinese translation to show

    client.force_login(_reader(make_user, tree, "zh-hans"))
    zh_page = client.get(f"/audit/changes/{entry.pk}/").content.decode()
    assert f"跟进：{zh_label}" in zh_page and "follow-up:" not in zh_page
    zh_list = client.get(f"/audit/changes/?object_id={entry.object_id}").content.decode()
    assert f"跟进：{zh_label}" in zh_list

    client.force_login(_reader(make_user, tree, "en"))
    en_page = client.get(f"/audit/changes/{entry.pk}/").content.decode()
    assert "follow-up: landlord contacted" in en_page and "跟进" not in en_page


def test_api_gives_the_code_and_the_text_in_the_callers_language(api, tree, make_user):
    entry = _contacted(tree)
    zh = api.as_user(_reader(make_user, tree, "zh-hans")).get(f"/api/changes/{entry.pk}/").json()
    assert zh["message"] == "follow-up: %(status)s" and zh["params"] == entry.params
    assert zh["message_text"].startswith("跟进：")
    en = api.as_user(_reader(make_user, tree, "en")).get(f"/api/changes/{entry.pk}/").json()
    assert en["message_text"] == "follow-up: landlord contacted"


def test_old_free_text_rows_and_broken_parameters_still_display(tree):
    place = make_gate(tree.a.community)
    old = record(place, ChangeLog.Action.UPDATE, message="状态：手工备注 50% done")
    missing = record(place, ChangeLog.Action.UPDATE, message="follow-up: %(status)s", params={"other": 1})
    with translation.override("en"):
        assert old.message_text() == "状态：手工备注 50% done"  # free text, shown as written
        assert missing.message_text() == "follow-up: %(status)s"  # never an exception on the page
        assert (
            record(place, "update", message="x %(s)s", params={"s": msgid("closed")}).message_text()
            == "x closed"
        )


def test_admin_list_shows_the_message_in_the_readers_language(client, tree):
    entry = _contacted(tree)
    admin = User.objects.create_superuser("root_q", password="x-Very-long-pass-1")
    client.force_login(admin)
    page = client.get("/admin/core/changelog/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "跟进：" in page and entry.message not in page


def test_export_has_the_message_in_the_readers_language(client, tree, make_user):
    import io

    from openpyxl import load_workbook

    entry = _contacted(tree)
    client.force_login(_reader(make_user, tree, "en"))
    resp = client.get(f"/audit/changes/?object_id={entry.object_id}&export=xlsx")
    cells = [
        c.value for row in load_workbook(io.BytesIO(resp.content)).worksheets[0].iter_rows() for c in row
    ]
    assert "follow-up: landlord contacted" in cells and entry.message not in cells
