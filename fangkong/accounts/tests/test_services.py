from fangkong.accounts import services
from fangkong.accounts.models import Role, User
from fangkong.core.models import ChangeLog
from fangkong.core.scoping import scope_paths


def test_roles_grant_permissions_and_scopes_limit_data(tree, make_user):
    worker = make_user("community_worker", tree.a.community)
    assert worker.has_perm("areas.view_area") and worker.has_perm("people.reveal_identity")
    assert not worker.has_perm("policies.add_policy") and not worker.has_perm("accounts.add_user")
    assert scope_paths(worker, "areas.view_area") == [tree.a.community.path]
    volunteer = make_user("gate_volunteer", tree.a.community)
    assert not volunteer.has_perm("people.view_person")
    assert scope_paths(volunteer, "people.view_person") == []


def test_every_role_of_the_issue_exists(db):
    codes = set(Role.objects.values_list("code", flat=True))
    assert {
        "district_admin",
        "street_coordinator",
        "community_worker",
        "grid_member",
        "gate_volunteer",
        "medical_staff",
        "cadre",
        "hotline_operator",
        "investigator",
        "workplace_contact",
        "leadership_viewer",
    } <= codes
    assert Role.objects.get(code="district_admin").permissions.filter(codename="add_policy").exists()


def test_two_scopes_union_and_nested_scope_collapses(tree, make_user):
    user = make_user("community_worker", tree.a.community)
    services.scope_add(
        actor=None, user=user, area=tree.c.community, role=Role.objects.get(code="community_worker")
    )
    services.scope_add(
        actor=None, user=user, area=tree.a.grid, role=Role.objects.get(code="community_worker")
    )
    user = User.objects.get(pk=user.pk)
    assert scope_paths(user, "areas.view_area") == sorted([tree.a.community.path, tree.c.community.path])


def test_scope_remove_is_logged_and_takes_effect(tree, make_user):
    admin = make_user("district_admin", tree.district)
    user = make_user("community_worker", tree.a.community)
    scope = user.scopes.get()
    services.scope_remove(actor=admin, scope=scope)
    assert scope_paths(User.objects.get(pk=user.pk), "areas.view_area") == []
    log = ChangeLog.objects.filter(object_id=str(scope.pk), action="update").latest("id")
    assert log.user == admin and log.before["active"] is True and log.after["active"] is False


def test_user_create_logs_without_password(db):
    user = services.user_create(
        actor=None, username="liuyang", password="a-long-password", display_name="刘洋"
    )
    log = ChangeLog.objects.get(object_id=str(user.pk), action="create")
    assert log.after["username"] == "liuyang" and "password" not in log.after
    assert user.check_password("a-long-password")


def test_grants_are_cached_and_follow_scope_changes(tree, make_user, django_assert_num_queries):
    user = make_user("community_worker", tree.a.community)
    scope_paths(user, "areas.view_area")  # warms the cache
    fresh = User.objects.get(pk=user.pk)
    with django_assert_num_queries(0):
        assert scope_paths(fresh, "areas.view_area") == [tree.a.community.path]
        assert fresh.has_perm("people.view_person")
    services.scope_add(
        actor=None, user=fresh, area=tree.c.community, role=Role.objects.get(code="grid_member")
    )
    again = User.objects.get(pk=user.pk)
    assert scope_paths(again, "areas.view_area") == [tree.a.community.path, tree.c.community.path]
