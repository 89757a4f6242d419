"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po), with Python alone.

Django's makemessages and compilemessages call GNU gettext, which a fresh machine lacks: EAS compiles
its catalogues with babel (``manage.py compile_catalogues``, run by ``make install``) and finds the
messages of its code the way makemessages does (Django turns each template into the gettext calls
it stands for; babel reads those and the Python files), so a test can tell a catalogue that misses
a message of the code.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

DOMAIN = "django"
# The translation functions Django's makemessages tells xgettext about, as babel names them.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# What makemessages reads for the "django" domain, and the folders it is told to leave out.
TEMPLATE_SUFFIXES = {".html", ".txt"}
SKIPPED_FOLDERS = {".venv", "tests", "bench", "var", "node_modules", "staticfiles", "test-artifacts", "locale"}

# A message of the code: (context or None, the message id; for a plural, its singular).
Key = tuple[str | None, str]


@dataclass(frozen=True)
class Entry:
    """A message of a catalogue that a translator still owes."""

    msgid: str
    context: str | None
    why: str  # "empty" or "fuzzy"


def catalogue_path(language: str, root: Path | None = None) -> Path:
    """Where the catalogue of a language code (``zh-hans``) lives: locale/zh_Hans/LC_MESSAGES/django.po."""
    base = root if root is not None else Path(settings.LOCALE_PATHS[0])
    return base / to_locale(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=path.parent.parent.name)


def compile_catalogue(path: Path) -> Path:
    """Write the .mo beside the .po; fuzzy and untranslated entries are left out, as msgfmt leaves
    them (babel would keep a plural whose forms are blank, as the English: Django's own translation
    of the same message, the admin's, would then never be reached)."""
    catalogue = read_catalogue(path)
    for message in list(catalogue):
        if message.id and not _translated(message):
            catalogue.delete(message.id, message.context)
    target = path.with_suffix(".mo")
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    target.write_bytes(buffer.getvalue())
    return target


def catalogues(roots: list[Path] | None = None) -> list[Path]:
    """Every django.po under the locale folders (settings.LOCALE_PATHS)."""
    folders = roots if roots is not None else [Path(path) for path in settings.LOCALE_PATHS]
    return sorted(po for folder in folders for po in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_all(*, force: bool = False, roots: list[Path] | None = None) -> list[Path]:
    """Compile each catalogue whose .mo is missing or older than its .po; the .mo files written."""
    written = []
    for po in catalogues(roots):
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            written.append(compile_catalogue(po))
    return written


def owed(catalogue: Catalog) -> list[Entry]:
    """The entries with no translation (a plural form left blank counts) or marked fuzzy."""
    found = []
    for message in catalogue:
        if not message.id:
            continue  # the header
        singular = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        if message.fuzzy:
            found.append(Entry(singular, message.context, "fuzzy"))
        elif not _translated(message):
            found.append(Entry(singular, message.context, "empty"))
    return found


def _translated(message: Message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return bool(message.string) and all(message.string)
    return bool(message.string)


def keys(catalogue: Catalog) -> set[Key]:
    """The messages a catalogue holds (obsolete ones are not in it)."""
    found: set[Key] = set()
    for message in catalogue:
        if message.id:
            singular = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
            found.add((message.context, singular))
    return found


def source_files(root: Path) -> Iterator[Path]:
    """The files makemessages reads for the "django" domain: Python and templates, outside SKIPPED_FOLDERS."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in relative[:-1]):
            continue
        if path.is_file() and (path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES):
            yield path


def messages_in(path: Path) -> Iterator[Key]:
    """The messages marked for translation in one file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        # Django writes each translation of a template as a call on its own line, among filler
        # that xgettext skips; Python's tokenizer would stop at the filler's indentation.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    found = extract("python", io.BytesIO(text.encode("utf-8")), keywords=KEYWORDS, comment_tags=(), options={})
    for _line, message, _comments, context in found:
        singular = message[0] if isinstance(message, tuple) else message
        if singular:
            yield context, singular


def messages_of_code(root: Path) -> set[Key]:
    """Every message the code marks for translation, as makemessages would gather them."""
    return {key for path in source_files(root) for key in messages_in(path)}
