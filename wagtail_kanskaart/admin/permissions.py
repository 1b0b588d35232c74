"""The municipalities an editor may act on, and the policies that enforce it."""

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import MunicipalityPage


def editable_municipalities(user):
    """Return the municipality pages this user may edit."""
    if not user.is_active:
        return MunicipalityPage.objects.none()
    if user.is_superuser:
        return MunicipalityPage.objects.all()
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return MunicipalityPage.objects.filter(pk__in=editable.values("pk"))


class MunicipalityPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the rows of municipalities the user may edit."""

    def _in_scope(self, user, instance):
        return (
            editable_municipalities(user).filter(pk=instance.municipality_id).exists()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return super().user_has_permission_for_instance(
            user, action, instance
        ) and self._in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(
            user, actions, instance
        ) and self._in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            super()
            .instances_user_has_any_permission_for(user, actions)
            .filter(municipality__in=editable_municipalities(user))
        )
