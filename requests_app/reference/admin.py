"""Countries and territories, and the types of assistance, in the admin."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from requests_app.core.admin import FixedSetAdmin
from requests_app.reference.models import AssistanceType, LocalName, MemberState
from requests_app.reference.selectors import countries_matching, name_order

# A mixin of ModelAdmin: the type checker reads it as the admin it extends.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class CountrySearchMixin(_AdminBase):
    """An admin whose search finds a country or territory by its name in any of the six languages,
    accents ignored, as the workspace's searches do: search_fields reach only one column.
    ``country_search`` is the path from the model to the country ("member_state", "case__member_state")."""

    country_search = ""

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        countries = countries_matching(search_term) if search_term else []
        if countries:
            found = found | queryset.filter(**{f"{self.country_search}__in": countries})
        return found, duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is MemberState and isinstance(formfield, forms.ModelChoiceField):
            sort_by_local_name(formfield)
        return formfield


def sort_by_local_name(field):
    """A country <select>: its options by their names in the language of the page."""
    field.iterator = ByLocalName
    field.queryset = field.queryset  # the widget takes its choices again, from the new iterator


class ByLocalName(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(country) for country in self.queryset]
        yield from sorted(choices, key=lambda choice: name_order(str(choice[1])))


def _name_field(label):
    return forms.CharField(label=label, max_length=100)


class MemberStateForm(forms.ModelForm):
    """The country's name in each official language, a field each, kept in ``names`` (English: its name)."""

    name_ar = _name_field(_("Name in Arabic"))
    name_zh_hans = _name_field(_("Name in Chinese"))
    name_fr = _name_field(_("Name in French"))
    name_ru = _name_field(_("Name in Russian"))
    name_es = _name_field(_("Name in Spanish"))
    LANGUAGES = {"ar": "name_ar", "zh-hans": "name_zh_hans", "fr": "name_fr", "ru": "name_ru", "es": "name_es"}

    class Meta:
        model = MemberState
        fields = ["name", "regional_group", "in_regional_group", "administering_power", "un_basis"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = self.instance.names or {}
        for code, field in self.LANGUAGES.items():
            self.fields[field].initial = names.get(code, "")

    def save(self, commit=True):
        country = super().save(commit=False)
        names = {code: self.cleaned_data[field].strip() for code, field in self.LANGUAGES.items()}
        country.names = {**names, "en": country.name}
        if commit:
            country.save()
        return country


@admin.register(MemberState)
class MemberStateAdmin(CountrySearchMixin, FixedSetAdmin):
    form = MemberStateForm
    list_display = [
        "country",
        "iso3",
        "status",
        "region",
        "correspondence_language",
        "administering_power",
    ]  # un_basis: too long for a column
    list_filter = ["status", "regional_group", "in_regional_group", "correspondence_language"]
    list_select_related = ["administering_power"]
    search_fields = ["iso3"]
    country_search = "pk"
    readonly_fields = ["iso3", "status"]

    fields = [
        "name",
        *MemberStateForm.LANGUAGES.values(),
        "iso3",
        "status",
        ("regional_group", "in_regional_group"),
        "correspondence_language",
        "administering_power",
        "un_basis",
    ]

    def get_ordering(self, request):
        return [LocalName().asc()]

    def has_view_permission(self, request, obj=None):
        # Reference data: whoever works on cases may read it (the intake form searches it).
        return request.user.has_perm("requests_app.view_assistancerequest") or super().has_view_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            formfield is not None and db_field.name == "administering_power"
        ):  # a Member State, chosen from the list: no add/edit icons
            for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(formfield.widget, flag, False)
        return formfield

    @admin.display(description=_("name"), ordering=LocalName())
    def country(self, country):
        return country.local_name

    @admin.display(description=_("region"), ordering="regional_group")
    def region(self, country):
        return country.region_label


@admin.register(AssistanceType)
class AssistanceTypeAdmin(FixedSetAdmin):
    """The United Nations' typology, loaded by the migrations: names are edited, types not added."""

    list_display = ["name", "code", "category", "requires_mandate", "position"]
    list_filter = ["category", "requires_mandate"]
    ordering = ["position"]
    readonly_fields = ["code", "category", "requires_mandate"]
