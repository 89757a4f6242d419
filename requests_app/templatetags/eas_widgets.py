"""The attributes of a form's widgets, written in Python (templates/django/forms/widgets/attrs.html).

Django's own attrs.html loops over the attributes in the template language: 0.2-0.3 ms a widget, most
of what a widget costs, and once per option in a select (README, The admin). This writes the same text."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(is_safe=True)
def widget_attrs(attrs: dict) -> SafeString:
    """' name="value"' for each attribute, ' name' alone for True, nothing for False: what Django's
    attrs.html writes, in the same order, escaped as it escapes them."""
    return mark_safe(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )
