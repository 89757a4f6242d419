import pytest
from django.contrib.auth import get_user_model

from requests_app.accounts.selectors import chosen_language, language_for
from requests_app.accounts.services import set_language
from requests_app.core.errors import ActionRefused

pytestmark = pytest.mark.django_db


def test_a_user_without_a_choice_reads_the_sites_language():
    user = get_user_model().objects.create_user("amina")
    assert chosen_language(user) == ""
    assert language_for(user) == "en"


def test_a_users_choice_is_the_language_they_are_written_to_in():
    user = get_user_model().objects.create_user("amina")
    set_language(user, "fr")
    user.refresh_from_db()
    assert language_for(user) == "fr"
    set_language(user, "")
    user.refresh_from_db()
    assert language_for(user) == "en"


def test_a_language_eas_does_not_speak_is_refused_and_nothing_changes():
    user = get_user_model().objects.create_user("amina")
    set_language(user, "ar")
    with pytest.raises(ActionRefused, match="de is not one of the languages"):
        set_language(user, "de")
    user.refresh_from_db()
    assert language_for(user) == "ar"
