"""Who reads which letters; a country's letters for its file; letters not considered, counted apart."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.correspondence import selectors, services
from requests_app.correspondence.models import SenderKind
from tests.correspondence.helpers import days, details, file_not_considered
from tests.factories import UserFactory, member_state, new_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters(focal_point, ghana_officer):
    """A letter of a Ghana case, one of Ghana with no case, one of Peru with no case."""
    ghana_case = new_request(state="GHA")  # its request letter is filed too
    return {
        "ghana_case": services.register_incoming(actor=focal_point, case=ghana_case, details=details()),
        "ghana": services.register_incoming(actor=focal_point, country=member_state("GHA"), details=details()),
        "peru": services.register_incoming(actor=focal_point, country=member_state("PER"), details=details()),
        "request": ghana_case.letters.get(purpose="request"),
    }


def visible(user):
    return set(selectors.visible_letters(user).values_list("pk", flat=True))


def test_an_officer_reads_the_letters_of_their_desk(letters, ghana_officer, peru_officer):
    ghana = {letters[name].pk for name in ("ghana_case", "ghana", "request")}
    assert visible(ghana_officer) == ghana
    assert visible(peru_officer) == {letters["peru"].pk}


def test_those_who_see_every_case_read_every_letter(letters, focal_point, finance):
    every = {letter.pk for letter in letters.values()}
    assert visible(focal_point) == every == visible(finance)


def test_nobody_reads_without_the_permission(letters):
    assert visible(UserFactory(is_staff=True)) == set()
    inactive = UserFactory(is_staff=True, is_superuser=True, is_active=False)
    assert visible(inactive) == set()


def test_the_country_file_lists_the_letters_newest_first_in_one_query(focal_point, letters):
    ghana = member_state("GHA")
    older = services.register_incoming(actor=focal_point, country=ghana, details=details(date=days(-40)))
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.for_country(ghana)
        for row in rows:  # what the section shows reads nothing more
            str(row.country), row.case and row.case.reference, row.in_reply_to
    assert len(queries) == 1
    assert rows[-1] == older
    assert [row.date for row in rows] == sorted((row.date for row in rows), reverse=True)
    assert letters["peru"] not in rows


def test_the_country_file_shows_a_reader_only_their_letters(letters, peru_officer):
    assert selectors.for_country(member_state("GHA"), peru_officer) == []


def test_letters_not_considered_are_counted_by_who_wrote_them(clerk_role):
    file_not_considered(clerk_role)
    file_not_considered(clerk_role, sender_kind=SenderKind.CIVIL_SOCIETY, received_on=days(-40), date=days(-45))
    everything = selectors.not_considered_counts(None, None)
    assert everything == {SenderKind.POLITICAL_PARTY: 1, SenderKind.CIVIL_SOCIETY: 1}
    assert selectors.not_considered_counts(days(-20), days(0)) == {SenderKind.POLITICAL_PARTY: 1}
