"""The country file (issue 13): a country with 50 cases and 2,000 history entries at 100,000 cases,
and the list of countries with their open and closed cases and last activity."""

from bench.core import PageError, as_in_use, benchmark

COUNTRY_LIST = "/countries/"


def _country_file(ctx):
    """The country that seed_demo --cases keeps for this benchmark (requests_app/demo/country_file.py)."""
    from requests_app.cases.models import AssistanceRequest
    from requests_app.demo.country_file import CASES, COUNTRY_FILE_STATE
    from requests_app.history.models import CaseEvent

    as_in_use(ctx)
    cases = AssistanceRequest.objects.filter(member_state__iso3=COUNTRY_FILE_STATE)
    count, entries = cases.count(), CaseEvent.objects.filter(case__in=cases).count()
    if not count:
        raise PageError(f"No case of {COUNTRY_FILE_STATE}: seed the database first.")
    ctx.note(f"Country file: {COUNTRY_FILE_STATE}, {count} cases, {entries:,} history entries.")
    if count != CASES:
        ctx.note(
            f"Country file: {COUNTRY_FILE_STATE} should have {CASES} cases: this database was seeded before "
            "seed_demo --cases kept it for this benchmark; seed a new one (remove var/bench.sqlite3) to measure it."
        )
    return f"{COUNTRY_LIST}{COUNTRY_FILE_STATE}/"


@benchmark("country file, 50 cases", setup=_country_file)
def country_file(ctx, url):
    ctx.get(url)


@benchmark("countries list", setup=as_in_use)
def country_list(ctx, _setup):
    ctx.get(COUNTRY_LIST)
