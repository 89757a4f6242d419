"""An expert's page, and deploying and cancelling from the case page."""

import datetime

import pytest
from django.urls import reverse

from requests_app.roster.models import Deployment
from tests.factories import DeploymentFactory
from tests.roster.helpers import ROSTER, D, admin_url, query_count

pytestmark = pytest.mark.django_db


# Deploying from the case page ---------------------------------------------------------------------


def case_page(client, case):
    return client.get(reverse("workspace:case-detail", args=[case.reference]))


def deploy_url(case):
    return reverse("workspace:deployment-new", args=[case.reference])


def cancel_url(deployment):
    return reverse("workspace:deployment-cancel", args=[deployment.case.reference, deployment.pk])


def test_the_case_page_lists_the_deployments_and_offers_to_deploy(client, team, cases, roster):
    client.force_login(team["officer"])
    html = case_page(client, cases["ghana"]).content.decode()
    assert "Experts deployed" in html and "Amina Diallo" in html and "10 Mar 2026" in html
    assert f'action="{deploy_url(cases["ghana"])}"' in html
    assert 'action="' + cancel_url(Deployment.objects.get(expert=roster["amina"])) + '"' in html
    # A desk colleague's case: seen, not worked on.
    html = case_page(client, cases["kenya"]).content.decode()
    assert "Experts deployed" in html and deploy_url(cases["kenya"]) not in html


def test_the_clerk_sees_deployments_but_no_deploy_or_cancel_form(client, team, cases, roster):
    client.force_login(team["clerk"])
    html = case_page(client, cases["ghana"]).content.decode()
    assert "Amina Diallo" in html
    assert deploy_url(cases["ghana"]) not in html and "/cancel/" not in html


def test_the_case_page_costs_a_fixed_number_of_queries_whatever_its_deployments(client, team, cases, frozen):
    client.force_login(team["officer"])
    ghana = cases["ghana"]
    DeploymentFactory(case=ghana)
    few = query_count(client, reverse("workspace:case-detail", args=[ghana.reference]))
    for n in range(15):
        DeploymentFactory(case=ghana, starts_on=D(2026, 1, 1) + datetime.timedelta(days=30 * n))
    assert query_count(client, reverse("workspace:case-detail", args=[ghana.reference])) == few


