"""The case page's section on the post-electoral phase: its evaluation, or why it closed without one,
and its lessons learned (paras 5 and 9)."""

from django import template

from requests_app.cases.choices import Stage
from requests_app.evaluation import selectors
from requests_app.evaluation.workflow import EVALUATION_STAGES

register = template.Library()

# Before implementation there is nothing to evaluate yet; an ended case shows what it holds.
SHOWN_STAGES = EVALUATION_STAGES | {Stage.CLOSED}


@register.inclusion_tag("evaluation/_case_section.html", takes_context=True)
def case_evaluation(context, case):
    """A fixed number of queries (the lessons and their areas); nothing for those who may not read it."""
    user = context["request"].user
    if case.stage not in SHOWN_STAGES or not user.has_perm("requests_app.view_evaluation"):
        return {"shown": False}
    section = selectors.case_section(case, user)
    if case.stage not in EVALUATION_STAGES and not (section["evaluation"] or section["waiver"] or section["lessons"]):
        return {"shown": False}  # closed under the old rule, before evaluations were recorded
    return {"shown": True, "case": case, **section}
