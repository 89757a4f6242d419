"""Fill admin forms the way a browser would: start from what the page shows."""


def _field_value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def change_form_data(response):
    """The POST a browser sends when the admin change (or add) form is saved untouched."""
    data = {}
    adminform = response.context["adminform"]
    for name, field in adminform.form.fields.items():
        if field.disabled:
            continue
        value = _field_value(adminform.form[name])
        if value not in ("", []):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            for name, field in form.fields.items():
                if field.disabled:
                    continue
                value = _field_value(form[name])
                if value not in ("", []):
                    data[form.add_prefix(name)] = value
    return {key: value for key, value in data.items() if value not in (None, "")}
