"""The permission check of the editors' endpoints."""

from rest_framework.permissions import BasePermission


class WagtailAdminAccess(BasePermission):
    """Allow users who may log in to the Wagtail admin.

    Which requests they see is a matter of scope, not of this check: the
    views filter on ``admin.permissions.editable_municipalities``.
    """

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.has_perm("wagtailadmin.access_admin")
        )
