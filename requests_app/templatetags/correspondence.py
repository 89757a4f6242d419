"""The case page's section on the case's letters (the correspondence register), and what a reader may
read of a letter (its level: correspondence.selectors)."""

from django import template

from requests_app.correspondence import selectors

register = template.Library()


@register.inclusion_tag("correspondence/_case_section.html", takes_context=True)
def case_letters(context, case):
    """One query for the letters, whatever their number; nothing for those who may not read them."""
    user = context["request"].user
    if not user.has_perm("requests_app.view_letter"):
        return {"shown": False}
    return {
        "shown": True,
        "case": case,
        "user": user,
        "letters": selectors.case_letters(case),
        "may_file": selectors.may_file(user, country=case.member_state, case=case),
        "has_decision": case.decisions.exists(),
    }


@register.filter
def readable_by(letter, user):
    """Whether ``user`` may read the letter's subject and notes: {% if letter|readable_by:user %}."""
    return selectors.may_read_letter(user, letter)


@register.filter
def file_readable_by(letter, user):
    """Whether ``user`` may open the letter's file (its level, or its document's if higher)."""
    return selectors.may_open_file(user, letter)