def test_the_deploy_page_lists_who_is_free_first(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.get(deploy_url(cases["ghana"]) + "?starts_on=2026-03-15&ends_on=2026-03-25")
    assert response.status_code == 200
    choices = response.context["form"].fields["expert"].choices
    free, busy = choices[1], choices[2]
    assert free[0] == "Available on these dates"
    assert {label.split(",")[0] for _pk, label in free[1]} == {"Mendes", "Kovalenko", "Lin", "Taylor", "Rao"}
    assert busy[0] == "Booked or not available on these dates"
    reasons = dict((label.split(",")[0], label) for _pk, label in busy[1])
    assert reasons["Diallo"] == (
        f"Diallo, Amina (Senegal) — booked on {cases['ghana'].reference} until 20 Mar 2026"
        " · Legal framework, Electoral dispute resolution"
    )
    assert reasons["Dupont"] == "Dupont, Jean (France) — available from 1 Jun 2026 · Legal framework"
    assert "Hassan" not in reasons  # off the roster: not offered
    html = response.content.decode()
    assert "available_from=2026-03-15" in html  # the roster, filtered for these dates


def test_deploying_from_the_case_page(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.post(
        deploy_url(cases["ghana"]),
        {
            "starts_on": "2026-04-01",
            "ends_on": "2026-04-30",
            "expert": roster["mei"].pk,
            "role": "Training expert",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:case-detail", args=[cases["ghana"].reference])
    messages = " ".join(str(m) for m in response.context["messages"])
    assert (
        f"Mei Lin is deployed to {cases['ghana'].reference} as Training expert from 1 Apr 2026 to 30 Apr 2026."
        in messages
    )
    assert Deployment.objects.filter(expert=roster["mei"], case=cases["ghana"], cancelled_at__isnull=True).exists()


def test_a_double_booking_from_the_case_page_says_why_and_keeps_what_was_typed(client, team, cases, roster):
    client.force_login(team["lead"])
    response = client.post(
        deploy_url(cases["kenya"]),
        {
            "starts_on": "2026-03-18",
            "ends_on": "2026-03-28",
            "expert": roster["amina"].pk,
            "role": "Electoral dispute adviser",
        },
    )
    assert response.status_code == 400
    messages = " ".join(str(m) for m in response.context["messages"])
    assert (
        f"Amina Diallo is already deployed to {cases['ghana'].reference} as Legal adviser "
        "from 10 Mar 2026 to 20 Mar 2026."
    ) in messages
    html = response.content.decode()
    assert 'value="Electoral dispute adviser"' in html and 'value="2026-03-18"' in html
    assert f'<option value="{roster["amina"].pk}" selected' in html
    assert not Deployment.objects.filter(case=cases["kenya"]).exists()


def test_a_deploy_form_with_errors_says_so(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.post(
        deploy_url(cases["ghana"]),
        {"starts_on": "2026-04-10", "ends_on": "2026-04-01", "expert": "", "role": "Adviser"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "The deployment cannot end before it starts." in form.errors["ends_on"]
    assert "expert" in form.errors and 'value="Adviser"' in response.content.decode()


def test_checking_who_is_free_keeps_what_was_typed_and_books_nothing(client, team, cases, roster):
    client.force_login(team["officer"])
    response = client.post(
        deploy_url(cases["ghana"]),
        {"starts_on": "2026-05-01", "ends_on": "2026-05-31", "role": "Logistics adviser", "check": "1"},
    )
    assert response.status_code == 200
    assert response.context["dates"] == (D(2026, 5, 1), D(2026, 5, 31))
    assert 'value="Logistics adviser"' in response.content.decode()
    assert not Deployment.objects.filter(case=cases["ghana"], role="Logistics adviser").exists()


@pytest.mark.parametrize(
    "who, case_name, status, reason",
    [
        ("officer", "ghana", 302, None),
        ("officer", "kenya", 400, "This case is not assigned to you"),  # seen, not theirs
        ("officer", "peru", 404, None),  # not seen at all
        ("lead", "kenya", 302, None),
        ("focal", "peru", 302, None),
        ("clerk", "ghana", 400, "You do not have permission to deploy experts."),
        ("finance", "ghana", 400, "You do not have permission to deploy experts."),
        ("nobody", "ghana", 403, None),
    ],
)
def test_who_deploys_from_which_case_page(client, team, cases, roster, who, case_name, status, reason):
    client.force_login(team[who])
    case = cases[case_name]
    response = client.post(
        deploy_url(case),
        {"starts_on": "2026-04-01", "ends_on": "2026-04-05", "expert": roster["priya"].pk, "role": "Logistics expert"},
    )
    assert response.status_code == status
    if reason:
        assert reason in " ".join(str(m) for m in response.context["messages"])
    assert Deployment.objects.filter(expert=roster["priya"]).exists() == (status == 302)


def test_the_deploy_page_of_a_case_one_may_not_deploy_to_says_why(client, team, cases, frozen):
    client.force_login(team["clerk"])
    response = client.get(deploy_url(cases["ghana"]))
    assert response.status_code == 200
    assert "You do not have permission to deploy experts." in response.content.decode()
    assert 'name="expert"' not in response.content.decode()


def test_cancelling_from_the_case_page(client, team, cases, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    client.force_login(team["officer"])
    assert client.get(cancel_url(deployment)).status_code == 200
    response = client.post(cancel_url(deployment), {"comment": "The government postponed the elections."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workspace:case-detail", args=[cases["ghana"].reference])
    deployment.refresh_from_db()
    assert deployment.is_cancelled
    html = response.content.decode()
    assert "Deployment cancelled" in html and "The government postponed the elections." in html


def test_cancelling_without_a_reason_or_the_right_is_refused(client, team, cases, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    client.force_login(team["officer"])
    response = client.post(cancel_url(deployment), {"comment": " "})
    assert response.status_code == 400 and "Say why the deployment is cancelled." in response.content.decode()
    client.force_login(team["clerk"])
    response = client.post(cancel_url(deployment), {"comment": "I would like to."})
    assert response.status_code == 400
    assert "You do not have permission to cancel deployments." in " ".join(str(m) for m in response.context["messages"])
    client.force_login(team["andean"])
    assert client.post(cancel_url(deployment), {"comment": "Outside."}).status_code == 404
    deployment.refresh_from_db()
    assert not deployment.is_cancelled


def test_a_deployment_is_cancelled_only_from_its_own_case(client, team, cases, roster):
    deployment = Deployment.objects.get(expert=roster["amina"])
    client.force_login(team["lead"])
    url = reverse("workspace:deployment-cancel", args=[cases["kenya"].reference, deployment.pk])
    assert client.post(url, {"comment": "Wrong case."}).status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [
        ("?starts_on=2026-04-10&ends_on=2026-04-01", "Until: The deployment cannot end before it starts."),
        ("?starts_on=soon&ends_on=2026-04-01", "From: Enter a valid date."),
        ("?ends_on=2026-04-01", "From: This field is required."),
    ],
)
def test_dates_the_deploy_page_cannot_use_are_kept_and_said_to_be_wrong(client, team, cases, roster, query, message):
    client.force_login(team["officer"])
    response = client.get(deploy_url(cases["ghana"]) + query)
    assert response.status_code == 200
    assert message in " ".join(str(m) for m in response.context["messages"])
    assert 'value="2026-04-01"' in response.content.decode()
    assert response.context["dates"] is None


def test_the_roster_pages_work_under_the_content_security_policy(admin_client, team, cases, roster):
    from tests.csp import assert_strict_policy_and_nothing_inline

    amina, ghana = roster["amina"], cases["ghana"]
    urls = [admin_url(f"{name}_changelist") for name in ("expert", "language", "deployment")] + [
        admin_url("expert_change", amina.pk),
        admin_url("expert_add"),
        ROSTER + "?language=fr",
        reverse("workspace:expert-detail", args=[amina.pk]),
        deploy_url(ghana) + "?starts_on=2026-04-01&ends_on=2026-04-05",
        cancel_url(Deployment.objects.get(expert=amina)),
        reverse("workspace:case-detail", args=[ghana.reference]),
    ]
    for url in urls:
        assert_strict_policy_and_nothing_inline(admin_client.get(url))
