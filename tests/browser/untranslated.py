"""English left on a page that should speak another language: what the six-language journey looks for.

A text the page shows is English left untranslated when
- it is a message of the language's catalogue (locale/<lang>/LC_MESSAGES/django.po), as written in
  the code or with its first letter capitalised as Django's labels are, and the catalogue gives it
  no translation or one that differs (a message its translators keep as it is, "EAS", is not); or
- it is a sentence of common English words (the catalogue cannot know a text built in the code), unless
- the allow-list names it: references, people's names, what the test typed, file names, figures.
Only text a person sees is read: the page's visible text, the options of its visible lists, its
buttons' values and its fields' placeholders; text marked as in another language (the language
switcher's names, each in its own language) is left out.
"""

import re

from django.utils.text import capfirst

from requests_app.core import catalogues

# The words that make a sentence English (none of them a word of French or Spanish as well).
STOPWORDS = {
    "the", "of", "and", "to", "is", "are", "for", "with", "this", "that", "be", "by", "from", "has", "have",
    "was", "were", "will", "not", "it", "its", "at", "an", "which", "who", "what", "when", "your", "you",
    "there", "their", "any", "all", "been", "than", "then", "into", "only", "these", "those", "yet", "here",
}  # fmt: skip
# Texts that are no language's: references, codes, figures, dates in digits, file names, "EAS".
NEUTRAL = re.compile(r"EAS|EAS-\d{4}-\d{4}|[A-Z]{3}|[\d\s.,:/\-–—+%()·]+|[\w.-]+\.(pdf|docx|xlsx|csv)|[—–·|/*:›»«‹…]+")
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")

VISIBLE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const ownLanguage = (el) => { const marked = el.closest('[lang]'); return !marked || marked.lang === lang; };
  const seen = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('script, style, noscript, template, textarea, option')) continue;
    if (seen(el) && ownLanguage(el)) texts.push(walker.currentNode.textContent);
  }
  for (const select of document.querySelectorAll('select')) {
    if (seen(select) && ownLanguage(select)) for (const option of select.options) texts.push(option.text);
  }
  for (const input of document.querySelectorAll('input[type=submit], input[type=button], [placeholder]')) {
    if (seen(input) && ownLanguage(input)) texts.push(input.value || '', input.placeholder || '');
  }
  return texts;
}"""


def english_messages(language):
    """The messages of the language's catalogue that a page must not show as they are: untranslated,
    or translated otherwise. No catalogue: none (the common words still tell English)."""
    path = catalogues.catalogue_path(language)
    if not path.exists():
        return set()
    found = set()
    for message in catalogues.read_catalogue(path):
        if not message.id or message.fuzzy is None:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.fuzzy or not all(strings) or any(string not in ids for string in strings):
            found |= {text for msgid in ids for text in (msgid, capfirst(msgid)) if WORD.search(text)}
    return found


def looks_english(text):
    words = WORD.findall(text)
    common = [word for word in words if word.lower() in STOPWORDS]
    return len(words) >= 3 and len(common) >= 2 and len(common) * 4 >= len(words)


class Reader:
    """Reads pages for English in a language that is not English; keeps what it found, page by page."""

    def __init__(self, language, *, allowed=()):
        self.language = language
        self.english = english_messages(language) if language != "en" else set()
        self.allowed = {" ".join(text.split()) for text in allowed}
        self.found = {}

    def is_english(self, text):
        if self.language == "en":
            return False
        for allowed in self.allowed:  # what the test typed, people's names: judged without them
            text = text.replace(allowed, " ")
        text = " ".join(text.split())
        if not text or NEUTRAL.fullmatch(text):
            return False
        bare = text.rstrip(":*").strip()
        return text in self.english or bare in self.english or looks_english(text)

    def read(self, page, name):
        texts = {" ".join(text.split()) for text in page.evaluate(VISIBLE_TEXT)}
        english = sorted(text for text in texts if text and self.is_english(text))  # as the page shows them
        if english:
            self.found[name] = english
        return english

    def report(self):
        lines = [f"English left on the pages in {self.language}:"]
        for page, texts in self.found.items():
            lines.append(f"  {page}:")
            lines.extend(f"    {text!r}" for text in texts)
        return "\n".join(lines)
