"""The briefing's PDF in Arabic, Chinese and Russian: its text read back (PDFium) is the catalogue's
translation, in the order the report reads; its pages are kept as PNG images (pypdfium2) in
test-artifacts/screenshots/pdf-languages/, which CI keeps, for a person to look at.

These check the catalogues' translations: a language whose catalogue lacks the strings fails here,
saying which string is still English.
"""

from pathlib import Path

import pypdfium2
import pytest
from django.utils import translation
from django.utils.translation import gettext

from requests_app.reports.pdf import pdf_bytes
from requests_app.reports.selectors import build_briefing
from tests.reports.helpers import END, START

pytestmark = pytest.mark.django_db

TITLE_TEXT = "Electoral assistance: briefing to Member States"  # reports.briefing.TITLE's words
# What the reader meets first to last: the title, the first table's heading, the last part's.
IN_ORDER = (TITLE_TEXT, "Key figures", "Requests and responses by region", "How the figures are counted")


def screenshots(request) -> Path:
    path = Path(request.config.rootpath) / "test-artifacts" / "screenshots" / "pdf-languages"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_pages(content: bytes, folder: Path, name: str, pages: int = 2) -> list[Path]:
    """The first pages of the PDF as PNG images, as a PDF viewer draws them (PDFium, Chromium's)."""
    document = pypdfium2.PdfDocument(content)
    saved = []
    try:
        for number in range(min(pages, len(document))):
            path = folder / f"{name}-page-{number + 1}.png"
            document[number].render(scale=1.5).to_pil().save(path)
            saved.append(path)
    finally:
        document.close()
    return saved


def text_of(content: bytes) -> str:
    """The PDF's text in the order it is drawn, as a PDF viewer reads it (PDFium, Chromium's engine).
    Not pypdf's: it reads the two-byte codes of an OpenType (CFF) font such as Noto Sans SC as one byte
    each after a page or two, and loses the Chinese text that PDFium, Acrobat and pdftotext read."""
    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def briefing_in(language: str, history) -> tuple[bytes, list[str]]:
    history.move_on()
    with translation.override(language):
        content = pdf_bytes(build_briefing(START, END))
        expected = [gettext(text) for text in IN_ORDER]
    return content, expected


@pytest.mark.parametrize("language", ["ar", "zh-hans", "ru"])
def test_the_briefing_pdf_is_written_in_the_language_in_reading_order(language, history, request):
    content, expected = briefing_in(language, history)
    save_pages(content, screenshots(request), f"briefing-{language}")
    untranslated = [english for english, text in zip(IN_ORDER, expected, strict=True) if text == english]
    assert not untranslated, f"the {language} catalogue does not translate {untranslated}"
    text = " ".join(text_of(content).split())  # a heading that wraps (the Russian title) reads on
    places = [text.find(" ".join(words.split())) for words in expected]
    assert -1 not in places, [words for words, place in zip(expected, places, strict=True) if place == -1]
    assert places == sorted(places)
    assert "Key figures" not in text and "How the figures are counted" not in text


def test_the_arabic_pdf_joins_its_letters_and_mirrors_its_tables(history, request):
    content, expected = briefing_in("ar", history)
    document = pypdfium2.PdfDocument(content)
    try:
        page = document[0].get_textpage()
        chars = [(page.get_charbox(i), page.get_text_range(i, 1)) for i in range(page.count_chars())]
    finally:
        document.close()
    # Right to left: the title's first letter is drawn to the right of its last.
    text = "".join(char for _box, char in chars)
    title = expected[0]
    start = text.find(title[:6])
    assert start != -1, "the Arabic title is not on the first page"
    first, last = chars[start][0], chars[start + len(title[:6]) - 1][0]
    assert first[0] > last[0]
    # The first page's text starts on the right: its widest line ends near the right margin (A4, 15 mm).
    right_edges = [box[2] for box, char in chars if char.strip()]
    assert max(right_edges) > 595 - 15 * 72 / 25.4 - 3


def test_the_command_writes_the_briefing_in_a_language(history, tmp_path):
    from django.core.management import call_command

    history.move_on()
    output = tmp_path / "briefing.pdf"
    call_command("briefing", "--from", "2026-01-01", "--to", "2026-03-31", "--language", "zh_Hans", "-o", str(output))
    with translation.override("zh-hans"):
        title = gettext(TITLE_TEXT)
    assert title != TITLE_TEXT, "the Chinese catalogue does not translate the title"
    assert title in text_of(output.read_bytes())


def test_each_download_takes_its_language_from_the_address_else_the_interfaces(client, history):
    from django.urls import reverse

    from tests.reports.helpers import QUERY, focal_point

    history.move_on()
    client.force_login(focal_point())
    url = reverse("workspace:briefing-csv") + QUERY
    french = client.get(url + "&language=fr")
    assert french.status_code == 200 and french["Content-Language"] == "fr"
    assert french["Content-Disposition"] == 'attachment; filename="eas-briefing-2026-01-01-to-2026-03-31-fr.csv"'
    with translation.override("fr"):
        key_figures = gettext("Key figures")
    assert key_figures != "Key figures", "the French catalogue does not translate the key figures"
    assert key_figures in french.content.decode("utf-8-sig")
    # Without one, the interface's (the browser's here, as Django's LocaleMiddleware reads it).
    spanish = client.get(url, headers={"accept-language": "es"})
    assert spanish["Content-Language"] == "es" and spanish["Content-Disposition"].endswith('-es.csv"')
    assert client.get(url)["Content-Disposition"].endswith('31.csv"')
    # A language EAS does not have: the page, saying so; never a file, never an error.
    refused = client.get(reverse("workspace:briefing-pdf") + QUERY + "&language=xx")
    assert refused.status_code == 400 and "is not one of the languages of EAS" in refused.content.decode()


def test_the_secretary_generals_report_downloads_in_arabic(client, history):
    from django.urls import reverse

    from tests.reports.helpers import focal_point

    history.move_on()
    client.force_login(focal_point())
    response = client.get(reverse("workspace:sg-report-pdf") + "?from=2025-01-01&to=2026-12-31&language=ar")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-ar.pdf"')
    with translation.override("ar"):
        title = gettext("Electoral assistance: report of the Secretary-General")
    assert title != "Electoral assistance: report of the Secretary-General", "the Arabic catalogue lacks the title"
    assert title in text_of(response.content)
