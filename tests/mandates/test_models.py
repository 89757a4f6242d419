"""What a mandate may record (Mandate.full_clean and the database's constraints)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from requests_app.mandates.models import Mandate, Organ, normalise_symbol, organ_of, year_of
from tests.factories import member_state, new_mandate
from tests.mandates.conftest import TODAY

pytestmark = pytest.mark.django_db


def unsaved(**fields):
    values = {
        "member_state": member_state("HTI"),
        "organ": Organ.SECURITY_COUNCIL,
        "symbol": "S/RES/2734 (2024)",
        "adopted_on": datetime.date(2024, 5, 10),
        "expires_on": datetime.date(2025, 5, 10),
    }
    return Mandate(**{**values, **fields})


def errors_of(mandate):
    with pytest.raises(ValidationError) as invalid:
        mandate.full_clean()
    return {field: " ".join(messages) for field, messages in invalid.value.message_dict.items()}


@pytest.mark.parametrize(
    ("typed", "symbol", "organ", "year"),
    [
        ("S/RES/2734 (2024)", "S/RES/2734 (2024)", Organ.SECURITY_COUNCIL, 2024),
        ("  s/res/2734(2024) ", "S/RES/2734 (2024)", Organ.SECURITY_COUNCIL, 2024),
        ("S / RES / 2734  ( 2024 )", "S/RES/2734 (2024)", Organ.SECURITY_COUNCIL, 2024),
        ("A/RES/78/123", "A/RES/78/123", Organ.GENERAL_ASSEMBLY, None),
        ("a/res/es-11/1", "A/RES/ES-11/1", Organ.GENERAL_ASSEMBLY, None),
    ],
)
def test_a_symbol_is_written_as_the_united_nations_write_it(typed, symbol, organ, year):
    assert normalise_symbol(typed) == symbol
    assert (organ_of(symbol), year_of(symbol)) == (organ, year)


@pytest.mark.parametrize("symbol", ["2734", "S/RES/2734", "S/RES/2734 (1899)", "A/78/123", "res. 2734 (2024)"])
def test_a_symbol_that_names_no_resolution_is_refused(symbol, frozen):
    assert "Write the resolution's symbol" in errors_of(unsaved(symbol=symbol))["symbol"]


def test_a_valid_mandate_is_stored_with_its_symbol_tidied(frozen):
    mandate = unsaved(symbol="s/res/2734(2024)")
    mandate.full_clean()
    assert mandate.symbol == "S/RES/2734 (2024)"


def test_the_organ_must_be_the_one_the_symbol_names(frozen):
    message = errors_of(unsaved(organ=Organ.GENERAL_ASSEMBLY))["organ"]
    assert "S/RES/2734 (2024) is that of a resolution of the Security Council" in message


def test_a_mandate_cannot_expire_before_it_was_adopted(frozen):
    assert "cannot expire before" in errors_of(unsaved(expires_on=datetime.date(2024, 5, 9)))["expires_on"]
    unsaved(expires_on=datetime.date(2024, 5, 10)).full_clean()  # the same day is fine
    unsaved(expires_on=None).full_clean()  # no expiry at all too


def test_a_mandate_is_recorded_once_adopted(frozen):
    message = errors_of(unsaved(adopted_on=TODAY + datetime.timedelta(days=1), expires_on=None))["adopted_on"]
    assert "cannot be in the future" in message


def test_a_new_mandate_needs_its_day_of_adoption(frozen):
    assert "adopted_on" in errors_of(unsaved(adopted_on=None))


def test_a_resolution_is_recorded_once_per_country(frozen):
    new_mandate(state="HTI", symbol="S/RES/2734 (2024)", adopted_on=datetime.date(2024, 5, 10))
    assert "already recorded" in errors_of(unsaved(symbol="s/res/2734 (2024)"))["__all__"]
    # The same resolution may concern another country: recorded once for it too.
    unsaved(member_state=member_state("MLI")).full_clean()


def test_the_database_refuses_a_second_record_of_a_resolution_for_a_country_too(frozen):
    new_mandate(state="HTI", symbol="S/RES/2734 (2024)", adopted_on=datetime.date(2024, 5, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        unsaved().save()


def test_the_database_refuses_an_expiry_before_the_adoption_too(frozen):
    with pytest.raises(IntegrityError), transaction.atomic():
        unsaved(expires_on=datetime.date(2024, 1, 1)).save()


def test_a_renewal_concerns_the_country_of_the_mandate_it_renews(frozen):
    earlier = new_mandate(state="MLI", symbol="S/RES/2700 (2023)", adopted_on=datetime.date(2023, 6, 1))
    message = errors_of(unsaved(renews=earlier))["renews"]
    assert "same country as the mandate it renews (Mali)" in message


def test_a_renewal_is_not_adopted_before_the_mandate_it_renews(frozen):
    earlier = new_mandate(state="HTI", symbol="S/RES/2700 (2024)", adopted_on=datetime.date(2024, 6, 1))
    assert "cannot be adopted before" in errors_of(unsaved(renews=earlier))["adopted_on"]


def test_the_list_says_when_a_mandate_expires(frozen):
    mandate = unsaved(expires_on=TODAY + datetime.timedelta(days=12))
    assert mandate.expiry_text() == "expires in 12 days"
    assert unsaved(expires_on=TODAY + datetime.timedelta(days=1)).expiry_text() == "expires in 1 day"
    assert unsaved(expires_on=TODAY).expiry_text() == "expires today"
    assert unsaved(expires_on=TODAY - datetime.timedelta(days=3)).expiry_text() == "expired 3 days ago"
    assert unsaved(expires_on=None).expiry_text() == "no expiry"


def test_the_day_of_adoption_reads_as_known(frozen):
    assert unsaved().adopted_text() == "10 May 2024"
    assert unsaved(adopted_on=datetime.date(2024, 1, 1), adopted_on_year_only=True).adopted_text() == (
        "in 2024 (day not recorded)"
    )
    assert unsaved(adopted_on=None).adopted_text() == "not recorded"
