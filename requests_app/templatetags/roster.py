"""The case page's section on the experts deployed to the case (paras 8-9)."""

from django import template

from requests_app.cases import selectors
from requests_app.roster import selectors as selectors_roster
from requests_app.roster import services as roster_services
from requests_app.roster.forms import DeploymentDatesForm

register = template.Library()


@register.inclusion_tag("roster/_case_deployments.html", takes_context=True)
def case_deployments(context, case):
    """One query for the deployments, whatever their number; nothing for those who may not see them."""
    user = context["request"].user
    if not user.has_perm("requests_app.view_deployment"):
        return {"shown": False}
    deployments = selectors_roster.case_deployments(case)
    for deployment in deployments:
        deployment.case = case  # already loaded, with its Member State
        deployment.status, deployment.status_label = selectors_roster.deployment_status(deployment)
        deployment.may_cancel = roster_services.may_cancel(user, deployment)
    may_deploy = bool(
        case.is_open and user.has_perm("requests_app.add_deployment") and selectors.may_work_on(user, case)
    )
    return {
        "shown": True,
        "case": case,
        "deployments": deployments,
        "may_deploy": may_deploy,
        "dates_form": DeploymentDatesForm(auto_id="id_deploy_%s") if may_deploy else None,
        "csrf_token": context.get("csrf_token"),
        "perms": context.get("perms"),
    }
