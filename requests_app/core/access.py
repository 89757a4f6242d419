"""Who may open a page: staff only, and staff with a permission.

Generic: a permission's name, no domain's code. Which cases a user sees is the cases' scope
(requests_app.cases.selectors.visible_cases).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied


def is_case_staff(user):
    """Staff who may work with cases at all: the workspace, exports and feeds let in no one else."""
    return bool(user.is_active and user.is_staff and user.has_perm("requests_app.view_assistancerequest"))


def staff_required(view):
    """Logged-in staff who may see cases; everyone else is sent to log in or refused."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_case_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_with_permission(permission):
    """staff_required, and ``permission`` besides: without it, 403."""
    return lambda view: staff_required(permission_required(permission, raise_exception=True)(view))
