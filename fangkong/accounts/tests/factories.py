from fangkong.accounts.models import Role, Scope, User
from fangkong.core.testing import register_factory


@register_factory(Scope)
def make_scope(area):
    user = User.objects.create(username=f"scoped-{area.pk}-{User.objects.count()}")
    return Scope.objects.create(user=user, area=area, role=Role.objects.get(code="grid_member"))
