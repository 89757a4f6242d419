"""The upload field: a document checked before it is stored."""

from django import forms

from requests_app.documents import services as document_services


class DocumentUploadField(forms.FileField):
    def validate(self, value):
        super().validate(value)
        if value:
            problems = document_services.document_problems(value)
            if problems:
                raise forms.ValidationError(problems)
