"""The admin pages staff use all day: the list of cases and the page of one case."""

from .core import benchmark

CHANGELIST = "/admin/requests_app/assistancerequest/"


@benchmark("admin changelist")
def changelist(ctx):
    ctx.get(CHANGELIST)


@benchmark("admin changelist, stage filter")
def changelist_stage_filter(ctx):
    ctx.get(f"{CHANGELIST}?stage__exact=in_implementation")


@benchmark("admin changelist, search")
def changelist_search(ctx):
    ctx.get(f"{CHANGELIST}?q=Ghana")


def _case_with_full_history(ctx):
    case, entries = ctx.case_with_longest_history()
    ctx.note(f"Case page: {case.reference}, {entries} history entries, {case.documents.count()} documents.")
    return f"{CHANGELIST}{case.pk}/change/"


@benchmark("admin case page, full history", setup=_case_with_full_history)
def case_page(ctx, url):
    ctx.get(url)
