"""Who may open a page: staff only, and staff with a permission."""

from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied

from requests_app.cases import selectors


def staff_required(view):
    """Logged-in staff who may see cases; everyone else is sent to log in or refused."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.is_case_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_with_permission(permission):
    """staff_required, and ``permission`` besides: without it, 403."""
    return lambda view: staff_required(permission_required(permission, raise_exception=True)(view))
