from django import forms
from django.contrib.auth import get_user_model
from django.template import Context, Template

from requests_app.core.admin import describe_changes, person_column
from requests_app.core.people import display_name
from requests_app.documents.models import CaseDocument
from tests.factories import UserFactory


def test_a_person_is_named_by_their_full_name_or_else_by_their_login(db):
    named = UserFactory(username="lhaddad", first_name="Layla", last_name="Haddad")
    unnamed = UserFactory(username="jdoe", first_name="", last_name="")

    assert (display_name(named), display_name(unnamed)) == ("Layla Haddad", "jdoe")
    template = Template("{% load eas %}[{{ named|display_name }}|{{ unnamed|display_name }}|{{ nobody|display_name }}]")
    assert template.render(Context({"named": named, "unnamed": unnamed, "nobody": None})) == "[Layla Haddad|jdoe|]"


def test_a_history_line_names_the_new_officer_not_their_login(db):
    officer = UserFactory(username="lhaddad", first_name="Layla", last_name="Haddad")

    class OfficerForm(forms.Form):
        officer = forms.ModelChoiceField(queryset=get_user_model().objects.all(), required=False, label="Officer")

    form = OfficerForm(data={"officer": officer.pk}, initial={"officer": None})
    assert form.is_valid()
    assert describe_changes(form) == {"Officer": ["", "Layla Haddad"]}


def test_the_admin_uploaded_by_column_names_the_person(db):
    column = person_column(CaseDocument, "uploaded_by")
    uploader = UserFactory(username="lhaddad", first_name="Layla", last_name="Haddad")

    assert column(None, CaseDocument(uploaded_by=uploader)) == "Layla Haddad"
    assert column(None, CaseDocument()) is None
    assert str(column.short_description) == str(CaseDocument._meta.get_field("uploaded_by").verbose_name)
