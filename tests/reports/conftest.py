"""Fixtures of the briefing's tests: a quarter's history, made through the services.

The clock is moved by time-machine, so the events are those the application writes. The period is
the first quarter of 2026; the figures it should give are counted by hand in tests/reports/helpers.py.
"""

from types import SimpleNamespace

import pytest

from requests_app.cases import services
from requests_app.cases.choices import DecisionOutcome, ImplementationModality
from tests.reports.helpers import Story


@pytest.fixture
def history(time_machine, officer):
    """Cases before, in and after the first quarter of 2026. What each adds to the quarter is
    written beside it; ``move_on()`` takes cases further after the quarter."""
    s = Story(time_machine, officer)
    c = SimpleNamespace()

    # Before the quarter.
    # Ghana: assisted in 2025, implementation starts in the quarter, withdrawn in it (after assistance).
    c.gha_old = s.ready(s.register("2025-11-03", "GHA"), "2025-11-10")
    c.gha_old = s.decide(c.gha_old, "2025-12-01", types=("voter-registration", "training"))
    # Peru: withdrawn before the quarter: nothing.
    s.withdraw(s.register("2025-10-01", "PER"), "2025-12-15")
    # Kenya: assisted, implemented and closed before the quarter: nothing, not even under way.
    kenya_closed = s.decide(s.ready(s.register("2025-09-01", "KEN"), "2025-09-10"), "2025-10-01")
    kenya_closed = s.implement(kenya_closed, "2025-10-15", ImplementationModality.UNDP_PROJECT)
    s.close(kenya_closed, "2025-12-20")
    # Ukraine: under review since June 2025: pending.
    services.start_review(actor=officer, case=s.register("2025-06-01", "UKR"))
    # Nepal: awaiting decision since December; deferred twice in the quarter: deferred 1, pending.
    c.npl = s.ready(s.register("2025-12-10", "NPL"), "2025-12-20")
    # Kenya: submitted in December, assisted in the quarter: assisted 1 (training).
    c.ken = s.ready(s.register("2025-12-01", "KEN"), "2025-12-15")

    # In the quarter.
    c.npl = s.defer(c.npl, "2026-01-15", until="2026-02-15")
    c.npl = s.defer(c.npl, "2026-02-20", until="2026-04-15")
    c.ken = s.decide(c.ken, "2026-01-05", types=("training",))
    c.ken = s.implement(c.ken, "2026-01-20", ImplementationModality.ROSTER_EXPERTS)
    c.gha_old = s.implement(c.gha_old, "2026-02-02", ImplementationModality.UNDP_PROJECT)
    c.gha_old = s.withdraw(c.gha_old, "2026-03-20")
    # Côte d'Ivoire: a request assisted (voter registration, logistics) and a Security Council
    # mandate assisted with a narrowed scope (results management): received 2, assisted 1, narrowed 1.
    c.civ = s.decide(
        s.ready(s.register("2026-01-10", "CIV"), "2026-01-20"),
        "2026-02-10",
        types=("voter-registration", "voting-counting"),
    )
    mandate = s.register("2026-01-20", "CIV", mandate="security_council")
    s.decide(
        s.ready(mandate, "2026-02-01"),
        "2026-03-05",
        DecisionOutcome.NARROW,
        types=("results-management",),
        scope="Results management only.",
    )
    # Türkiye: one declined at review, one declined after its assessment: received 2, declined 2.
    s.decline_at_review(s.register("2026-02-01", "TUR"), "2026-02-05")
    s.decide(
        s.ready(s.register("2026-02-10", "TUR"), "2026-02-20"),
        "2026-03-10",
        DecisionOutcome.DECLINE,
        reason="No conditions for a credible election.",
    )
    # Peru: one withdrawn in the quarter, one still waiting at its end: received 2, withdrawn 1, pending 1.
    s.withdraw(s.register("2026-03-01", "PER"), "2026-03-15")
    c.per = s.register("2026-03-20", "PER")
    # Ghana: registered in the last minute of the quarter: received 1, pending 1.
    c.gha_last = s.register("2026-03-31", "GHA", time=(23, 59))

    def move_on():
        """After the quarter: none of this may change its report."""
        s.register("2026-04-01", "GHA", time=(0, 0))
        s.decide(c.npl, "2026-04-20", types=("voting-counting",))
        s.decline_at_review(c.per, "2026-04-05")
        s.implement(c.civ, "2026-04-10", ImplementationModality.OTHER)
        s.withdraw(c.gha_last, "2026-04-12")
        s.at("2026-05-04")

    c.move_on = move_on
    s.at("2026-04-01", 9)
    return c
