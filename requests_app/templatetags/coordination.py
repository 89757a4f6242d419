"""The case page's section on who took part (paras 10-11): the mission's members and consultations, the
vehicles of implementation, and who was told of the decision."""

from django import template

from requests_app.coordination import selectors, services

register = template.Library()


@register.inclusion_tag("coordination/_case_section.html", takes_context=True)
def case_coordination(context, case):
    """A fixed number of queries (coordination.selectors.case_section); nothing for those who may not
    read it, nor before the needs are assessed."""
    user = context["request"].user
    if not user.has_perm("requests_app.view_missionmember"):
        return {"shown": False}
    section = selectors.case_section(case, user)
    if section["assessment"] is None and not (section["versions"] or section["vehicles"]):
        return {"shown": False}
    services.record_outcomes_shown(reader=user, case=case, rows=section["consultations"])
    return {
        "shown": True,
        "case": case,
        "vehicle_stage": case.stage in selectors.VEHICLE_STAGES,
        "csrf_token": context.get("csrf_token"),
        **section,
    }
