"""The types of assistance as a form offers them: the typology's headings over its groups of types."""

from django import forms
from django.forms.models import ModelChoiceIterator

from requests_app.reference.models import AssistanceType
from requests_app.reference.selectors import TYPE_HEADINGS, group_by_heading


class TypeChoiceIterator(ModelChoiceIterator):
    """The field's types in the typology's order, the technical areas and the mandated types each
    under their heading: one query, as the plain iterator."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        headings = {category: AssistanceType.Category(category).label for category in TYPE_HEADINGS}
        types = self.queryset.order_by("position", "name")
        yield from group_by_heading(((kind.category, *self.choice(kind)) for kind in types), headings)


class AssistanceTypesField(forms.ModelMultipleChoiceField):
    """Types of assistance to tick, grouped as the United Nations' typology groups them."""

    iterator = TypeChoiceIterator
    widget = forms.CheckboxSelectMultiple(attrs={"class": "typology"})  # eas/app.css, eas/admin.css

    def __init__(self, queryset=None, **kwargs):
        super().__init__(AssistanceType.objects.all() if queryset is None else queryset, **kwargs)
