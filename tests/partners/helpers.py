"""What the partners' tests share: users in a role, and contributions through the service."""

from django.contrib.auth.models import Group

from requests_app.partners import services as partner_services
from requests_app.partners.models import PartnerContribution
from tests.factories import UserFactory

Kind = PartnerContribution.Kind


def in_role(role, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)


def contribute(actor, case, partner, kind, **fields):
    return partner_services.record_contribution(actor=actor, case=case, partner=partner, kind=kind, **fields)
