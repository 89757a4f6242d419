"""Who may call the API: the workspace's rules (core.access), as DRF permissions.

Which cases a caller sees is the cases' scope (cases.selectors.visible_cases), applied by the views;
what they may read of a case, the confidentiality rules (core.confidentiality).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from requests_app.core.access import is_case_staff


class CaseStaff(BasePermission):
    """Staff who may work with cases: whom the workspace lets in (the default of every endpoint)."""

    message = _("Only staff who work with cases may use this endpoint.")

    def has_permission(self, request, view):
        return is_case_staff(request.user)


def holding(permission, message, *, staff=True):
    """A permission class: the caller holds ``permission`` (and is case staff, with ``staff``)."""

    class Holding(BasePermission):
        def has_permission(self, request, view):
            user = request.user
            if staff and not is_case_staff(user):
                self.message = CaseStaff.message
                return False
            self.message = message
            return bool(user.is_active and user.has_perm(permission))

    Holding.__name__ = f"Holding_{permission.rsplit('.', 1)[-1]}"
    return Holding
