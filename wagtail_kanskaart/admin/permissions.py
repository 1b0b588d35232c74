"""Which municipalities an editor may act on."""

from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import MunicipalityPage


def editable_municipalities(user):
    """Return the municipality pages this user may edit."""
    if user.is_superuser:
        return MunicipalityPage.objects.all()
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return MunicipalityPage.objects.filter(pk__in=editable.values("pk"))
