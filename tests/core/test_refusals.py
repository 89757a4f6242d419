import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from requests_app.core.errors import ActionRefused, tell_refusal


def test_a_refusal_becomes_the_form_errors_or_the_messages_one_per_reason():
    refusal = ActionRefused("The expert is booked.", "The case is closed.")
    form = forms.Form(data={})
    assert form.is_valid()
    tell_refusal(refusal, form=form)
    assert form.non_field_errors() == ["The expert is booked.", "The case is closed."]

    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    tell_refusal(refusal, request=request, level=messages.WARNING)
    told = [(m.level, m.message) for m in request._messages]
    assert told == [(messages.WARNING, "The expert is booked."), (messages.WARNING, "The case is closed.")]

    with pytest.raises(TypeError):
        tell_refusal(refusal)
