"""Form widgets write their attributes in Python (templates/django/forms/widgets/attrs.html): what a
browser receives is what Django's own templates write, for every kind of attribute."""

import pytest
from django import forms
from django.conf import settings
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

# Django's own widget templates, without the project's (its templates/ directory is not an app's).
DJANGO = DjangoTemplates()

ATTRIBUTES = {
    "placeholder": 'Say "why" <here> & now',
    "data-ready": mark_safe("&amp;"),
    "rows": 3,
    "hidden": False,
    "autofocus": True,
    "title": None,
    "aria-label": "Comment\u202e",
}

WIDGETS = [
    forms.Textarea(attrs=ATTRIBUTES),
    forms.TextInput(attrs=ATTRIBUTES),
    forms.DateInput(attrs={**ATTRIBUTES, "type": "date"}),
    forms.CheckboxInput(attrs=ATTRIBUTES),
    forms.Select(attrs=ATTRIBUTES, choices=[("a", "Côte d'Ivoire"), ("b", "<b>")]),
    forms.RadioSelect(attrs=ATTRIBUTES, choices=[("a", "Côte d'Ivoire"), ("b", "<b>")]),
    forms.CheckboxSelectMultiple(choices=[(1, "one"), (2, "two")]),
    forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    # The intake desk's own: the admin's date and text widgets add classes and sizes of their own.
    admin_widgets.AdminDateWidget(attrs={"required": True}),
    admin_widgets.AdminTextareaWidget(attrs=ATTRIBUTES),
]


def test_the_project_writes_the_attributes():
    origin = get_default_renderer().get_template("django/forms/widgets/attrs.html").origin.name
    assert origin == str(settings.BASE_DIR / "templates" / "django" / "forms" / "widgets" / "attrs.html")


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
def test_a_widget_is_written_as_djangos_templates_write_it(widget):
    value = "a" if getattr(widget, "choices", None) else 'a "quoted" value'

    ours = widget.render("field", value, attrs={"id": "id_field"})

    assert ours == widget.render("field", value, attrs={"id": "id_field"}, renderer=DJANGO)


def test_attributes_are_escaped_once_and_false_ones_left_out():
    html = forms.Textarea(attrs=ATTRIBUTES).render("comment", "")

    assert ' placeholder="Say &quot;why&quot; &lt;here&gt; &amp; now"' in html
    assert ' data-ready="&amp;"' in html  # text already safe is not escaped twice
    assert " autofocus " in html and 'autofocus="' not in html
    assert "hidden" not in html
