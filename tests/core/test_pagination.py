"""The paginator that counts exactly up to a bound and estimates beyond it (on PostgreSQL)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone

from requests_app.core.pagination import EstimatedPaginator, _rounded, _table_rows, sorted_after_finding
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _people(count):
    for number in range(count):
        UserFactory(username=f"paged-{number:02d}")
    return get_user_model().objects.filter(username__startswith="paged-").order_by("username")


def _analyze():
    # The planner's statistics, as autovacuum keeps them; ANALYZE counts this transaction's rows.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(get_user_model()._meta.db_table)}")


def test_up_to_the_bound_the_count_is_exact(monkeypatch):
    monkeypatch.setattr(EstimatedPaginator, "exact_up_to", 7)
    paginator = EstimatedPaginator(_people(7), 3)
    assert (paginator.count, paginator.num_pages, paginator.estimated) == (7, 3, False)
    assert [user.username for user in paginator.page(3)] == ["paged-06"]


def test_past_the_bound_other_databases_count_exactly(monkeypatch):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL estimates past the bound (the tests below)")
    monkeypatch.setattr(EstimatedPaginator, "exact_up_to", 3)
    paginator = EstimatedPaginator(_people(8), 3)
    assert (paginator.count, paginator.estimated) == (8, False)


@pytest.mark.postgres
def test_past_the_bound_postgresql_gives_the_planners_estimate(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(EstimatedPaginator, "exact_up_to", 3)
    people = _people(12)
    _analyze()
    paginator = EstimatedPaginator(people.filter(is_active=True), 5)
    with django_assert_num_queries(3):  # the bounded count, EXPLAIN, the rows the table holds
        count = paginator.count
    assert paginator.estimated
    assert 4 <= count <= 20  # the planner's figure for twelve rows, never below the bound
    assert [user.username for user in paginator.page(2)] == [f"paged-{n:02d}" for n in range(5, 10)]


@pytest.mark.postgres
def test_a_page_past_an_estimate_that_was_too_high_is_the_real_last_page(monkeypatch):
    monkeypatch.setattr(EstimatedPaginator, "exact_up_to", 3)
    monkeypatch.setattr(EstimatedPaginator, "_planner_estimate", lambda self, queryset: 1000)
    paginator = EstimatedPaginator(_people(12), 5)
    assert (paginator.count, paginator.num_pages) == (1000, 200)
    page = paginator.get_page(200)
    assert (page.number, paginator.count, paginator.estimated) == (3, 12, False)
    assert [user.username for user in page] == ["paged-10", "paged-11"]
    assert not page.has_next()


def test_an_estimate_is_shown_to_two_significant_digits():
    assert [_rounded(n) for n in (42, 2013, 998_213, 1_049_999)] == [42, 2000, 1_000_000, 1_000_000]


@pytest.mark.postgres
def test_an_estimate_that_was_too_low_hides_no_case(monkeypatch):
    monkeypatch.setattr(EstimatedPaginator, "exact_up_to", 3)
    monkeypatch.setattr(EstimatedPaginator, "_planner_estimate", lambda self, queryset: 6)
    people = _people(12)

    paginator = EstimatedPaginator(people, 5)
    assert (paginator.count, paginator.num_pages, paginator.estimated) == (6, 2, True)
    page = paginator.get_page(2)  # the last page by the estimate: counted, it is not the last
    assert (paginator.count, paginator.estimated, page.has_next()) == (12, False, True)
    assert [user.username for user in page] == [f"paged-{n:02d}" for n in range(5, 10)]

    paginator = EstimatedPaginator(people, 5)
    page = paginator.get_page(3)  # past the estimated end, as a link to the next page asks
    assert (page.number, paginator.num_pages) == (3, 3)
    assert [user.username for user in page] == ["paged-10", "paged-11"]

    paginator = EstimatedPaginator(people, 5)
    assert [user.username for user in paginator.get_page(1)] == [f"paged-{n:02d}" for n in range(5)]
    assert paginator.estimated  # a page before the estimated end reads no more than its rows


@pytest.mark.postgres
def test_an_estimate_is_never_more_than_the_table_holds(monkeypatch):
    # After a mass update the planner reads the dead rows' pages as live ones (a million cases read
    # as five million until a vacuum): the table's live rows, from the statistics, bound the estimate.
    monkeypatch.setattr(EstimatedPaginator, "exact_up_to", 3)
    people = _people(12)
    _analyze()
    monkeypatch.setattr("requests_app.core.pagination._plan_rows", lambda queryset: 5000)
    held = _table_rows(people)  # the twelve and whatever users the statistics still count
    assert 12 <= held < 1000

    paginator = EstimatedPaginator(people, 5)
    assert (paginator.count, paginator.estimated) == (_rounded(held), True)


# A search found first, then sorted ---------------------------------------------------------------


def _usernames(queryset):
    return [user.username for user in queryset]


@pytest.mark.parametrize(
    "ordering",
    [
        ["username"],
        ["-last_login", "username"],
        [F("last_login").asc(nulls_first=True), "-pk"],
        [F("last_login").asc(nulls_last=True), "username"],
        [F("last_login").desc(nulls_first=True), "username"],
        [F("last_login").desc(nulls_last=True), "username"],
        [Upper("last_name"), "-username"],
    ],
    ids=[
        "a column",
        "descending",
        "nulls first",
        "nulls last",
        "descending, nulls first",
        "descending, nulls last",
        "an expression",
    ],
)
def test_sorted_after_finding_keeps_the_order(ordering):
    people = _people(6)
    for number, user in enumerate(people):
        # Two share a time, two have none: ties and empty values sort as before.
        user.last_login = None if number in (1, 4) else timezone.now() - datetime.timedelta(days=number // 2)
        user.save(update_fields=["last_login"])
    walked = people.order_by(*ordering)
    found_first = sorted_after_finding(walked)
    assert "COALESCE" in str(found_first.query)
    assert _usernames(found_first) == _usernames(walked)


def test_sorted_after_finding_follows_a_relations_own_ordering():
    # Ordering by a relation sorts by the related model's Meta.ordering, which COALESCE(x, x) of
    # the key would not: such a term is kept as it is.
    queryset = Permission.objects.order_by("content_type", "codename")
    assert _usernames_or_codenames(sorted_after_finding(queryset)) == _usernames_or_codenames(queryset)
    assert str(sorted_after_finding(queryset).query).count("COALESCE") == 1


def _usernames_or_codenames(permissions):
    return [(permission.content_type_id, permission.codename) for permission in permissions]


def test_a_search_with_few_matches_is_sorted_after_it_is_found(monkeypatch):
    monkeypatch.setattr(EstimatedPaginator, "sorted_after_finding_up_to", 5)
    people = _people(6)
    few = EstimatedPaginator(people.exclude(username="paged-05"), 2, searching=True)
    assert few.count == 5
    assert "COALESCE" in str(few.object_list.query)
    assert _usernames(few.page(3)) == ["paged-04"]
    many = EstimatedPaginator(people, 2, searching=True)
    assert many.count == 6 and "COALESCE" not in str(many.object_list.query)  # a common word: the walk suits it
    browsing = EstimatedPaginator(people.exclude(username="paged-05"), 2)
    assert browsing.count == 5 and "COALESCE" not in str(browsing.object_list.query)  # no search
