"""Dates, numbers and money as the reader's language writes them (eas/formats, core.numbers)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from requests_app.core.numbers import currency_text
from requests_app.engagement.timeline import Periods
from tests.factories import new_request

ROOT = Path(settings.BASE_DIR)
DAY = datetime.date(2026, 12, 7)

# A date format written in a template or the code rather than named (DATE_FORMAT, DATETIME_FORMAT):
# it would print the English order and months in every language.
TEMPLATE_FORMAT = re.compile(r"""\|date:(["'])(.*?)\1""")
CODE_FORMAT = re.compile(r"""date_format\((?:[^,()]|\([^()]*\))*,\s*(["'])(.*?)\1""")
# Named formats; the year alone, ISO (c), a time; the zone (T); a month's abbreviation (the timeline's letter).
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "Y", "c", "H:i", "H:i T", "T", "M"}
STRFTIME_MONTH = re.compile(r"%[bB]")
# The outputs (emails, letters, the briefing and the SG report) format their dates for the language of
# the output, not the page's: issue 15's other half.
OUTPUTS = ("templates/reports/", "templates/emails/", "requests_app/reports/", "requests_app/correspondence/exports.py")


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "7 Dec 2026", "7 Dec 2026 14:05"),
        ("fr", "7 décembre 2026", "7 décembre 2026 14:05"),
        ("es", "7 de diciembre de 2026", "7 de diciembre de 2026 a las 14:05"),
        ("ru", "7 декабря 2026 г.", "7 декабря 2026 г. 14:05"),
        ("zh-hans", "2026年12月7日", "2026年12月7日 14:05"),
        ("ar", "7 ديسمبر، 2026", "7 ديسمبر، 2026 14:05"),
    ],
)
def test_a_day_and_a_moment_read_as_the_language_writes_them(language, day, moment):
    with translation.override(language):
        assert formats.date_format(DAY) == day
        assert formats.date_format(datetime.datetime(2026, 12, 7, 14, 5), "DATETIME_FORMAT") == moment


@pytest.mark.parametrize(
    ("language", "count", "amount", "dollars", "euros"),
    [
        ("en", "1,234,567", "1,234,567.50", "$1,234,567.50", "€1,234,567.50"),
        (
            "fr",
            "1\u202f234\u202f567",
            "1\u202f234\u202f567,50",
            "1\u202f234\u202f567,50\xa0$US",
            "1\u202f234\u202f567,50\xa0€",
        ),
        ("es", "1.234.567", "1.234.567,50", "1.234.567,50\xa0US$", "1.234.567,50\xa0€"),
        ("ru", "1\xa0234\xa0567", "1\xa0234\xa0567,50", "1\xa0234\xa0567,50\xa0$", "1\xa0234\xa0567,50\xa0€"),
        ("zh-hans", "1,234,567", "1,234,567.50", "US$1,234,567.50", "€1,234,567.50"),
        ("ar", "1,234,567", "1,234,567.50", "\u200f1,234,567.50\xa0US$", "\u200f1,234,567.50\xa0€"),
    ],
)
def test_counts_and_money_group_their_digits_as_the_language_does(language, count, amount, dollars, euros):
    """Counts (Django's formats, eas/formats) and money (babel) use the same separators: the CLDR's."""
    with translation.override(language):
        assert intcomma(1234567) == count
        assert Template("{% load fund %}{{ x|money }}").render(Context({"x": Decimal("1234567.50")})) == amount
        assert currency_text(Decimal("1234567.5"), "USD") == dollars
        assert Template('{% load eas %}{{ x|currency:"EUR" }}').render(Context({"x": Decimal("1234567.5")})) == euros


def test_money_without_an_amount_is_blank_and_a_strange_currency_is_still_written():
    assert currency_text(None, "USD") == ""
    with translation.override("en"):
        assert currency_text("12", "xyz") == "XYZ12.00"


def test_the_timeline_names_its_months_by_number_where_a_letter_would_not_say_which():
    axis = Periods(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    with translation.override("en"):
        assert [axis.label(i) for i in range(axis.count)][:4] == ["J", "F", "M", "A"]
    with translation.override("zh-hans"):
        assert [axis.label(i) for i in range(axis.count)][9:] == ["10", "11", "12"]


@pytest.mark.django_db
def test_the_case_list_and_page_write_their_days_in_the_language_of_the_page(client, officer):
    case = new_request(actor=officer, received_days_ago=0)
    received = formats.date_format(case.received_date, "Y年n月j日")
    client.force_login(officer)
    listing = client.get(reverse("workspace:case-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert received in listing
    page = client.get(reverse("workspace:case-detail", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert received in page.content.decode()


def test_no_template_or_code_writes_a_date_format_of_its_own():
    found = []
    for path in sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]):
        relative = str(path.relative_to(ROOT))
        if not relative.startswith(OUTPUTS):
            found += [f"{relative}: {m[2]}" for m in TEMPLATE_FORMAT.finditer(path.read_text()) if m[2] not in NAMED]
    for path in sorted(ROOT.glob("requests_app/**/*.py")):
        relative = str(path.relative_to(ROOT))
        if relative.startswith(OUTPUTS) or "/migrations/" in relative or "/demo/" in relative:
            continue
        text = path.read_text()
        found += [f"{relative}: {m[2]}" for m in CODE_FORMAT.finditer(text) if m[2] not in NAMED]
        found += [f"{relative}: strftime %b/%B" for _m in STRFTIME_MONTH.finditer(text)]
    assert found == []


@pytest.mark.django_db
def test_the_charts_geometry_is_never_written_with_a_decimal_comma(client, officer):
    """SVG reads "12.5": a French page that wrote its bars' widths as "12,5" drew nothing (and its
    browser logged an error per bar)."""
    for days_ago in (1, 2, 400):
        new_request(actor=officer, received_days_ago=days_ago)
    client.force_login(officer)
    page = client.get(reverse("workspace:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr"' in page and "<rect" in page
    assert re.findall(r'(?:x|y|width|height|x1|x2|y1|y2)="[^"]*\d,\d[^"]*"', page) == []
