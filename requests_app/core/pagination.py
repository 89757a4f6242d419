"""A paginator that counts exactly only as far as a page's reader can tell the difference."""

import json
import math

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import F, OrderBy, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property


class EstimatedPaginator(Paginator):
    """Counts the matches exactly up to ``exact_up_to``; beyond, on PostgreSQL, takes the planner's estimate.

    An exact COUNT over a million cases reads every row (or every index entry) each time the list
    is shown, and dominates the page; nobody needs to know whether 998,213 or 998,214 cases match.
    The bounded count reads at most ``exact_up_to + 1`` rows; past that the planner's estimate of
    the query's rows (EXPLAIN) is shown, rounded, as "about" (``estimated``). On other databases
    (SQLite) the count stays exact. The estimate never hides a case: the last page by the
    estimate, or any page past it, is counted exactly first (an estimate too low then shows the
    pages beyond it), and a page past the real end (an estimate too high) counts exactly and shows
    the real last page.

    A text search that matches at most ``sorted_after_finding_up_to`` cases is found first and then
    sorted (``sorted_after_finding``): sorted by a column that has an index (newest first),
    PostgreSQL pages a search by walking the cases in that order and testing each text, and for a
    selective search (a Member State's name) reads thousands of rows to find fifty (40 ms at
    100,000 cases); found first from the trigram indexes and then sorted, the same page takes 10.
    The count, read anyway, says which case this is; a common word keeps the walk, which suits it.
    """

    exact_up_to = 2000
    sorted_after_finding_up_to = 2000  # at most exact_up_to: only an exact count tells

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, searching=False):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.estimated = False
        # A text search: the planner cannot tell how many texts hold a word (it guessed 200,000
        # cases for the 8,325 of Ghana), so past the bound the page says "more than" the bound,
        # and no total of pages; the estimate still lets the pages link on.
        self.searching = searching

    @property
    def more_than(self):
        """The bound the matches are known to pass, when the page can say no more (a search); else None."""
        return self.exact_up_to if self.estimated and self.searching else None

    @cached_property
    def count(self):
        count = self._bounded_count()
        if (
            self.searching
            and isinstance(self.object_list, QuerySet)
            and not self.estimated
            and count <= self.sorted_after_finding_up_to
        ):
            self.object_list = sorted_after_finding(self.object_list)
        return count

    def _bounded_count(self):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        bounded = queryset.order_by()[: self.exact_up_to + 1].count()
        if bounded <= self.exact_up_to:
            return bounded
        self.estimated = True
        return max(self._planner_estimate(queryset), self.exact_up_to + 1)

    def _planner_estimate(self, queryset):
        """The planner's rows for the query, never more than its table holds: the planner scales its
        statistics by the table's size on disk, which counts dead rows until a vacuum (after a mass
        update a million cases read as five), while the statistics' live rows do not."""
        rows, held = _plan_rows(queryset), _table_rows(queryset)
        return _rounded(min(rows, held) if held > 0 else rows)

    def validate_number(self, number):
        try:
            number = super().validate_number(number)
        except EmptyPage:
            if not self.estimated:
                raise
            self._count_exactly()  # past the estimated end: there may be more than estimated
            return super().validate_number(number)
        if self.estimated and number >= self.num_pages:
            self._count_exactly()  # the estimated last page: is it the last one?
            return super().validate_number(number)
        return number

    def page(self, number):
        estimated = self.estimated
        try:
            page = super().page(number)
        except EmptyPage:
            if not estimated:
                raise
            # Past the real end of a high estimate, counted just now (validate_number): the real
            # last page, for the admin too, which asks for a page without get_page's fallback.
            return super().page(self.num_pages)
        if self.estimated and page.number > 1 and not len(page):
            # The estimate was high: count exactly, once, and show the real last page.
            self._count_exactly()
            page = super().page(self.num_pages)
        return page

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        # The admin asks for the range around the page number it was given, which may lie past the
        # real end of a high estimate (its page is then the real last one: page()).
        try:
            number = self.validate_number(number)
        except EmptyPage:
            number = self.num_pages
        return super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)

    def _count_exactly(self):
        self.__dict__["count"] = super().count
        self.__dict__.pop("num_pages", None)
        self.estimated = False


def sorted_after_finding(queryset):
    """The queryset in the same order, by expressions no index answers (COALESCE(x, x) is x): the
    database then finds the rows by the query's conditions first and sorts what it found."""
    query = queryset.query
    ordering = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    return queryset.order_by(*[_unindexed(queryset.model, item) for item in ordering])


def _unindexed(model, item):
    """One term of an ordering, by the same values through COALESCE(x, x)."""
    if isinstance(item, OrderBy):
        value = Coalesce(item.expression, item.expression)
        return OrderBy(value, descending=item.descending, nulls_first=item.nulls_first, nulls_last=item.nulls_last)
    if not isinstance(item, str):
        return Coalesce(item, item).asc()  # an expression, ascending as order_by() takes it
    name = item.lstrip("-")
    if item == "?" or _names_a_relation(model, name):
        return item  # a relation sorts by its model's ordering, which F() would not follow
    value = Coalesce(F(name), F(name))
    return value.desc() if item.startswith("-") else value.asc()


def _names_a_relation(model, path):
    opts = model._meta
    for part in path.split(LOOKUP_SEP):
        if part == "pk":
            return False
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return False  # an annotation or a transform
        if not (field.is_relation and field.related_model):
            return False
        opts = field.related_model._meta
    return True


def _rounded(rows):
    """Two significant digits: the planner's estimate is not more precise than that."""
    if rows < 100:
        return rows
    unit = 10 ** (int(math.log10(rows)) - 1)
    return round(rows / unit) * unit


def _plan_rows(queryset):
    """The rows PostgreSQL's planner expects the query to return (EXPLAIN)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _table_rows(queryset):
    """The live rows of the query's table as PostgreSQL's statistics know them (0: not known)."""
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(c.reltuples, s.n_live_tup) FROM pg_class c "
            "JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        held = cursor.fetchone()
    return int(held[0]) if held is not None and held[0] > 0 else 0
