from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Password login as usual; permissions are the union of the user's roles (scopes limit data)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        perms: set[str] = set()
        for _path, names in user_obj.grants():
            perms |= names
        return perms

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and (
            user_obj.is_superuser or perm in self.get_all_permissions(user_obj, obj)
        )
