"""What the tests of the case list share: its address, and the references it lists."""

from django.urls import reverse

LIST = reverse("workspace:case-list")


def listed(client, query=""):
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [case.reference for case in response.context["page"].object_list]
