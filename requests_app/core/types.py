"""Names for the types that annotations across the domains share."""

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth import models as auth_models
from django.utils.functional import Promise

# The user model. AUTH_USER_MODEL is Django's own (eas/settings), so services and selectors name
# that class; should the model ever be swapped, this line changes and nothing else.
User: TypeAlias = auth_models.User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as StrOrPromise
else:
    # django-stubs-ext is a development tool: at run time a message is a str or a lazy translation.
    StrOrPromise = str | Promise
