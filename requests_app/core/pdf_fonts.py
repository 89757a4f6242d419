"""The fonts of EAS's PDFs (the briefing, the Secretary-General's report, letters) in the six languages.

Every font comes from a PyPI package pinned in requirements.txt, so ``make install`` puts it in the
virtual environment and no font is assumed on the machine:

- Roboto (``font-roboto``): Latin and Cyrillic, for English, French, Spanish and Russian;
- Amiri (``fontpkg-amiri``): a Naskh face for Arabic, with Latin letters of its own; joined and set
  right to left by fpdf2's text shaping (HarfBuzz, ``uharfbuzz``);
- Noto Sans SC (``pylopdf-fonts-zh-cn``): Simplified Chinese, with Latin and Cyrillic.

The face of the document's language comes first; the others are fallbacks for what it lacks (a
Latin reference number in Arabic has Amiri's own Latin; a Chinese name in a French letter takes
Noto Sans SC), each read only when a text needs it: reading a face costs a tenth of a second or
more, and most documents need one. fpdf2 embeds only the glyphs a document uses.
"""

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from requests_app.core.languages import is_rtl, known_language

# fontTools logs each subset fpdf2 makes (dozens of lines per PDF) at INFO, the level of EAS's logs.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

ROBOTO, AMIRI, NOTO_SC = "Roboto", "Amiri", "NotoSansSC"
# The face a language is written in; any other language (none today) in Roboto.
FACE_OF_LANGUAGE = {"ar": AMIRI, "zh-hans": NOTO_SC}
# Noto Sans SC is wanted for a character past these (CJK radicals, punctuation, ideographs).
CJK_FROM = 0x2E80
# Arabic letters, in any document, are joined by the shaping engine (the blocks of Arabic and its presentation forms).
ARABIC = ((0x0600, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def has_arabic(text: str) -> bool:
    return any(low <= ord(char) <= high for char in text for low, high in ARABIC)


@lru_cache(maxsize=1)
def font_files() -> dict[str, dict[str, Path]]:
    """{family: {style: path}} of the three faces, as their packages install them."""
    import font_roboto
    import fontpkg_amiri
    import pylopdf_fonts_zh_cn

    amiri = Path(fontpkg_amiri.ROOT) / "files"
    chinese = Path(pylopdf_fonts_zh_cn.sans_path())
    return {
        ROBOTO: {"": Path(font_roboto.Roboto), "B": Path(font_roboto.RobotoBold)},
        AMIRI: {"": amiri / "Amiri-Regular.ttf", "B": amiri / "Amiri-Bold.ttf"},
        # Noto Sans SC has one weight here: a bold heading is set in it too, told apart by size and colour.
        NOTO_SC: {"": chinese},
    }


@dataclass
class Typesetting:
    """The fonts of one PDF: its family, its direction, and the characters its faces can draw."""

    pdf: Any
    language: str
    family: str
    rtl: bool
    known: set[int] = field(default_factory=set)  # what any of its faces draws
    own: set[int] = field(default_factory=set)  # what its own face draws
    loaded: list[str] = field(default_factory=list)

    def ensure(self, text: str) -> None:
        """Read the faces ``text`` needs that are not read yet (as fallbacks), and shape its Arabic."""
        if not self.pdf.text_shaping and has_arabic(text):
            self.pdf.set_text_shaping(True)
        missing = [char for char in text if ord(char) not in self.known and char != "\n"]
        if not missing:
            return
        wanted = []
        if has_arabic("".join(missing)):
            wanted.append(AMIRI)
        if any(ord(char) >= CJK_FROM for char in missing):
            wanted.append(NOTO_SC)
        wanted.append(ROBOTO)  # Latin, Cyrillic, Greek, punctuation
        for family in wanted:
            if family not in self.loaded and any(ord(char) not in self.known for char in missing):
                self._load(family)
        self._fallbacks()

    def drawable(self, text: str) -> str:
        """``text`` as the faces can draw it: a character none has is drawn as "?", never left out silently."""
        self.ensure(text)
        if all(ord(char) in self.known or char == "\n" for char in text):
            return text
        return "".join(char if ord(char) in self.known or char == "\n" else "?" for char in text)

    def plain(self, text: str) -> bool:
        """Whether ``text`` can be drawn as it is, glyph after glyph left to right in the document's own
        face: no Arabic to shape, no character of another face. fpdf2's ``text()`` draws such a text
        several times faster than ``cell()``, which shapes, finds fallbacks and orders bidirectional text."""
        return not has_arabic(text) and all(ord(char) in self.own for char in text)

    def set_font(self, style: str, size: float) -> None:
        """The document's face in ``style`` ("" or "B"), or its regular weight when it has no bold."""
        self.pdf.set_font(self.family, style if style in font_files()[self.family] else "", size)

    def align(self, align: str = "L") -> str:
        """An alignment as the language reads it: the start of a line is on the right in Arabic."""
        if not self.rtl:
            return align
        return {"L": "R", "R": "L"}.get(align, align)

    def _load(self, family: str) -> None:
        for style, path in font_files()[family].items():
            self.pdf.add_font(family, style, path)
        self.loaded.append(family)
        self.known |= set(self.pdf.fonts[family.lower()].cmap)

    def _fallbacks(self) -> None:
        others = [family for family in self.loaded if family != self.family]
        if others:
            self.pdf.set_fallback_fonts(others, exact_match=False)


def typeset(pdf: Any, language: str) -> Typesetting:
    """Give ``pdf`` the fonts of ``language``: its face first, the others as fallbacks; Arabic shaped
    (joined letters) and laid out right to left. Returns what the writer needs to know of them."""
    language = known_language(language)
    family = FACE_OF_LANGUAGE.get(language, ROBOTO)
    setting = Typesetting(pdf=pdf, language=language, family=family, rtl=is_rtl(language))
    setting._load(family)
    setting.own = set(setting.known)
    if setting.rtl:
        pdf.set_text_shaping(True, direction="rtl")
    return setting
